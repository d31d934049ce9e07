"""Request and response schemas of users and sessions (API.md v1.1 § Users and sessions).

Fields are the strict, bounded types of ``api.fields`` (API.md § Input limits): a username or
password with a control character could not be hashed, nor stored by every backend. Passwords
never reach an idempotency fingerprint (``fingerprinted``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, Field, StrictStr

from api import schemas as s
from api.fields import Code, Day, Text, storable
from domain.vocabulary import Role
from infra.directory import Principal
from infra.passwords import MIN_LENGTH

MAX_PASSWORD = 1024  # argon2 would take more, but no passphrase is longer


Username = Annotated[StrictStr, Field(min_length=1, max_length=100), AfterValidator(storable)]
Reason = Annotated[Text, Field(min_length=1)]
NewPassword = Annotated[
    StrictStr, Field(min_length=MIN_LENGTH, max_length=MAX_PASSWORD), AfterValidator(storable)
]
GivenPassword = Annotated[
    StrictStr, Field(min_length=1, max_length=MAX_PASSWORD), AfterValidator(storable)
]


class UserCreate(s.UserCreate):
    """``POST /v1/users`` plus an optional password, for logging in with a session."""

    password: NewPassword | None = None


class UserReason(s.Body):
    reason: Reason


class UserReassign(s.Body):
    """调岗: the user's role and unit from now on (a handler's unit; none for other roles)."""

    role: Role
    unit_code: Code | None = None
    reason: Reason


class TokenCreate(s.Body):
    expires_on: Day | None = None  # works through this day (Asia/Shanghai), then 401


class TokenRevoke(s.Body):
    # The token's first 8 characters; without it, every token of the user.
    token_prefix: (
        Annotated[StrictStr, Field(min_length=8, max_length=8), AfterValidator(storable)] | None
    ) = None


class PasswordChange(s.Body):
    old_password: GivenPassword | None = None
    new_password: NewPassword


class SessionCreate(s.Body):
    username: Username
    password: GivenPassword


class EventRefPublic(BaseModel):
    id: str
    type: str
    position: int | None


class AccountChangePublic(BaseModel):
    username: str
    enabled: bool
    events: list[EventRefPublic]


class TokenPublic(AccountChangePublic):
    token: str | None  # null on an idempotent replay: the secret is never stored


class RevocationPublic(AccountChangePublic):
    revoked: list[str]  # prefixes of the tokens that stopped working


class MePublic(BaseModel):
    username: str
    display_name: str
    role: Role
    unit_code: str | None

    @classmethod
    def of(cls, who: Principal, **more: object) -> Self:
        """The caller as answered (``role`` is checked against the vocabulary on the way)."""
        me = {"username": who.user, "display_name": who.display_name, "role": who.role}
        return cls.model_validate({**me, "unit_code": who.unit, **more})


class SessionPublic(MePublic):
    expires_at: datetime


SECRET_FIELDS = ("password", "old_password", "new_password")


def fingerprinted(body: BaseModel) -> BaseModel:
    """The body as an idempotency key's fingerprint sees it: whether a password was given, not
    the password (a fast hash of it would be stored beside the key)."""
    update: dict[str, Any] = {
        name: "(given)"
        for name in SECRET_FIELDS
        if name in type(body).model_fields and getattr(body, name) is not None
    }
    return body.model_copy(update=update)
