"""Demo accounts: the units of the demo year and one user per role, with published tokens and
one published password.

These are demo credentials, printed by ``make run`` for a newcomer to try the API and the web
login; a real installation creates users through ``POST /v1/users``, which answers random
tokens once, and never uses ``DEMO_PASSWORD``.
"""

from __future__ import annotations

from typing import get_args

from demo.actors import LEADER, OFFICE, handler
from demo.units import UNITS
from domain.vocabulary import Role
from infra.directory import BOOTSTRAP, Directory
from infra.paper_labels import ROLE
from infra.passwords import hash_password

# One demo user for each role without a unit, in the vocabulary's order; handlers get one a unit.
ROLES = tuple(role for role in get_args(Role) if role != "handler")
DEMO_PASSWORD = "banli-demo-2025"  # demo only: every demo user logs in with it


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
            BOOTSTRAP,
            username=demo_username(role),
            display_name=f"演示{ROLE[role]}",
            role=role,
            password=DEMO_PASSWORD,
            token=token,
        )
        tokens[role] = token
    for profile in UNITS:
        token = demo_token("handler", profile.code)
        directory.create_user(
            BOOTSTRAP,
            username=demo_username("handler", profile.code),
            display_name=f"{profile.name}承办人",
            role="handler",
            unit_code=profile.code,
            password=DEMO_PASSWORD,
            token=token,
        )
        tokens[f"handler {profile.code}"] = token
    return tokens


def name_demo_staff(directory: Directory) -> int:
    """The people the demo year's events were recorded by (``demo.actors``: office.chen, the
    leader, each unit's handler) as directory users, so the timeline and 审计 name them as
    they name any user instead of showing a login. Without a password: nobody logs in as
    them. Made once (a demo store from before gets them at its next start); answers how many
    were made."""
    staff = [
        (OFFICE["user"], "陈主任", "office", None),
        (LEADER["user"], "周厅长", "leader", None),
        *[(handler(p.code)["user"], f"{p.name}经办人", "handler", p.code) for p in UNITS],
    ]
    made = 0
    for username, display_name, role, unit in staff:
        if directory.current_user(username) is None:
            directory.create_user(
                BOOTSTRAP, username=username, display_name=display_name, role=role, unit_code=unit
            )
            made += 1
    return made


def demo_username(role: str, unit: str | None = None) -> str:
    """Demo usernames are the demo tokens: ``demo-office``, ``demo-handler-fin``, …"""
    return demo_token(role, unit)


def give_demo_passwords(directory: Directory) -> int:
    """Demo users made before users had passwords get ``DEMO_PASSWORD``; answers how many."""
    given = 0
    names = [demo_username(role) for role in ROLES]
    names += [demo_username("handler", p.code) for p in UNITS]
    for name in names:
        user = directory.current_user(name)
        if user is not None and user.password_hash is None:
            user.change_password(
                password_hash=hash_password(DEMO_PASSWORD), actor=BOOTSTRAP.actor()
            )
            directory.app.record(user.collect_events())
            given += 1
    return given


def demo_tokens() -> dict[str, str]:
    """The tokens ``create_demo_accounts`` made, without touching the store."""
    tokens = {role: demo_token(role) for role in ROLES}
    tokens.update({f"handler {p.code}": demo_token("handler", p.code) for p in UNITS})
    return tokens
