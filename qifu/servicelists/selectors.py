"""The current service-list snapshot: the latest month that has any membership row."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Max

from qifu.servicelists.models import Membership


def latest_month(on: date | None = None) -> date | None:
    """The month of the current snapshot (as of ON when given); None when no list was ever filled."""
    rows = Membership.objects.all()
    if on is not None:
        rows = rows.filter(month__lte=on)
    month: date | None = rows.aggregate(m=Max("month"))["m"]
    return month


def list_codes_of(enterprise_id: int, month: date | None) -> set[str]:
    if month is None:
        return set()
    return set(
        Membership.objects.filter(enterprise_id=enterprise_id, month=month).values_list("service_list__code", flat=True)
    )


def members_by_list(month: date | None, codes: Iterable[str] | None = None) -> dict[str, list[int]]:
    """{list code: [enterprise id, …]} of the snapshot (every list, or CODES)."""
    out: dict[str, list[int]] = {}
    if month is None:
        return out
    rows = Membership.objects.filter(month=month)
    if codes is not None:
        rows = rows.filter(service_list__code__in=list(codes))
    for code, ent in rows.values_list("service_list__code", "enterprise_id").iterator(chunk_size=20_000):
        out.setdefault(code, []).append(ent)
    return out
