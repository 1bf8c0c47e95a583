import hashlib
from functools import partial

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-HMAC-SM3 (密评 DC-2): the C implementation from OpenSSL via hashlib."""

    algorithm = "pbkdf2_sm3"
    digest = partial(hashlib.new, "sm3")

    @property
    def iterations(self) -> int:  # type: ignore[override]
        return int(settings.QIFU_SECURITY["PBKDF2_SM3_ITERATIONS"])
