"""The default reference data shipped with Qifu (a copy of the spec's taxonomy.yaml)."""

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"

# Chinese names of the small code sets whose yaml entries carry only codes.
NAMES: dict[str, dict[str, str]] = {
    "urgency": {"normal": "一般", "urgent": "紧急", "critical": "特急"},
    "channel": {"portal": "企业端", "visit": "走访", "onsite_office": "集中现场办公", "phone": "电话", "api": "接口"},
    "solved": {"solved": "已解决", "partly_solved": "部分解决", "not_solved": "未解决"},
    "satisfaction": {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"},
    "policy_category": {
        "industry": "产业发展",
        "finance": "金融服务",
        "human_resources": "人力资源",
        "innovation": "科技创新",
        "credit": "信用管理",
        "talent": "人才",
        "trade": "商贸",
        "other": "其他",
    },
}


@cache
def taxonomy() -> dict[str, Any]:
    with (DATA / "taxonomy.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)  # type: ignore[no-any-return]


def code_rows() -> list[tuple[str, str, str]]:
    """(kind, code, name) for every small code set."""
    t = taxonomy()
    rows: list[tuple[str, str, str]] = []
    rows += [("case_state", s["code"], s["zh"]) for s in t["case_states"]]
    rows += [("case_kind", s["code"], s["zh"]) for s in t["case_kinds"]]
    rows += [("urgency", c, NAMES["urgency"][c]) for c in t["urgency"]]
    rows += [("channel", c, NAMES["channel"][c]) for c in t["case_channels"]]
    rows += [("solved", c, NAMES["solved"][c]) for c in t["ratings"]["solved"]]
    rows += [("satisfaction", c, NAMES["satisfaction"][c]) for c in t["ratings"]["satisfaction"]]
    rows += [("policy_category", c, NAMES["policy_category"][c]) for c in t["policy_categories"]]
    return rows
