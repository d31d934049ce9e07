"""Password hashing at production cost (docs/decisions.md "Users, passwords and sessions")."""

from __future__ import annotations

import pytest

from domain.errors import InvalidInput
from infra.passwords import check_password, hash_password, verify_password


def test_passwords_are_hashed_with_argon2id_at_the_documented_cost() -> None:
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "correct horse" not in hashed
    assert hashed != hash_password("correct horse battery staple")  # salted


def test_a_hash_verifies_its_password_only() -> None:
    hashed = hash_password("correct horse battery staple")
    assert verify_password(hashed, "correct horse battery staple")
    assert not verify_password(hashed, "correct horse battery stapl")
    assert not verify_password("not a hash at all", "correct horse battery staple")


def test_without_a_stored_hash_nothing_verifies() -> None:
    assert not verify_password(None, "correct horse battery staple")
    assert not verify_password(None, "a password that no account has")  # the stand-in's own


@pytest.mark.parametrize("value", ["", "elevenchars", None, 123456789012])
def test_a_password_has_at_least_12_characters(value: object) -> None:
    with pytest.raises(InvalidInput):
        check_password(value)
    assert check_password("twelve chars") == "twelve chars"
