"""Enterprise writes (PRODUCT.md §2.1). Import, API, pages and seed-free scripts all come here."""

from dataclasses import dataclass, fields, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from qifu.access.actor import Actor
from qifu.audit.services import audit_record
from qifu.core.crypto import blind_index, decrypt_field, encrypt_field
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.enterprises.validators import normalize_uscc

CONTACT_NAME_CTX = "enterprise.contact_name"
CONTACT_PHONE_CTX = "enterprise.contact_phone"


class EnterpriseErrorCode(StrEnum):
    INVALID = "enterprise_invalid"
    DUPLICATE_USCC = "enterprise_duplicate_uscc"
    FORBIDDEN = "enterprise_forbidden"


@dataclass(frozen=True)
class EnterpriseData:
    """The columns of formats.md (企业名录), already parsed to Python types."""

    uscc: str
    name: str
    industry: str = ""
    park: str = ""
    address: str = ""
    founded_on: date | None = None
    registered_capital: Decimal | None = None
    ownership: str = "domestic"
    above_scale: bool = False
    high_tech: bool = False
    specialized: str = "none"
    listed: bool = False
    employees: int | None = None
    revenue_last_year: Decimal | None = None
    tax_last_year: Decimal | None = None
    output_last_year: Decimal | None = None
    rd_last_year: Decimal | None = None
    contact_name: str = ""
    contact_phone: str = ""


PLAIN_FIELDS = [f.name for f in fields(EnterpriseData) if f.name not in ("contact_name", "contact_phone")]


def normalize_phone(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def mask_phone(phone: str) -> str:
    """138****1234 (PI-2)."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def enterprise_contacts(enterprise: Enterprise) -> tuple[str, str]:
    """Decrypted (contact name, phone). Raises on tampered ciphertext, never returns it."""
    name = decrypt_field(enterprise.contact_name_enc, context=CONTACT_NAME_CTX) if enterprise.contact_name_enc else ""
    phone = (
        decrypt_field(enterprise.contact_phone_enc, context=CONTACT_PHONE_CTX) if enterprise.contact_phone_enc else ""
    )
    return name, phone


def _set_contacts(enterprise: Enterprise, *, name: str, phone: str) -> None:
    phone = normalize_phone(phone)
    enterprise.contact_name_enc = encrypt_field(name, context=CONTACT_NAME_CTX) if name else ""
    enterprise.contact_phone_enc = encrypt_field(phone, context=CONTACT_PHONE_CTX) if phone else ""
    enterprise.contact_phone_index = blind_index(phone, context=CONTACT_PHONE_CTX) if phone else ""


def _check_may_write(actor: Actor) -> None:
    if not actor.can_manage_registry:
        raise PermissionDenied(
            "only the service desk edits the enterprise registry", code=EnterpriseErrorCode.FORBIDDEN
        )


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def _snapshot(enterprise: Enterprise) -> dict[str, Any]:
    return {name: getattr(enterprise, name) for name in PLAIN_FIELDS}


def _validated(enterprise: Enterprise) -> None:
    try:
        enterprise.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise RuleViolation(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()),
            code=EnterpriseErrorCode.INVALID,
            data={"fields": exc.message_dict},
        ) from exc


def _data_with_normalized_uscc(data: EnterpriseData) -> EnterpriseData:
    return replace(data, uscc=normalize_uscc(data.uscc), name=data.name.strip())


def _policies_recheck(enterprise_id: int) -> None:
    """§2.6: after the commit, tell the enterprise of the policies it newly qualifies for (once each)."""
    from qifu.policies.notices import enterprise_changed  # the policies app builds on this one

    enterprise_changed(enterprise_id)


def _search_index(enterprise_id: int) -> None:
    """Issue 7: the full-text index (name, former names, USCC), in this transaction."""
    from qifu.search.services import search_index_enterprises  # search builds on this app's models

    search_index_enterprises([enterprise_id])


@transaction.atomic
def enterprise_create(*, actor: Actor, data: EnterpriseData, audit: bool = True) -> Enterprise:
    """§2.1: a new enterprise; USCC check digit verified and unique; contacts encrypted."""
    _check_may_write(actor)
    data = _data_with_normalized_uscc(data)
    if Enterprise.objects.filter(uscc=data.uscc).exists():
        raise Conflict(f"an enterprise with USCC {data.uscc} exists", code=EnterpriseErrorCode.DUPLICATE_USCC)
    enterprise = Enterprise(**{name: getattr(data, name) for name in PLAIN_FIELDS})
    _set_contacts(enterprise, name=data.contact_name, phone=data.contact_phone)
    _validated(enterprise)
    enterprise.save()
    _search_index(enterprise.pk)
    _policies_recheck(enterprise.pk)
    if audit:
        audit_record(
            actor=actor,
            action="enterprise_create",
            object_type="enterprise",
            object_id=enterprise.uscc,
            changes={
                "after": _snapshot(enterprise),
                "contacts": "***" if data.contact_phone or data.contact_name else "",
            },
        )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: Actor, enterprise: Enterprise, data: EnterpriseData, audit: bool = True) -> bool:
    """§2.1: change an enterprise; the USCC is its key and cannot change. True when anything changed."""
    _check_may_write(actor)
    data = _data_with_normalized_uscc(data)
    if data.uscc != enterprise.uscc:
        raise RuleViolation("the USCC of an enterprise cannot change", code=EnterpriseErrorCode.INVALID)
    before = _snapshot(enterprise)
    for name in PLAIN_FIELDS:
        setattr(enterprise, name, getattr(data, name))
    old_contacts = enterprise_contacts(enterprise)
    contacts_changed = old_contacts != (data.contact_name, normalize_phone(data.contact_phone))
    if contacts_changed:
        _set_contacts(enterprise, name=data.contact_name, phone=data.contact_phone)
    _validated(enterprise)
    changes = _diff(before, _snapshot(enterprise))
    if not changes and not contacts_changed:
        return False
    enterprise.save()
    if changes:
        _search_index(enterprise.pk)
        _policies_recheck(enterprise.pk)
    if audit:
        audit_record(
            actor=actor,
            action="enterprise_update",
            object_type="enterprise",
            object_id=enterprise.uscc,
            changes={**changes, **({"contacts": "***"} if contacts_changed else {})},
        )
    return True


@transaction.atomic
def enterprise_upsert(*, actor: Actor, data: EnterpriseData) -> str:
    """Idempotent upsert by USCC for imports: 'created', 'updated' or 'unchanged'."""
    uscc = normalize_uscc(data.uscc)
    existing = Enterprise.objects.select_for_update().filter(uscc=uscc).first()
    if existing is None:
        enterprise_create(actor=actor, data=data)
        return "created"
    return "updated" if enterprise_update(actor=actor, enterprise=existing, data=data) else "unchanged"


def enterprise_data_of(enterprise: Enterprise) -> EnterpriseData:
    """The current values as an EnterpriseData (for partial updates: replace() what changes)."""
    name, phone = enterprise_contacts(enterprise)
    return EnterpriseData(**_snapshot(enterprise), contact_name=name, contact_phone=phone)
