"""Personal data at rest: encryption, keyed lookup hashes and masks (SECURITY.md row 15).

- ``encrypt``/``decrypt``: AES-256-GCM with a random 96-bit nonce. The first byte of every
  ciphertext names the algorithm, so SM4 (GB/T 39786) can be added as another version
  without re-encrypting old rows at once.
- ``blind_index``: HMAC-SHA256 under a key derived from the same secret, for matching
  (import by ID number) and exact search without decrypting.
- The key comes from ``ANJU_PI_KEY`` (base64 of 32 bytes) or, for development and the demo,
  a file ``pi_key`` in the data folder — never from the database. Rotation: docs/SECURITY.md.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from anju.env import secret_from_env_or_file

AES_GCM_V1 = b"\x01"


@functools.cache
def _master_key() -> bytes:
    raw = secret_from_env_or_file(
        "ANJU_PI_KEY",
        settings.DATA_DIR / "pi_key",
        generate=lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
    )
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError:
        raise ImproperlyConfigured(
            "环境变量 ANJU_PI_KEY 无效：应为 32 字节密钥的 base64 编码。"
        ) from None
    if len(key) != 32:
        raise ImproperlyConfigured("环境变量 ANJU_PI_KEY 无效：密钥长度应为 32 字节。")
    return key


@functools.cache
def _derived(purpose: bytes) -> bytes:
    return hmac.new(_master_key(), purpose, hashlib.sha256).digest()


@functools.cache
def _cipher() -> AESGCM:
    """One AES-GCM context for the process (an import encrypts 200,000 values)."""
    return AESGCM(_derived(b"anju-pi-encryption-v1"))


@functools.cache
def _index_hmac() -> hmac.HMAC:
    """A keyed HMAC to copy per value, so the key schedule is not repeated."""
    return hmac.new(_derived(b"anju-pi-index-v1"), digestmod=hashlib.sha256)


def encrypt(plaintext: str | None) -> bytes | None:
    if plaintext is None or plaintext == "":
        return None
    nonce = os.urandom(12)
    sealed = _cipher().encrypt(nonce, plaintext.encode(), None)
    return AES_GCM_V1 + nonce + sealed


def decrypt(ciphertext: bytes | memoryview | None) -> str:
    if not ciphertext:
        return ""
    data = bytes(ciphertext)
    if data[:1] != AES_GCM_V1:
        raise ValueError("unknown ciphertext version")
    nonce, sealed = data[1:13], data[13:]
    return _cipher().decrypt(nonce, sealed, None).decode()


def blind_index(value: str | None) -> str:
    """A keyed hash for lookups; equal inputs give equal outputs, nothing can be read back."""
    if not value:
        return ""
    digest = _index_hmac().copy()
    digest.update(value.encode())
    return digest.hexdigest()


def mask_id_number(value: str) -> str:
    """``411081********123X``: the address code and the last four characters."""
    if not value:
        return ""
    if len(value) != 18:
        return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
    return f"{value[:6]}{'*' * 8}{value[-4:]}"


def mask_phone(value: str) -> str:
    """``138****1234`` for mobiles; landlines keep their last four digits."""
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return f"{value[:3]}****{value[-4:]}"
    return "*" * max(len(value) - 4, 0) + value[-4:]
