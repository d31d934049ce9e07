"""Units (承办单位) and users with their roles, as event-sourced records (who may do what is
itself auditable). A user's bearer token is stored only as its SHA-256 hash; the grant's id is
derived from that hash, so finding a token's user is one lookup by id.

A grant never changes, so it may be remembered; whether its token still works (the user is
enabled, the token neither revoked nor expired) is the ``User``'s current state, read from the
store on every request.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from eventsourcing.domain import Aggregate, event

from domain.checks import check_name, check_one_of, check_text
from domain.errors import Conflict, InvalidInput, NotFound
from domain.found_by_hash import FoundByHash
from domain.records import Actor

DIRECTORY_NAMESPACE = uuid.UUID("9a1d2c0e-55a3-4c58-9c1e-646972656374")
ROLES = frozenset({"admin", "office", "leader", "handler", "supervisor", "auditor"})


# A username and a unit code stand in addresses (``/admin/users/<name>/disable``), files and
# sheets: letters, digits and a few marks, no space or slash (a user named ``a/b`` was created
# and could never be disabled: its address named another page).
_USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")
_UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def check_username(value: object) -> str:
    username = check_text(value, "username")
    if not _USERNAME.fullmatch(username):
        raise InvalidInput(
            "用户名只能由字母、数字和 . _ - @ 组成，并以字母或数字开头",
            f"a username is letters, digits and . _ - @, beginning with a letter or digit: "
            f"{username!r}",
            field="username",
        )
    return username


def check_unit_code(value: object) -> str:
    code = check_text(value, "code")
    if not _UNIT_CODE.fullmatch(code):
        raise InvalidInput(
            "单位代码只能由字母、数字和 . _ - 组成，并以字母或数字开头",
            f"a unit code is letters, digits and . _ -, beginning with a letter or digit: {code!r}",
            field="code",
        )
    return code


def check_new_unit(code: str, name: str, units: Iterable[tuple[str, str]]) -> None:
    """A new unit is told apart from every unit there is (``units``: code and name): by a code
    that differs in more than letter case (``fin`` beside ``FIN`` is one unit to a reader, two
    to the store), and by its name (the import and every page find a unit by its name)."""
    for other_code, other_name in units:
        if other_code.casefold() == code.casefold() and other_code != code:
            raise Conflict(
                f"单位代码 {code} 与已有单位 {other_code} 只差大小写",
                f"unit code {code!r} differs from the existing {other_code!r} only in case",
                field="code",
            )
        if other_name == name and other_code != code:
            raise Conflict(
                f"单位名称“{name}”已由单位 {other_code} 使用",
                f"unit name {name!r} is already the name of unit {other_code!r}",
                field="name",
            )


def check_new_username(username: str, usernames: Iterable[str]) -> None:
    """A new user's name differs from every other in more than letter case: people type
    names as they remember them, and ``TST.ZHANG`` beside ``tst.zhang`` is two accounts to the
    store and one person to everyone else."""
    for other in usernames:
        if other.casefold() == username.casefold() and other != username:
            raise Conflict(
                f"用户名 {username} 与已有用户 {other} 只差大小写",
                f"username {username!r} differs from the existing {other!r} only in case",
                field="username",
            )


def check_new_display_name(display_name: str, users: Iterable[tuple[str, str]]) -> None:
    """A new user's 姓名 is no other user's (``users``: username, 姓名): every page, paper and
    audit row names the actor by it, and a second 陈主任 read as the first on the timeline,
    the corrections and the event log (a review). Two people of one name are told apart by
    what the office calls them (陈主任（督查室）)."""
    for other, name in users:
        if name == display_name:
            raise Conflict(
                f"姓名“{display_name}”已是用户 {other} 的：页面和审计记录按姓名显示操作人，"
                f"同名的请加以区分（如 {display_name}（所在处室））",
                f"display name {display_name!r} is already user {other!r}'s",
                field="display_name",
            )


# A token is named by its first characters (API.md: revoke by ``token_prefix``).
TOKEN_PREFIX_LENGTH = 8


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """What the user knows of one of its tokens (never the token itself)."""

    prefix: str
    expires_on: date | None
    revoked: bool = False

    def in_force_on(self, today: date) -> bool:
        """Whether it works on ``today``: not revoked, and ``expires_on`` is its last day."""
        return not self.revoked and (self.expires_on is None or today <= self.expires_on)


def check_role_and_unit(role: object, unit_code: object) -> tuple[str, str | None]:
    """A role with its unit: a handler is bound to one unit, every other role to none."""
    checked_role = check_one_of(role, ROLES, "role")
    unit = None if unit_code is None else check_text(unit_code, "unit_code")
    if (checked_role == "handler") != (unit is not None):
        raise InvalidInput(
            "承办人须选择所属单位；其他角色不选单位",
            "a handler is bound to exactly one unit; other roles to none",
        )
    return checked_role, unit


class Unit(Aggregate):
    @staticmethod
    def create_id(code: str) -> uuid.UUID:
        return uuid.uuid5(DIRECTORY_NAMESPACE, f"unit:{code}")

    @classmethod
    def create(cls, *, code: object, name: object, actor: Actor) -> Unit:
        return cls(code=check_unit_code(code), name=check_name(name, "name"), actor=actor)

    @event("UnitCreated")
    def __init__(self, *, code: str, name: str, actor: Actor) -> None:
        self.code = code
        self.name = name


class User(Aggregate):
    """A user account: enabled or not, its password hash, and the state of its tokens.

    Each token also has a ``TokenGrant`` keyed by the token's hash (the lookup from a token to
    its user). Tokens granted before users recorded their tokens (``TokenIssued``) are unknown
    here: they work until the user is disabled or all its tokens are revoked.
    """

    @staticmethod
    def create_id(username: str) -> uuid.UUID:
        return uuid.uuid5(DIRECTORY_NAMESPACE, f"user:{username}")

    @classmethod
    def create(
        cls,
        *,
        username: object,
        display_name: object,
        role: object,
        unit_code: object,
        actor: Actor,
    ) -> User:
        checked_role, unit = check_role_and_unit(role, unit_code)
        return cls(
            username=check_username(username),
            display_name=check_name(display_name, "display_name"),
            role=checked_role,
            unit_code=unit,
            actor=actor,
        )

    @event("UserCreated")
    def __init__(
        self,
        *,
        username: str,
        display_name: str,
        role: str,
        unit_code: str | None,
        actor: Actor,
    ) -> None:
        self.username = username
        self.password_hash: str | None = None  # none until the user or an admin sets one
        self.display_name = display_name
        self.role = role
        self.unit_code = unit_code
        self.enabled = True
        self.tokens: dict[str, IssuedToken] = {}  # token hash → its state
        self.unlisted_tokens_revoked = False  # grants this user never recorded (see class doc)
        # Sessions opened at an earlier version of the user end when the password changes.
        self.sessions_valid_from = 0

    # ------------------------------------------------------------------ what is admitted

    def admits_token(self, hashed: str, today: date) -> bool:
        if not self.enabled:
            return False
        issued = self.tokens.get(hashed)
        if issued is None:
            return not self.unlisted_tokens_revoked
        return issued.in_force_on(today)

    def admits_session(self, opened_at_version: int) -> bool:
        return self.enabled and opened_at_version >= self.sessions_valid_from

    # ------------------------------------------------------------------ commands

    def disable(self, *, reason: object, actor: Actor) -> None:
        text = check_text(reason, "reason")
        if not self.enabled:
            raise Conflict("该用户已停用", f"user {self.username!r} is already disabled")
        if actor.get("user") == self.username:
            raise Conflict("不能停用自己", "a user cannot disable itself")
        self._disabled(reason=text, actor=actor)

    @event("UserDisabled")
    def _disabled(self, *, reason: str, actor: Actor) -> None:
        self.enabled = False

    def enable(self, *, reason: object, actor: Actor) -> None:
        text = check_text(reason, "reason")
        if self.enabled:
            raise Conflict("该用户未停用", f"user {self.username!r} is not disabled")
        self._enabled(reason=text, actor=actor)

    @event("UserEnabled")
    def _enabled(self, *, reason: str, actor: Actor) -> None:
        self.enabled = True

    def issue_token(
        self, *, hashed: str, prefix: str, expires_on: date | None, actor: Actor
    ) -> None:
        if not self.enabled:
            # It would fail now and work the day the user is enabled again, unseen till then.
            raise Conflict(
                "该用户已停用，不能签发令牌；启用后再签发",
                f"user {self.username!r} is disabled: no token is issued",
            )
        self._token_issued(hashed=hashed, prefix=prefix, expires_on=expires_on, actor=actor)

    @event("TokenIssued")
    def _token_issued(
        self, *, hashed: str, prefix: str, expires_on: date | None, actor: Actor
    ) -> None:
        self.tokens[hashed] = IssuedToken(prefix, expires_on)

    def revoke_tokens(self, *, prefix: str | None, actor: Actor) -> list[str]:
        """Revokes the tokens starting with ``prefix`` (all when None); answers their prefixes."""
        live = {h: t for h, t in self.tokens.items() if not t.revoked}
        if prefix is not None:
            live = {h: t for h, t in live.items() if t.prefix == prefix}
            if not live:
                raise NotFound("没有以此开头的有效令牌", f"no live token starts with {prefix!r}")
        self._tokens_revoked(hashes=sorted(live), every_token=prefix is None, actor=actor)
        return sorted(t.prefix for t in live.values())

    @event("TokensRevoked")
    def _tokens_revoked(self, *, hashes: list[str], every_token: bool, actor: Actor) -> None:
        for hashed in hashes:
            self.tokens[hashed] = replace(self.tokens[hashed], revoked=True)
        if every_token:
            self.unlisted_tokens_revoked = True

    def reassign(self, *, role: object, unit_code: object, reason: object, actor: Actor) -> None:
        """调岗: the user's role and unit from now on. Its earlier events keep the role and
        unit they were recorded with (each event's actor); its tokens and sessions act with
        the new ones at their next request."""
        checked_role, unit = check_role_and_unit(role, unit_code)
        text = check_text(reason, "reason")
        if (checked_role, unit) == (self.role, self.unit_code):
            raise Conflict(
                "角色和单位与现在相同，未作调整",
                f"user {self.username!r} already has role {checked_role!r} and unit {unit!r}",
            )
        if actor.get("user") == self.username:
            # An administrator's own role is another's to change: one slip would lock it out.
            raise Conflict("不能调整自己的角色或单位", "a user cannot reassign itself")
        self._reassigned(role=checked_role, unit_code=unit, reason=text, actor=actor)

    @event("UserReassigned")
    def _reassigned(self, *, role: str, unit_code: str | None, reason: str, actor: Actor) -> None:
        self.role = role
        self.unit_code = unit_code

    def change_password(self, *, password_hash: str, actor: Actor) -> None:
        self._password_changed(password_hash=password_hash, actor=actor)

    @event("PasswordChanged")
    def _password_changed(self, *, password_hash: str, actor: Actor) -> None:
        self.password_hash = password_hash
        # The library sets the new version after this body runs: this event's version is +1.
        self.sessions_valid_from = self.version + 1


class TokenGrant(FoundByHash):
    """Binds the hash of a bearer token to a user's identity and role."""

    id_namespace = DIRECTORY_NAMESPACE
    id_prefix = "token"

    @event("TokenGranted")
    def __init__(
        self, *, hashed: str, username: str, role: str, unit_code: str | None, actor: Actor
    ) -> None:
        self.hashed = hashed
        self.username = username
        self.role = role
        self.unit_code = unit_code
