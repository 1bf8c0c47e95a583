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

# GB/T 4754-2017 sections (门类) by letter; the full four-digit catalogue is reference data for a later issue.
INDUSTRY_SECTIONS = {
    "A": "农、林、牧、渔业",
    "B": "采矿业",
    "C": "制造业",
    "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业",
    "F": "批发和零售业",
    "G": "交通运输、仓储和邮政业",
    "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业",
    "J": "金融业",
    "K": "房地产业",
    "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业",
    "O": "居民服务、修理和其他服务业",
    "P": "教育",
    "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业",
    "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
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
