"""Helpers for the commons tests: enterprises and open cases written directly (fast), and cases
filed through the real services where the lifecycle matters."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from qifu.accounts.models import User
from qifu.cases.models import Case
from qifu.enterprises.models import Enterprise
from qifu.enterprises.uscc import make_uscc
from qifu.reference.models import Category

PARKS = ["光电产业园", "精密机械产业园", "小核酸及生物医药产业园", "综合保税区", "科创园"]
INDUSTRIES = ["C3985", "C3484", "C2761", "G5430", "I6510", "C3360"]


def enterprises(n: int, start: int = 5000) -> list[Enterprise]:
    rows = [
        Enterprise(
            uscc=make_uscc(start + i),
            name=f"昆山测试{i:03d}有限公司",
            park=PARKS[i % len(PARKS)],
            industry=INDUSTRIES[i % len(INDUSTRIES)],
        )
        for i in range(n)
    ]
    Enterprise.objects.bulk_create(rows)
    return list(Enterprise.objects.filter(uscc__in=[e.uscc for e in rows]).order_by("uscc"))


_serial = [0]


def open_cases(rows: list[tuple[Enterprise, str, str]], filed_by: User, **extra: Any) -> list[Case]:
    """(enterprise, category code, text) → open cases, bulk-written (no cube, no events)."""
    categories = dict(Category.objects.values_list("code", "id"))
    now = timezone.now()
    made = []
    for enterprise, category, text in rows:
        _serial[0] += 1
        made.append(
            Case(
                number=f"QF-T-{_serial[0]:06d}",
                enterprise=enterprise,
                category_id=categories[category],
                title=text[:30],
                text=text,
                state=extra.get("state", "accepted"),
                filed_by=filed_by,
                submitted_at=now - timedelta(days=extra.get("age", 3)),
                last_event_at=now,
                respond_by=now.date(),
            )
        )
    Case.objects.bulk_create(made)
    return list(Case.objects.filter(number__in=[c.number for c in made]).order_by("id"))
