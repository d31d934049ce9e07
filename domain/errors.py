"""Domain errors. Each refusal names the DOMAIN.md rule it enforces, in Chinese and English.

The API maps the error *class* to an HTTP status once (problem+json); the domain never knows HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A command was refused; nothing was recorded. ``field``: the command's field the refusal
    is about, when it is one field's (a form marks it there)."""

    field: str | None = None

    def __init__(self, rule: str | None, zh: str, en: str) -> None:
        super().__init__(f"[{rule or 'validation'}] {en} / {zh}")
        self.rule = rule
        self.zh = zh
        self.en = en


class RuleViolation(DomainError):
    """The command breaks a rule of DOMAIN.md §3 given the case as it stands. ``field``: the
    command's field it is about, when the rule has several (R-A1's split units, not its
    lead), so a form or a sheet says it there."""

    def __init__(self, rule: str, zh: str, en: str, field: str | None = None) -> None:
        super().__init__(rule, zh, en)
        self.field = field


class InvalidInput(DomainError):
    """Plain validation: a field is missing, empty or out of its allowed values. ``field`` is
    the command's field it names (``contacted_by.rank``) when one, so a form shows it there."""

    def __init__(self, zh: str, en: str, field: str | None = None) -> None:
        super().__init__(None, zh, en)
        self.field = field


class NotFound(DomainError):
    """A case, reply or request that the command names does not exist."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(None, zh, en)


class Conflict(DomainError):
    """Concurrency or identity conflict: stale version, reused idempotency key, duplicate number."""

    def __init__(self, zh: str, en: str, rule: str | None = None, field: str | None = None) -> None:
        super().__init__(rule, zh, en)
        self.field = field


class StaleVersion(Conflict):
    """The case moved on since the version a command was drawn from (``If-Match``, a form's
    ``_version``): ``version`` is where it stands now."""

    def __init__(self, version: int, expected: int) -> None:
        super().__init__(
            "该件已被修改，请刷新后重试",
            f"case is at version {version}, not {expected}",
        )
        self.version = version


class DamagedRecord(DomainError):
    """A case's stored events cannot be replayed: something edited or deleted them in the
    database (R-X2: nothing is edited or deleted), which ``/v1/audit/verify`` locates."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__("R-X2", zh, en)


# The parts of a person (``contacted_by.rank``) and of a proposer, in words.
PART_WORDS: Mapping[str, str] = {"name": "姓名", "rank": "职务", "type": "类型", "role": "身份"}


def worded(error: DomainError, labels: Mapping[str, str]) -> str:
    """``error``'s Chinese with the field it names by its code at the start ("title 不能为空",
    "contacted_by.rank 不能为空") named by ``labels``' word for it instead ("标题不能为空",
    "联系人的职务不能为空"): a page's label, an imported sheet's column. As it is when it names
    no field, or ``labels`` has no word for it."""
    field = getattr(error, "field", None)
    if not field or not error.zh.startswith(field):
        return error.zh
    if field in labels:
        words = labels[field]
    else:
        top, _, part = field.partition(".")
        if top not in labels:
            return error.zh
        words = labels[top] + (f"的{PART_WORDS.get(part, part)}" if part else "")
    return words + error.zh[len(field) :].lstrip()
