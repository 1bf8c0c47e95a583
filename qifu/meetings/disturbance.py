"""无事不扰 (PRODUCT.md §2.4): every enterprise invited to a meeting is a contact in its monthly
disturbance budget, recorded through the visits app's ledger (`contact_record`, idempotent on
(source, source_id, enterprise)); an invitation the enterprise asked for is not counted."""

from datetime import date

from qifu.enterprises.models import Enterprise
from qifu.visits.contacts import contact_record, contact_remove
from qifu.visits.models import Contact


def record_contact(
    *, enterprise: Enterprise, on: date, kind: str, source: str, source_id: int, requested: bool
) -> Contact:
    """One contact on the visits ledger (the caller's transaction)."""
    return contact_record(
        enterprise=enterprise, on=on, kind=kind, source=source, source_id=source_id, requested=requested
    )


def withdraw_contact(*, enterprise_id: int, source: str, source_id: int) -> bool:
    """A cancelled meeting disturbs no one: its invitations leave the ledger."""
    return contact_remove(source=source, source_id=source_id, enterprise=enterprise_id)
