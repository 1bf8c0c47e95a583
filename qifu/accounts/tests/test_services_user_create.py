"""IA-1 and MC-1: one identity per normalised username; one role; no superuser."""

import pytest
from django.db import IntegrityError, transaction

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.accounts.services import user_create
from qifu.accounts.tests.support import STRONG, login, make_user
from qifu.audit.models import AuditEntry
from qifu.core.errors import PermissionDenied, RuleViolation


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("alice", id="lower_case"),
        pytest.param("ALICE", id="upper_case"),
        pytest.param("ａｌｉｃｅ", id="full_width_case"),
        pytest.param("Ａｌｉｃｅ", id="full_width_capital_case"),
        pytest.param(" alice", id="leading_space_case"),
        pytest.param("alice\u3000", id="ideographic_space_case"),
    ],
)
def test_username_is_unique_after_nfkc_and_case_folding(spelling: str) -> None:
    # given Alice
    make_user("Alice")
    users, audits = User.objects.count(), AuditEntry.objects.count()
    # when another account is created under a spelling of the same name
    with pytest.raises(RuleViolation) as refused:
        make_user(spelling, password="Other#Strong9x")
    # then it is refused with username_taken and nothing is written
    assert refused.value.code == "username_taken"
    assert (User.objects.count(), AuditEntry.objects.count()) == (users, audits)


@pytest.mark.django_db
def test_database_refuses_a_case_variant_even_past_the_service() -> None:
    # given alice
    make_user("alice")
    # when a raw ORM insert tries ALICE
    # then the Lower(username) unique constraint refuses it
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="ALICE", role=Role.CADRE, password="!")


@pytest.mark.django_db
def test_database_refuses_a_superuser() -> None:
    # given a user
    user = make_user("alice")
    # when someone flags it as superuser directly in the database
    # then the check constraint refuses (MC-2)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_superuser=True)


@pytest.mark.django_db
def test_full_width_login_finds_the_same_account(client) -> None:
    # given alice
    make_user("alice")
    # when she types her name in full width with a trailing space
    response = login(client, "ａｌｉｃｅ ", STRONG)
    # then it is the same identity
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["", "   ", "\u3000"], ids=["empty_case", "spaces_case", "ideographic_case"])
def test_empty_username_is_refused(username: str) -> None:
    # given nothing
    # when a user with an empty (after normalisation) name is created
    with pytest.raises(RuleViolation) as refused:
        make_user(username)
    # then username_required
    assert refused.value.code == "username_required"


@pytest.mark.django_db
def test_user_create_audits_and_stores_a_hash(admins) -> None:
    # given the system admin
    sysadmin = admins[Role.SYSADMIN]
    # when it creates a cadre
    user = user_create(actor=sysadmin, username="cadre1", role=Role.CADRE, password=STRONG)
    # then the password is hashed, a first-login change is required, and the creation is audited
    assert user.password != STRONG and user.check_password(STRONG)
    assert user.must_change_password
    entry = AuditEntry.objects.get(action="user_create", object_id=str(user.pk))
    assert (entry.actor_id, entry.changes) == (sysadmin.pk, {"role": Role.CADRE})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("actor_role", "new_role", "code"),
    [
        pytest.param(Role.SECADMIN, Role.CADRE, "permission_denied", id="secadmin_creates_case"),
        pytest.param(Role.AUDITOR, Role.CADRE, "permission_denied", id="auditor_creates_case"),
        pytest.param(Role.SYSADMIN, Role.AUDITOR, "admin_account_protected", id="sysadmin_creates_auditor_case"),
        pytest.param(Role.SYSADMIN, Role.SECADMIN, "admin_account_protected", id="sysadmin_creates_secadmin_case"),
    ],
)
def test_only_the_sysadmin_creates_business_accounts(admins, actor_role: str, new_role: str, code: str) -> None:
    # given an admin
    actor = admins[actor_role]
    users = User.objects.count()
    # when it tries to create an account
    with pytest.raises(PermissionDenied) as refused:
        user_create(actor=actor, username="newbie", role=new_role, password=STRONG)
    # then it is refused with the code, and nothing is created
    assert refused.value.code == code
    assert User.objects.count() == users
