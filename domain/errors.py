"""Domain errors. Each refusal names the DOMAIN.md rule it enforces, in Chinese and English.

The API maps the error *class* to an HTTP status once (problem+json); the domain never knows HTTP.
"""

from __future__ import annotations


class DomainError(Exception):
    """A command was refused; nothing was recorded."""

    def __init__(self, rule: str | None, zh: str, en: str) -> None:
        super().__init__(f"[{rule or 'validation'}] {en} / {zh}")
        self.rule = rule
        self.zh = zh
        self.en = en


class RuleViolation(DomainError):
    """The command breaks a rule of DOMAIN.md §3 given the case as it stands."""

    def __init__(self, rule: str, zh: str, en: str) -> None:
        super().__init__(rule, zh, en)


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

    def __init__(self, zh: str, en: str, rule: str | None = None) -> None:
        super().__init__(rule, zh, en)
