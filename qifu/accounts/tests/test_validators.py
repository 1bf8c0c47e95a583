"""IA-2: the password rules, table-driven, through validate_password and the register/change/reset paths."""

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from qifu.accounts.models import User
from qifu.accounts.roles import Role
from qifu.accounts.services import temporary_password, user_create, user_set_password
from qifu.accounts.tests.support import make_user
from qifu.core.errors import RuleViolation

WEAK = [
    pytest.param("", id="empty_case"),
    pytest.param("Ab1!", id="too_short_case"),
    pytest.param("Ab1!xyz", id="seven_chars_case"),
    pytest.param("abcdefghij", id="one_class_case"),
    pytest.param("abcdefgh12", id="two_classes_case"),
    pytest.param("ABCDEFGH!!", id="two_classes_symbols_case"),
    pytest.param("1234567890", id="numeric_case"),
    pytest.param("Password123!", id="context_word_password_case"),
    pytest.param("Qifu@2026x", id="context_word_product_case"),
    pytest.param("Admin#2026x", id="context_word_admin_case"),
    pytest.param("昆山Abc123!", id="context_word_zone_case"),
    pytest.param("x123456Ab!", id="context_word_123456_case"),
    pytest.param("Qwerty#2026", id="context_word_qwerty_case"),
    pytest.param("liwei#Strong9", id="contains_username_case"),
    pytest.param("LIWEI#Strong9", id="contains_username_other_case_case"),
]
STRONG = [
    pytest.param("Tr4ck!ng-Gl4ss", id="mixed_case"),
    pytest.param("Yq7#mLp2vZ", id="ten_chars_case"),
    pytest.param("湖光Q7!mz秋色", id="chinese_mixed_case"),
    pytest.param("correct Horse 7battery", id="passphrase_three_classes_case"),
    pytest.param("Aa1!" * 16, id="64_chars_case"),
    pytest.param(("Zz9-" + "abcdefgh" * 2) * 6 + "Q7!x" * 2, id="128_chars_case"),
]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_rejected(password: str) -> None:
    # given a user named liwei
    user = User(username="liwei", role=Role.CADRE)
    # when a weak password is validated
    # then it is refused
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_are_accepted(password: str) -> None:
    # given a user named liwei
    user = User(username="liwei", role=Role.CADRE)
    # when a strong password is validated
    # then it passes
    validate_password(password, user)


@pytest.mark.django_db
@pytest.mark.parametrize("length", [64, 128], ids=["64_case", "128_case"])
def test_long_passwords_verify_exactly(length: int) -> None:
    # given a long strong password, set through the change service
    password = ("Aa1!bcdefgh" * 12)[:length]
    user = make_user("longpw")
    user_set_password(actor=user, user=user, password=password)
    user.refresh_from_db()
    # when it is checked, and also without its last character
    # then only the exact password verifies: nothing is truncated
    assert len(password) == length
    assert check_password(password, user.password)
    assert not check_password(password[:-1], user.password)


@pytest.mark.django_db
@pytest.mark.parametrize("password", WEAK[1:])
def test_weak_password_refused_at_register(password: str) -> None:
    # given no user yet
    # when user liwei registers with a weak password
    with pytest.raises(RuleViolation) as refused:
        user_create(actor=None, username="liwei", role=Role.CADRE, password=password)
    # then the service refuses with code password_invalid and creates nothing
    assert refused.value.code == "password_invalid"
    assert not User.objects.filter(username="liwei").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("password", WEAK[1:])
def test_weak_password_refused_at_change(password: str) -> None:
    # given user liwei with a strong password
    user = make_user("liwei")
    before = user.password
    # when liwei changes to a weak password
    with pytest.raises(RuleViolation) as refused:
        user_set_password(actor=user, user=user, password=password)
    # then the service refuses with code password_invalid and keeps the old hash
    assert refused.value.code == "password_invalid"
    user.refresh_from_db()
    assert user.password == before


@pytest.mark.parametrize("attempt", range(50))
def test_temporary_passwords_always_meet_the_policy(attempt: int) -> None:
    # given the generator used by the admin reset
    # when a temporary password is drawn
    password = temporary_password()
    # then it passes every validator for an ordinary user
    validate_password(password, User(username="someone", role=Role.CADRE))
