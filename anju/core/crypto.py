"""Personal data at rest: encryption, keyed lookup hashes and masks (SECURITY.md row 15).

- ``encrypt``/``decrypt``: AES-256-GCM with a random 96-bit nonce. The first byte of every
  ciphertext names the algorithm, so SM4 (GB/T 39786) can be added as another version
  without re-encrypting old rows at once.
- ``blind_index``: HMAC-SHA256 under a key derived from the same secret, for matching
  (import by ID number) and exact search without decrypting.
- The key comes from ``ANJU_PI_KEY`` (base64 of 32 bytes) or, for development and the demo,
  a file ``pi_key`` in the data folder — never from the database. Rotation: docs/SECURITY.md.

The audit chain (SECURITY.md row 11, docs/adr/0012) is keyed by a separate secret,
``ANJU_AUDIT_KEY`` (or the file ``audit_key``): ``audit_chain_mac`` links the rows,
``audit_anchor_mac`` signs the daily anchors written outside the database. The algorithm is
``ANJU_AUDIT_ALGORITHM``: ``hmac-sha256`` (default) or ``hmac-sm3`` (GB/T 32905, where the
OpenSSL build provides SM3); both give 64 hex digits, so the stored rows do not change shape.
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


def _key_from(name: str, filename: str) -> bytes:
    raw = secret_from_env_or_file(
        name,
        settings.DATA_DIR / filename,
        generate=lambda: base64.b64encode(secrets.token_bytes(32)).decode(),
    )
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError:
        raise ImproperlyConfigured(
            f"环境变量 {name} 无效：应为 32 字节密钥的 base64 编码。"
        ) from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"环境变量 {name} 无效：密钥长度应为 32 字节。")
    return key


@functools.cache
def _master_key() -> bytes:
    return _key_from("ANJU_PI_KEY", "pi_key")


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


# --- the audit chain's keys (SECURITY.md row 11) ----------------------------------------------
AUDIT_ALGORITHMS = {"hmac-sha256": "sha256", "hmac-sm3": "sm3"}


@functools.cache
def audit_algorithm() -> tuple[str, str]:
    """(name, hashlib digest) of the configured audit MAC; refuses one OpenSSL lacks."""
    name = settings.AUDIT_ALGORITHM
    digest = AUDIT_ALGORITHMS.get(name)
    if digest is None:
        raise ImproperlyConfigured(
            f"环境变量 ANJU_AUDIT_ALGORITHM 的值 {name!r} 无效：应为 "
            + " 或 ".join(AUDIT_ALGORITHMS)
            + "。"
        )
    try:
        hmac.new(b"k", b"", digest)
    except ValueError:
        raise ImproperlyConfigured(
            f"ANJU_AUDIT_ALGORITHM={name}：本机的 OpenSSL 不提供 {digest.upper()}。"
        ) from None
    return name, digest


@functools.cache
def _audit_keys() -> tuple[bytes, bytes, str]:
    """(chain key, anchor key, key id), derived once from ``ANJU_AUDIT_KEY``."""
    master = _key_from("ANJU_AUDIT_KEY", "audit_key")
    digest = audit_algorithm()[1]
    chain = hmac.new(master, b"anju-audit-chain-v1", digest).digest()
    anchor = hmac.new(master, b"anju-audit-anchor-v1", digest).digest()
    key_id = hmac.new(master, b"anju-audit-key-id-v1", digest).hexdigest()[:8]
    return chain, anchor, key_id


@functools.cache
def _chain_hmac() -> hmac.HMAC:
    """The keyed chain HMAC to copy per row (an import chains 100,000 rows): the key
    schedule is not repeated, and OpenSSL copies the state."""
    return hmac.new(_audit_keys()[0], digestmod=audit_algorithm()[1])


def audit_chain_mac(text: str) -> str:
    """The MAC of one audit row's canonical text (64 hex digits)."""
    digest = _chain_hmac().copy()
    digest.update(text.encode())
    return digest.hexdigest()


def audit_anchor_mac(text: str) -> str:
    """The signature of an anchor (the chain's head written outside the database)."""
    return hmac.new(_audit_keys()[1], text.encode(), audit_algorithm()[1]).hexdigest()


def audit_key_id() -> str:
    """Eight hex digits naming the audit key (printed on anchors, never the key itself)."""
    return _audit_keys()[2]
