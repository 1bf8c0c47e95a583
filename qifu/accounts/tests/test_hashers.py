"""DC-2: passwords are stored as PBKDF2-HMAC-SM3 with the policy's iteration count."""

import base64
import hashlib
import hmac

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher

from qifu import settings as production_settings
from qifu.accounts.hashers import PBKDF2SM3PasswordHasher
from qifu.accounts.models import User
from qifu.accounts.tests.support import STRONG, login, make_user

SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def _pbkdf2_sm3_by_hand(password: bytes, salt: bytes, iterations: int) -> bytes:
    """RFC 8018 PBKDF2 with one block of HMAC-SM3 (dkLen = 32), written out as a loop."""
    u = hmac.new(password, salt + b"\x00\x00\x00\x01", "sm3").digest()
    result = bytearray(u)
    for _ in range(iterations - 1):
        u = hmac.new(password, u, "sm3").digest()
        result = bytearray(a ^ b for a, b in zip(result, u, strict=True))
    return bytes(result)


def test_sm3_abc_vector() -> None:
    # given the GB/T 32905 example message
    # when hashed with the platform's SM3
    # then the standard digest comes out
    assert hashlib.new("sm3", b"abc").hexdigest() == SM3_ABC


@pytest.mark.parametrize("iterations", [1, 2, 1000], ids=["one_case", "two_case", "thousand_case"])
def test_hasher_equals_pbkdf2_hmac_sm3(iterations: int) -> None:
    # given a password and a salt
    hasher = PBKDF2SM3PasswordHasher()
    # when the hasher encodes them
    encoded = hasher.encode("password", "saltsaltsalt", iterations=iterations)
    # then it is hashlib's PBKDF2-HMAC-SM3, and an independent loop agrees
    expected = hashlib.pbkdf2_hmac("sm3", b"password", b"saltsaltsalt", iterations)
    assert expected == _pbkdf2_sm3_by_hand(b"password", b"saltsaltsalt", iterations)
    assert encoded == f"pbkdf2_sm3${iterations}$saltsaltsalt${base64.b64encode(expected).decode()}"
    assert hasher.verify("password", encoded)
    assert not hasher.verify("passwore", encoded)


def test_hasher_uses_the_policy_iterations(settings) -> None:
    # given the policy
    iterations = settings.QIFU_SECURITY["PBKDF2_SM3_ITERATIONS"]
    # when a password is hashed with the defaults
    encoded = PBKDF2SM3PasswordHasher().encode("password", PBKDF2SM3PasswordHasher().salt())
    # then the policy count (>= 300k, DC-2) is used, and production prefers this hasher
    assert iterations >= 300_000
    assert encoded.split("$")[1] == str(iterations)
    assert production_settings.PASSWORD_HASHERS[0] == "qifu.accounts.hashers.PBKDF2SM3PasswordHasher"


@pytest.mark.django_db
def test_login_with_a_legacy_hash_rehashes_to_sm3(settings, client) -> None:
    # given production hashers (with a short count, for speed) and a user with a PBKDF2-SHA256 hash
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    settings.QIFU_SECURITY = {**settings.QIFU_SECURITY, "PBKDF2_SM3_ITERATIONS": 1000}
    user = make_user("legacy")
    User.objects.filter(pk=user.pk).update(password=hashlib_pbkdf2_sha256(STRONG))
    # when the user logs in
    response = login(client, "legacy", STRONG)
    # then the login works and the stored hash is now PBKDF2-HMAC-SM3
    assert response.status_code == 302
    user.refresh_from_db()
    assert identify_hasher(user.password).algorithm == "pbkdf2_sm3"
    assert check_password(STRONG, user.password)


def hashlib_pbkdf2_sha256(password: str) -> str:
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    return PBKDF2PasswordHasher().encode(password, "legacysalt", iterations=1000)


@pytest.mark.django_db
def test_no_user_has_an_empty_or_plaintext_password(cast) -> None:
    # given the named cast, created through the real services
    # when every stored password is parsed by the registered hashers
    # then each one is a known hash or explicitly unusable (IA-1)
    for user in User.objects.all():
        assert user.password
        if user.has_usable_password():
            assert identify_hasher(user.password)
