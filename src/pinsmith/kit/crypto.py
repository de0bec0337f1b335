"""Encryption at rest (MultiFernet) and one-way hashing of API secrets."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def generate_secret_key() -> str:
    """A new key for PINSMITH_SECRET_KEYS."""
    return Fernet.generate_key().decode("ascii")


def is_valid_secret_key(key: str) -> bool:
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False
    return True


class DecryptionError(Exception):
    """No configured key opens this ciphertext: the key that wrote it was removed."""


class SecretBox:
    """Encrypts with the first key and decrypts with any, so keys can be rotated."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("SecretBox needs at least one key")
        self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in keys])

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode("ascii")).decode("utf-8")
        except InvalidToken as exc:
            raise DecryptionError("no configured secret key can decrypt this value") from exc

    def rotate(self, ciphertext: str) -> str:
        """Re-encrypt under the first key, so older keys can be retired."""
        try:
            return self._fernet.rotate(ciphertext.encode("ascii")).decode("ascii")
        except InvalidToken as exc:
            raise DecryptionError("no configured secret key can decrypt this value") from exc


def hash_secret(secret: str) -> str:
    """SHA-256 hex digest: API secrets are high-entropy, so a fast hash is the right tool."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secrets_match(expected_hash: str, secret: str) -> bool:
    return hmac.compare_digest(expected_hash, hash_secret(secret))
