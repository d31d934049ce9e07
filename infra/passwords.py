"""Password hashing with argon2id (argon2-cffi), the parameters in docs/decisions.md.

A hash records its own parameters, so stronger parameters later still verify older hashes.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import InvalidInput

# RFC 9106's second recommended option (argon2id, t=3, 64 MiB, p=4): argon2-cffi's defaults,
# spelled out so a library upgrade cannot change them silently.
HASHER = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4, hash_len=32, salt_len=16)
MIN_LENGTH = 12


class BadCredentials(Exception):
    """A username and password that do not match (or no such user: the same answer)."""


class AccountDisabled(BadCredentials):
    """The right password of a disabled user: the API answers it as any bad pair, the login
    page says the account is disabled (a review's user, told 用户名或密码错误, would have reset
    a password that was fine). Only the password's holder learns it."""


def hash_password(password: str) -> str:
    return HASHER.hash(password)


@cache
def _stand_in() -> str:
    return HASHER.hash("a password that no account has")


def verify_password(stored: str | None, given: str) -> bool:
    """Whether ``given`` matches ``stored``. Without a stored hash (unknown user, no password)
    a stand-in hash is checked all the same, so the answer takes as long either way and
    timing cannot tell which usernames exist."""
    try:
        return HASHER.verify(stored or _stand_in(), given) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def check_password(value: object) -> str:
    if not isinstance(value, str) or len(value) < MIN_LENGTH:
        raise InvalidInput(
            f"密码至少 {MIN_LENGTH} 个字符", f"password must have at least {MIN_LENGTH} characters"
        )
    if not any(_visible(c) for c in value):
        # Twelve spaces (or zero-width spaces) passed the length: guessed at once.
        raise InvalidInput(
            "密码不能全是空白或不可见字符", "a password must not be blanks or invisible only"
        )
    return value


def _visible(character: str) -> bool:
    return not character.isspace() and unicodedata.category(character) not in ("Cf", "Cc")
