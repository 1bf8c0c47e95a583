"""The default checklist (安全生产检查表) the data migration seeds; the zone edits it in the admin.

(code, text, severity, working days to fix). Items marked major are 重大隐患 in the sense of the
national criteria (e.g. no emergency plan for hazardous chemicals, confined spaces entered
without a permit); the zone adjusts them.
"""

from typing import Any

DEFAULT_NAME = "安全生产基本检查表"

DEFAULT_ITEMS: tuple[tuple[str, str, str, int], ...] = (
    ("S01", "安全生产责任制落实：主要负责人、分管负责人及各岗位安全责任明确并签字", "general", 10),
    ("S02", "安全管理机构和人员：按规定设置安全管理机构或配备专（兼）职安全管理人员", "general", 10),
    ("S03", "教育培训：主要负责人、安全管理人员持证，从业人员岗前培训及年度再培训有记录", "general", 10),
    ("S04", "隐患排查治理：建立隐患排查治理制度，定期排查并闭环整改、记录完整", "general", 10),
    ("S05", "消防设施：灭火器、消防栓、应急照明、疏散通道和安全出口完好畅通", "major", 5),
    ("S06", "特种设备：锅炉、压力容器、起重机械、叉车等登记、定期检验，作业人员持证", "major", 10),
    ("S07", "危化品管理：危险化学品储存、使用、台账规范，安全技术说明书齐全", "major", 5),
    ("S08", "用电安全：配电箱（柜）完好，线路无私拉乱接，漏电保护有效", "general", 5),
    ("S09", "有限空间：辨识并设置警示标识，作业审批、先通风再检测后作业", "major", 5),
    ("S10", "应急预案与演练：编制应急预案并备案，按计划组织演练，应急物资齐备", "general", 15),
    ("S11", "劳动防护用品：按规定配发并正确佩戴使用", "general", 5),
    ("S12", "安全警示标志：危险场所和设备设施设置明显的安全警示标志", "general", 5),
)


def seed_default_checklist(checklist_model: Any, item_model: Any) -> None:
    """Create the default checklist once (models passed in: the migration's historical ones)."""
    checklist, created = checklist_model.objects.get_or_create(
        name=DEFAULT_NAME, version=1, defaults={"active": True, "industries": ""}
    )
    if not created:
        return
    item_model.objects.bulk_create(
        item_model(checklist=checklist, code=code, text=text, order=i, severity=severity, days=days)
        for i, (code, text, severity, days) in enumerate(DEFAULT_ITEMS, start=1)
    )
