from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinsmith.kit.crypto import (
    DecryptionError,
    SecretBox,
    generate_secret_key,
    hash_secret,
    is_valid_secret_key,
    secrets_match,
)

OLD, NEW = generate_secret_key(), generate_secret_key()


@given(st.text())
def test_anything_encrypted_decrypts_to_itself(plaintext: str) -> None:
    box = SecretBox([NEW])

    ciphertext = box.encrypt(plaintext)

    assert box.decrypt(ciphertext) == plaintext


def test_ciphertext_does_not_show_the_token() -> None:
    token = "pina_AMAQEAQWAAAAGAQAAAAAAAAAAAAAAAAAAAAAAAAA"

    assert token not in SecretBox([NEW]).encrypt(token)


def test_rotation_decrypts_with_old_keys_and_encrypts_with_the_first() -> None:
    written_before = SecretBox([OLD]).encrypt("pina_token")
    rotated_box = SecretBox([NEW, OLD])

    assert rotated_box.decrypt(written_before) == "pina_token"
    reencrypted = rotated_box.rotate(written_before)
    assert SecretBox([NEW]).decrypt(reencrypted) == "pina_token"
    with pytest.raises(DecryptionError):
        SecretBox([NEW]).decrypt(written_before)


def test_a_box_needs_a_key() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        SecretBox([])


def test_key_validation() -> None:
    assert is_valid_secret_key(generate_secret_key())
    assert not is_valid_secret_key("short")
    assert not is_valid_secret_key("é" * 44)


def test_secret_hashes_match_only_their_secret() -> None:
    stored = hash_secret("sk_pinsmith_abc")

    assert len(stored) == 64
    assert "sk_pinsmith_abc" not in stored
    assert secrets_match(stored, "sk_pinsmith_abc")
    assert not secrets_match(stored, "sk_pinsmith_abd")
