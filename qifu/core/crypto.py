"""National cryptography (国密) helpers: SM4-GCM for data at rest, HMAC-SM3 for indexes and chains.

- SM4 comes from `cryptography` (bundled OpenSSL); SM3 from hashlib (OpenSSL 3). If either is
  missing the import fails loudly: there is no silent fallback to another algorithm.
- Ciphertext layout: ``v1:`` + base64(nonce(12) || ciphertext+tag). The associated data binds a
  value to its table and column, so ciphertext pasted into another column fails to decrypt.
- Decryption errors raise ``DecryptionError``; they are never swallowed.
"""

import base64
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

KEY_ID = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16

hashlib.new("sm3")  # fail at import time when the platform lacks SM3


class DecryptionError(Exception):
    pass


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def hmac_sm3(key: bytes, message: bytes) -> bytes:
    return hmac.new(key, message, "sm3").digest()


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    body = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + body + encryptor.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, aad: bytes) -> bytes:
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("ciphertext too short")
    nonce, body, tag = blob[:NONCE_BYTES], blob[NONCE_BYTES:-TAG_BYTES], blob[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise DecryptionError("ciphertext failed authentication") from exc


def encrypt_field(plaintext: str, *, context: str) -> str:
    """Encrypt one field value with the zone's field key; `context` is e.g. 'enterprise.contact_phone'."""
    blob = sm4_gcm_encrypt(settings.FIELD_KEY, plaintext.encode(), context.encode())
    return f"{KEY_ID}:{base64.b64encode(blob).decode()}"


def decrypt_field(token: str, *, context: str) -> str:
    key_id, _, payload = token.partition(":")
    if key_id != KEY_ID or not payload:
        raise DecryptionError(f"unknown key id {key_id!r}")
    try:
        blob = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise DecryptionError("ciphertext is not base64") from exc
    return sm4_gcm_decrypt(settings.FIELD_KEY, blob, context.encode()).decode()


def blind_index(value: str, *, context: str) -> str:
    """Keyed hash of a normalised value, for exact-match search over encrypted data."""
    key = hmac_sm3(settings.FIELD_KEY, b"blind-index:" + context.encode())
    return hmac_sm3(key, value.encode()).hex()
