"""Idempotency keys (API.md § Idempotency): the first answer given under a key is stored in the
command's own transaction and given again, unchanged, to every retry with the same body.

Shared by every writer of the store (cases, the directory, accounts): each looks the key up
before acting and again after losing a race, so a retry never acts twice.
"""

from __future__ import annotations

import json
from typing import Any

from domain.errors import Conflict
from infra.command_context import CommandContext, CommandResult, parse_event_id
from infra.recorders import IdempotencyRow, IndexQueries


def stored_answer(index: IndexQueries, ctx: CommandContext) -> dict[str, Any] | None:
    """The first answer given under ``ctx``'s idempotency key (409 if the body differs)."""
    if ctx.idempotency_key is None:
        return None
    found = index.idempotent_answer(ctx.idempotency_key)
    if found is None:
        return None
    request_hash, response = found
    if request_hash != ctx.request_hash:
        raise Conflict(
            "同一幂等键已用于不同的请求",
            "this Idempotency-Key was already used with a different request",
        )
    answer: dict[str, Any] = json.loads(response)
    return answer


def idempotency_row(ctx: CommandContext, answer: dict[str, Any]) -> IdempotencyRow | None:
    """The row that stores ``answer`` under ``ctx``'s key, written with the command's events."""
    if ctx.idempotency_key is None:
        return None
    return IdempotencyRow(ctx.idempotency_key, ctx.request_hash, json.dumps(answer))


def replayed_result(index: IndexQueries, ctx: CommandContext) -> CommandResult | None:
    """A case command's stored answer as a result, its events' positions looked up again."""
    answer = stored_answer(index, ctx)
    if answer is None:
        return None
    for ev in answer["events"]:
        case_id, version = parse_event_id(ev["id"])
        ev["position"] = index.notification_id(str(case_id), version)
    extra = {k: v for k, v in answer.items() if k not in ("case_id", "version", "events")}
    return CommandResult(
        answer["case_id"], answer["version"], answer["events"], replayed=True, extra=extra
    )
