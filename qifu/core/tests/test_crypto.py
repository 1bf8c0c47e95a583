"""Known-answer tests for the national algorithms (CR-1) and the field encryption (DC-1)."""

import base64
import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from qifu.core.crypto import (
    DecryptionError,
    blind_index,
    decrypt_field,
    encrypt_field,
    hmac_sm3,
    sm3_hex,
    sm4_gcm_decrypt,
    sm4_gcm_encrypt,
)


@pytest.mark.parametrize(
    ("message", "digest"),
    [
        pytest.param(b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0", id="abc_case"),
        pytest.param(
            b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732", id="64_bytes_case"
        ),
    ],
)
def test_sm3_matches_the_gbt_32905_vectors(message: bytes, digest: str) -> None:
    # given a message from GB/T 32905-2016 Annex A
    # when it is hashed
    result = sm3_hex(message)
    # then the standard digest comes out (no silent fallback to another algorithm)
    assert result == digest
    assert hashlib.new("sm3", message).hexdigest() == digest


def _sm3_hmac_by_hand(key: bytes, message: bytes) -> bytes:
    """RFC 2104 over SM3 (block size 64), written out so the stdlib `hmac` is checked independently."""
    block = 64
    if len(key) > block:
        key = hashlib.new("sm3", key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.new("sm3", bytes(k ^ 0x36 for k in key) + message).digest()
    return hashlib.new("sm3", bytes(k ^ 0x5C for k in key) + inner).digest()


@pytest.mark.parametrize("key", [b"k", b"key" * 10, b"x" * 100], ids=["short_case", "medium_case", "long_case"])
def test_hmac_sm3_matches_rfc_2104_by_hand(key: bytes) -> None:
    # given a key and a message
    message = b"qifu audit chain"
    # when HMAC-SM3 is computed by the helper and by hand
    # then both agree
    assert hmac_sm3(key, message) == _sm3_hmac_by_hand(key, message)
    assert hmac.new(key, message, "sm3").digest() == _sm3_hmac_by_hand(key, message)


def test_sm4_matches_the_gbt_32907_example() -> None:
    # given the key and plaintext of GB/T 32907-2016 Appendix A.1
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    # when one block is encrypted
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()  # noqa: S305 (one block, a KAT only)
    ciphertext = encryptor.update(key) + encryptor.finalize()
    # then the standard ciphertext comes out
    assert ciphertext.hex() == "681edf34d206965e86b3e94f536e4246"


def test_sm4_gcm_round_trips_and_uses_a_fresh_nonce() -> None:
    # given a key
    key = bytes(range(16))
    # when the same plaintext is encrypted twice
    first = sm4_gcm_encrypt(key, b"13800138000", b"staff|phone|1")
    second = sm4_gcm_encrypt(key, b"13800138000", b"staff|phone|1")
    # then the ciphertexts differ and both decrypt
    assert first != second
    assert sm4_gcm_decrypt(key, first, b"staff|phone|1") == b"13800138000"
    assert sm4_gcm_decrypt(key, second, b"staff|phone|1") == b"13800138000"


@pytest.mark.parametrize("flip_at", [0, 12, -1], ids=["nonce_case", "body_case", "tag_case"])
def test_sm4_gcm_tampering_raises(flip_at: int) -> None:
    # given a ciphertext
    key = bytes(range(16))
    blob = bytearray(sm4_gcm_encrypt(key, b"secret", b"ctx"))
    # when one byte is flipped
    blob[flip_at] ^= 0x01
    # then decryption raises (it never returns the ciphertext or garbage)
    with pytest.raises(DecryptionError):
        sm4_gcm_decrypt(key, bytes(blob), b"ctx")


def test_field_ciphertext_moved_to_another_column_fails() -> None:
    # given a value encrypted for one column
    token = encrypt_field("13800138000", context="staff.phone")
    # when it is decrypted for the right and for another column
    # then only the right one works
    assert token.startswith("v1:")
    assert decrypt_field(token, context="staff.phone") == "13800138000"
    with pytest.raises(DecryptionError):
        decrypt_field(token, context="enterprise.contact_phone")


@pytest.mark.parametrize(
    "token",
    ["v2:AAAA", "v1:", "v1:not base64!", "v1:" + base64.b64encode(b"short").decode()],
    ids=["unknown_key_case", "empty_case", "not_base64_case", "too_short_case"],
)
def test_malformed_field_ciphertext_raises(token: str) -> None:
    # given a malformed token
    # when it is decrypted
    # then DecryptionError is raised
    with pytest.raises(DecryptionError):
        decrypt_field(token, context="staff.phone")


def test_blind_index_is_deterministic_and_context_bound() -> None:
    # given one value
    # when indexed twice in one context and once in another
    # then equal values match within a context only
    assert blind_index("13800138000", context="a") == blind_index("13800138000", context="a")
    assert blind_index("13800138000", context="a") != blind_index("13800138000", context="b")
    assert len(blind_index("x", context="a")) == 64
