"""Enterprise registry rules (PRODUCT.md §2.1): USCC check digit, contacts encrypted, audited."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection

from qifu.audit.models import AuditEntry
from qifu.core.crypto import DecryptionError
from qifu.core.errors import Conflict, PermissionDenied, RuleViolation
from qifu.enterprises.models import Enterprise
from qifu.enterprises.selectors import EnterpriseFilters, enterprise_list
from qifu.enterprises.services import (
    EnterpriseData,
    enterprise_contacts,
    enterprise_create,
    enterprise_data_of,
    enterprise_update,
    enterprise_upsert,
    mask_phone,
)
from qifu.enterprises.uscc import make_uscc


def _data(**kw) -> EnterpriseData:
    base = {"uscc": make_uscc(5001), "name": "昆山测试有限公司", "industry": "C3985", "park": "光电产业园"}
    return EnterpriseData(**{**base, **kw})


def test_create_encrypts_contacts_and_finds_by_phone(cast):
    # when
    e = enterprise_create(actor=cast.actor(cast.desk), data=_data(contact_name="李四", contact_phone="139 0000 1111"))
    # then the plaintext is nowhere in the row, but decrypts and is searchable exactly
    raw = Enterprise.objects.filter(pk=e.pk).values("contact_name_enc", "contact_phone_enc").get()
    assert "李四" not in str(raw) and "13900001111" not in str(raw)
    assert enterprise_contacts(e) == ("李四", "13900001111")
    found = enterprise_list(actor=cast.actor(cast.leader), filters=EnterpriseFilters(phone="13900001111"))
    assert list(found) == [e]
    assert mask_phone("13900001111") == "139****1111"


def test_same_plaintext_encrypts_differently(cast):
    e1 = enterprise_create(actor=cast.actor(cast.desk), data=_data(uscc=make_uscc(5002), contact_phone="13900001111"))
    e2 = enterprise_create(actor=cast.actor(cast.desk), data=_data(uscc=make_uscc(5003), contact_phone="13900001111"))
    assert e1.contact_phone_enc != e2.contact_phone_enc
    assert e1.contact_phone_index == e2.contact_phone_index


def test_tampered_ciphertext_raises(cast):
    e = cast.a
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE enterprises_enterprise SET contact_phone_enc = %s WHERE id = %s",
            [cast.b.contact_name_enc, e.pk],  # ciphertext from another column: AAD must not match
        )
    e.refresh_from_db()
    with pytest.raises(DecryptionError):
        enterprise_contacts(e)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("uscc", make_uscc(5004)[:-1] + ("0" if make_uscc(5004)[-1] != "0" else "1"), "enterprise_invalid"),
        ("industry", "C39X", "enterprise_invalid"),
        ("registered_capital", Decimal("-1"), "enterprise_invalid"),
        ("ownership", "mars", "enterprise_invalid"),
        ("name", "", "enterprise_invalid"),
    ],
    ids=["bad_check_digit_case", "bad_industry_case", "negative_capital_case", "bad_ownership_case", "empty_name_case"],
)
def test_invalid_data_is_refused_and_nothing_written(cast, field, value, code):
    before, audits = Enterprise.objects.count(), AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as exc:
        enterprise_create(actor=cast.actor(cast.desk), data=_data(**{field: value}))
    assert exc.value.code == code
    assert Enterprise.objects.count() == before
    assert AuditEntry.objects.count() == audits


def test_duplicate_uscc_is_a_conflict(cast):
    with pytest.raises(Conflict) as exc:
        enterprise_create(actor=cast.actor(cast.desk), data=_data(uscc=cast.a.uscc))
    assert exc.value.code == "enterprise_duplicate_uscc"


@pytest.mark.parametrize("who", ["leader", "liaison_a", "ent_a", "jfj_head", "sysadmin", "auditor"])
def test_only_the_desk_writes_case(cast, who):
    with pytest.raises(PermissionDenied) as exc:
        enterprise_create(actor=cast.actor(getattr(cast, who)), data=_data())
    assert exc.value.code == "enterprise_forbidden"


def test_update_audits_a_field_diff_and_upsert_is_idempotent(cast):
    desk = cast.actor(cast.desk)
    data = replace(enterprise_data_of(cast.a), employees=500)
    assert enterprise_update(actor=desk, enterprise=cast.a, data=data) is True
    entry = AuditEntry.objects.filter(action="enterprise_update").latest("id")
    assert entry.changes["employees"] == [320, 500]
    audits = AuditEntry.objects.count()
    assert enterprise_upsert(actor=desk, data=data) == "unchanged"
    assert AuditEntry.objects.count() == audits


def test_formula_like_name_is_stored_as_text(cast):
    e = enterprise_create(actor=cast.actor(cast.desk), data=_data(name='=HYPERLINK("http://x","y")'))
    e.refresh_from_db()
    assert e.name == '=HYPERLINK("http://x","y")'


def test_parks_menu_lists_each_park_once(cast):
    from django.core.cache import cache

    from qifu.enterprises.selectors import enterprise_parks

    # given two more enterprises in A's park
    for serial in (5101, 5102):
        enterprise_create(actor=cast.actor(cast.desk), data=_data(uscc=make_uscc(serial), park=cast.a.park))
    cache.delete("qifu:parks")
    # then the park menu names each park once, sorted
    assert enterprise_parks() == sorted({cast.a.park, cast.b.park, cast.c.park})
