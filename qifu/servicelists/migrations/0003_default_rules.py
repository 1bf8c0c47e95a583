"""The shipped rules and service strategies of the four lists (docs/SERVICELISTS.md explains them).

Zone policy is data: the service desk changes these on the rule page or in the admin. Thresholds
are in 万元 (money) and fractions (−0.2 = down 20%), as the condition language reads them."""

from typing import Any

from django.db import migrations

DEFAULTS: dict[str, dict[str, Any]] = {
    "key_core": {
        "conditions": {
            "any": [
                {"field": "revenue_last_year", "op": "ge", "value": 30000},
                {"field": "tax_last_year", "op": "ge", "value": 1500},
                {"field": "output_last_year", "op": "ge", "value": 50000},
            ]
        },
        "months": 1,
        "visit_interval_days": 30,
        "notify_liaison": True,
        "notify_department": True,
        "notify_leaders": True,
        "strategy": "区领导挂钩联系，每月走访一次；重大诉求由服务专班直接协调，优先保障用地、用能、融资和人才需求。",
    },
    "fast_growing": {
        "conditions": {
            "all": [
                {"field": "revenue_ytd_yoy", "op": "ge", "value": 0.3},
                {"field": "revenue_ytd", "op": "ge", "value": 1000},
            ]
        },
        "months": 2,
        "visit_interval_days": 60,
        "notify_liaison": True,
        "notify_department": True,
        "notify_leaders": False,
        "strategy": "挂钩干部每两个月走访一次，主动对接扩产、融资和上市培育政策，帮助解决成长中的瓶颈。",
    },
    "new_growth": {
        "conditions": {
            "all": [
                {"field": "age_years", "op": "le", "value": 3},
                {
                    "any": [
                        {"field": "high_tech", "op": "is", "value": True},
                        {"field": "specialized", "op": "in", "value": ["provincial", "little_giant"]},
                        {"field": "revenue_ytd_yoy", "op": "ge", "value": 0.5},
                    ]
                },
            ]
        },
        "months": 1,
        "visit_interval_days": 60,
        "notify_liaison": True,
        "notify_department": False,
        "notify_leaders": False,
        "strategy": "挂钩干部每两个月走访一次，推送科技创新和人才政策，协助申报高新技术企业和专精特新。",
    },
    "declining": {
        "conditions": {
            "any": [
                {"field": "revenue_ytd_yoy", "op": "le", "value": -0.2},
                {"field": "output_ytd_yoy", "op": "le", "value": -0.2},
                {"field": "electricity_ytd_yoy", "op": "le", "value": -0.3},
            ]
        },
        "months": 2,
        "visit_interval_days": 15,
        "notify_liaison": True,
        "notify_department": True,
        "notify_leaders": True,
        "strategy": "挂钩干部半个月内上门了解下滑原因，形成问题清单，由服务专班会同主管部门逐项协调，防止企业外迁或停产。",
    },
}


def load(apps: Any, schema_editor: Any) -> None:
    ServiceList = apps.get_model("reference", "ServiceList")
    ListRule = apps.get_model("servicelists", "ListRule")
    for code, values in DEFAULTS.items():
        service_list = ServiceList.objects.filter(code=code).first()
        if service_list is not None and not ListRule.objects.filter(service_list=service_list).exists():
            ListRule.objects.create(service_list=service_list, **values)


class Migration(migrations.Migration):
    dependencies = [("servicelists", "0002_rules_overrides"), ("reference", "0002_taxonomy")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
