"""无事不扰 (PRODUCT.md §2.4): every enterprise invited to a meeting is a contact in its monthly
disturbance budget, recorded through the visits app's ledger (`contact_record`, idempotent on
(source, source_id, enterprise)); an invitation the enterprise asked for is not counted."""

from datetime import date
from importlib import import_module
from typing import Any

from qifu.enterprises.models import Enterprise


def record_contact(*, enterprise: Enterprise, on: date, kind: str, source: str, source_id: int, requested: bool) -> Any:
    """Record the contact in the visits ledger; a no-op until that ledger exists."""
    try:
        services = import_module("qifu.visits.services")
    except ImportError:
        return None
    record = getattr(services, "contact_record", None)
    if record is None:
        return None
    return record(enterprise=enterprise, on=on, kind=kind, source=source, source_id=source_id, requested=requested)
