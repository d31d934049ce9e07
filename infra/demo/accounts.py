"""Demo accounts: the units of the demo year and one user per role, with published tokens.

These tokens are demo credentials, printed by ``make run`` for a newcomer to try the API; a
real installation creates users through ``POST /v1/users``, which answers random tokens once.
"""

from __future__ import annotations

from infra.demo.units import UNITS
from infra.directory import BOOTSTRAP, Directory

ROLES = ("admin", "office", "leader", "supervisor", "auditor")


def demo_token(role: str, unit: str | None = None) -> str:
    return f"demo-{role}" + (f"-{unit.lower()}" if unit else "")


def create_demo_accounts(directory: Directory) -> dict[str, str]:
    """Creates the units and users once; answers {who: token} for the printed summary."""
    tokens: dict[str, str] = {}
    for profile in UNITS:
        directory.create_unit(BOOTSTRAP, profile.code, profile.name)
    for role in ROLES:
        token = demo_token(role)
        directory.create_user(
            BOOTSTRAP, username=f"demo-{role}", display_name=f"演示{role}", role=role, token=token
        )
        tokens[role] = token
    for profile in UNITS:
        token = demo_token("handler", profile.code)
        directory.create_user(
            BOOTSTRAP,
            username=f"demo-handler-{profile.code.lower()}",
            display_name=f"{profile.name}承办人",
            role="handler",
            unit_code=profile.code,
            token=token,
        )
        tokens[f"handler {profile.code}"] = token
    return tokens


def demo_tokens() -> dict[str, str]:
    """The tokens ``create_demo_accounts`` made, without touching the store."""
    tokens = {role: demo_token(role) for role in ROLES}
    tokens.update({f"handler {p.code}": demo_token("handler", p.code) for p in UNITS})
    return tokens
