"""The application service: loads cases, runs a domain command, saves its events atomically.

Every command goes through ``_run``: idempotency lookup, load, expected-version check, the
domain method (which raises before triggering anything when a rule refuses), then one
``save`` that writes the events, their time index and the idempotency answer in one
transaction. A refused command therefore writes nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import CanMutateAggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording

from domain.calendar import WorkdayCalendar
from domain.calendar_book import CALENDAR_BOOK_ID, CalendarBook
from domain.case import Actor, Case
from domain.errors import Conflict, InvalidInput, NotFound
from domain.merge import merge_cases
from infra.recorders import IdempotencyRow, IndexQueries, IndexRow, index_queries
from infra.stored_calendar import StoredCalendar
from infra.transcodings import DateAsISO

# "Up to the newest version": asking the repository for a version bypasses its cache.
LATEST = 2**62

RECORDER_TOPICS = {
    "eventsourcing.sqlite": "infra.recorders:IndexedSQLiteApplicationRecorder",
    "eventsourcing.postgres": "infra.recorders:IndexedPostgresApplicationRecorder",
}


def event_id(case_id: UUID | str, version: int) -> str:
    """Public event id: the case and the event's version in it, stable and human-readable."""
    return f"{case_id}:{version}"


def parse_event_id(value: str) -> tuple[UUID, int]:
    try:
        case_part, version_part = value.rsplit(":", 1)
        return UUID(case_part), int(version_part)
    except ValueError:
        raise InvalidInput("事件编号无效", f"malformed event id {value!r}") from None


def request_fingerprint(*parts: Any) -> str:
    """A stable hash of a request, to tell a replay from a reuse of the same idempotency key."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class CommandContext:
    actor: Actor
    today: date
    idempotency_key: str | None = None
    request_hash: str = ""
    expected_version: int | None = None
    # Checked on the loaded case before the command runs (e.g. the API's handler scope), so a
    # caller needs no second load of its own to authorise.
    guard: Callable[[Case], None] | None = None


@dataclass
class CommandResult:
    case_id: str
    version: int
    events: list[dict[str, Any]]
    replayed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "version": self.version,
            "events": self.events,
            **self.extra,
        }


class BanliApplication(Application[UUID]):
    name = "banli"

    def __init__(self, env: Any = None) -> None:
        super().__init__(env)
        # Called with the last notification position after every committed command, so an
        # in-process projection runner can wake at once instead of polling.
        self.saved_listeners: list[Callable[[int], None]] = []

    def construct_env(self, name: str, env: Any = None) -> Any:
        environment = super().construct_env(name, env)
        module = environment.get("PERSISTENCE_MODULE", "")
        if module in RECORDER_TOPICS and not environment.get("APPLICATION_RECORDER_TOPIC"):
            environment["APPLICATION_RECORDER_TOPIC"] = RECORDER_TOPICS[module]
        return environment

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    @property
    def index(self) -> IndexQueries:
        if not hasattr(self, "_index"):
            self._index = index_queries(self.recorder)
        return self._index

    # ------------------------------------------------------------------ the command path

    def stored_answer(self, ctx: CommandContext) -> dict[str, Any] | None:
        """The first answer given under ``ctx``'s idempotency key (409 if the body differs)."""
        if ctx.idempotency_key is None:
            return None
        found = self.index.idempotent_answer(ctx.idempotency_key)
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

    def idempotency_row(self, ctx: CommandContext, answer: dict[str, Any]) -> IdempotencyRow | None:
        if ctx.idempotency_key is None:
            return None
        return IdempotencyRow(ctx.idempotency_key, ctx.request_hash, json.dumps(answer))

    def _replayed(self, ctx: CommandContext) -> CommandResult | None:
        answer = self.stored_answer(ctx)
        if answer is None:
            return None
        for ev in answer["events"]:
            case_id, version = parse_event_id(ev["id"])
            ev["position"] = self.index.notification_id(str(case_id), version)
        extra = {k: v for k, v in answer.items() if k not in ("case_id", "version", "events")}
        return CommandResult(
            answer["case_id"], answer["version"], answer["events"], replayed=True, extra=extra
        )

    def _load(self, case_id: UUID | str, *, fresh: bool = False) -> Case:
        """A case from the command cache, or (``fresh``) rebuilt from the store itself."""
        try:
            uid = case_id if isinstance(case_id, UUID) else UUID(str(case_id))
            case: Any = self.repository.get(uid, version=LATEST if fresh else None)
        except (AggregateNotFoundError, ValueError):
            raise NotFound("该件不存在", f"no case {case_id}") from None
        if not isinstance(case, Case):
            raise NotFound("该件不存在", f"no case {case_id}")
        return case

    def _run(
        self,
        ctx: CommandContext,
        load: Callable[[], Sequence[Case]],
        action: Callable[[Sequence[Case]], dict[str, Any] | None],
    ) -> CommandResult:
        replay = self._replayed(ctx)
        if replay is not None:
            return replay
        cases = load()
        try:
            result = self._attempt(ctx, cases, action)
        except Exception:
            # The cache may be behind another worker's writes: whatever refused the command
            # (a guard, a rule, a version, the store's own version check) is judged again on
            # cases rebuilt from the store, and only that verdict is answered.
            self._evict(cases)
            cases = load()
            result = self._attempt(ctx, cases, action, last=True)
        if result.replayed:
            self._evict(cases)  # changed in memory but not saved: another request's answer won
        else:
            self._remember(cases)
        return result

    def _evict(self, cases: Sequence[Case]) -> None:
        cache = self.repository.cache
        if cache is None:
            return
        for case in cases:
            with contextlib.suppress(KeyError):
                cache.get(case.id, evict=True)

    def _remember(self, cases: Sequence[Case]) -> None:
        """Commands change their (copied) cases in place: the changed copy is the new state."""
        cache = self.repository.cache
        if cache is None or self.repository.fastforward:
            return
        for case in cases:
            cache.put(case.id, case)

    def _attempt(
        self,
        ctx: CommandContext,
        cases: Sequence[Case],
        action: Callable[[Sequence[Case]], dict[str, Any] | None],
        *,
        last: bool = False,
    ) -> CommandResult:
        primary = cases[0]
        if ctx.guard is not None:
            ctx.guard(primary)
        if ctx.expected_version is not None and primary.version != ctx.expected_version:
            raise Conflict(
                "该件已被修改，请刷新后重试",
                f"case is at version {primary.version}, not {ctx.expected_version}",
            )
        extra = action(cases) or {}
        pending: list[CanMutateAggregate[UUID]] = []
        for case in cases:
            pending.extend(case.collect_events())
        events = [
            {"id": event_id(e.originator_id, e.originator_version), "type": type(e).__name__}
            for e in pending
        ]
        result = CommandResult(str(primary.id), primary.version, events, extra=extra)
        idempotency = None
        if ctx.idempotency_key is not None:
            idempotency = IdempotencyRow(
                ctx.idempotency_key, ctx.request_hash, json.dumps(result.as_dict())
            )
        try:
            recordings = self.record(pending, idempotency)
        except IntegrityError:
            # Either a concurrent writer got there first, or the same idempotency key raced us.
            replay = self._replayed(ctx)
            if replay is not None:
                return replay
            if not last:
                raise
            raise Conflict(
                "并发修改冲突或编号已存在，请刷新后重试",
                "conflict with a concurrent change (or the number already exists); retry",
            ) from None
        for ev, recording in zip(result.events, recordings, strict=True):
            ev["position"] = recording.notification.id
        return result

    def record(
        self, pending: Sequence[Any], idempotency: IdempotencyRow | None = None
    ) -> list[Recording[UUID]]:
        """Saves events (of any aggregates) with their time index rows, then wakes listeners.

        Every write of the service goes through here, so no event lacks its index row.
        """
        index = [
            IndexRow(type(e).__name__, e.timestamp.astimezone(UTC).isoformat()) for e in pending
        ]
        recordings = self.save(*pending, banli_index=index, banli_idempotency=idempotency)
        if recordings:
            for listener in self.saved_listeners:
                listener(recordings[-1].notification.id)
        return recordings

    def _on_case(
        self, ctx: CommandContext, case_id: UUID | str, action: Callable[[Case], Any]
    ) -> CommandResult:
        def run(cases: Sequence[Case]) -> dict[str, Any] | None:
            out = action(cases[0])
            return out if isinstance(out, dict) else None

        return self._run(ctx, lambda: [self._load(case_id)], run)

    # ------------------------------------------------------------------ commands

    def register_case(self, ctx: CommandContext, **fields: Any) -> CommandResult:
        def make() -> Sequence[Case]:
            return [Case.register(**fields, actor=ctx.actor, today=ctx.today)]

        return self._run(ctx, make, lambda _: None)

    def command(
        self, ctx: CommandContext, case_id: UUID | str, method: str, **fields: Any
    ) -> CommandResult:
        """Runs one Case command by name, e.g. ``command(ctx, id, "record_contact", ...)``.

        Commands that answer an id (reply, reassignment request) return it in ``extra``.
        """
        if method not in CASE_COMMANDS:
            raise InvalidInput("未知的命令", f"unknown case command {method!r}")
        id_field = CASE_COMMANDS[method]

        def act(case: Case) -> dict[str, Any] | None:
            out = getattr(case, method)(**fields, actor=ctx.actor, today=ctx.today)
            return {id_field: out} if id_field else None

        if method == "issue_reply":
            return self._issue_reply(ctx, case_id, **fields)
        return self._on_case(ctx, case_id, act)

    def _issue_reply(
        self, ctx: CommandContext, case_id: UUID | str, **fields: Any
    ) -> CommandResult:
        """R-M1: the primary case's reply answers every merged case, in the same transaction."""

        def load() -> Sequence[Case]:
            case = self._load(case_id)
            partners = []
            if case.merge and case.merge["primary_case_id"] == str(case.id):
                partners = [self._load(i) for i in case.merge["case_ids"] if i != str(case.id)]
            return [case, *partners]

        def act(cases: Sequence[Case]) -> None:
            primary = cases[0]
            primary.issue_reply(**fields, actor=ctx.actor, today=ctx.today)
            reply = primary.replies[fields["reply_id"]]
            if reply["further"]:
                return  # a further reply answers the primary's own proposer only (R-F2)
            for partner in cases[1:]:
                partner.record_merged_reply(
                    primary_case_id=str(primary.id),
                    primary_number=primary.number,
                    reply=reply,
                    actor=ctx.actor,
                )

        return self._run(ctx, load, act)

    def merge(
        self, ctx: CommandContext, case_ids: Sequence[str], occurred_on: date
    ) -> CommandResult:
        def load() -> Sequence[Case]:
            if not isinstance(case_ids, list | tuple) or len(case_ids) < 2:
                raise InvalidInput("并案至少需要两个件", "case_ids must list two or more cases")
            return [self._load(i) for i in case_ids]

        def act(cases: Sequence[Case]) -> dict[str, Any]:
            merge_id = merge_cases(cases, occurred_on=occurred_on, actor=ctx.actor, today=ctx.today)
            return {"merge_id": merge_id, "case_ids": [str(c.id) for c in cases]}

        return self._run(ctx, load, act)

    def correct(
        self,
        ctx: CommandContext,
        case_id: UUID | str,
        *,
        event_id: str,
        reason: Any,
        corrected: Any,
    ) -> CommandResult:
        target_case, version = parse_event_id(event_id)
        if str(target_case) != str(case_id):
            raise NotFound("被更正的事件不属于该件", "the corrected event is not on this case")
        return self._on_case(
            ctx,
            case_id,
            lambda case: case.correct(
                version=version,
                reason=reason,
                corrected=corrected,
                actor=ctx.actor,
                today=ctx.today,
            ),
        )

    # ------------------------------------------------------------------ calendar (R-D7)

    def load_calendar_year(
        self, ctx: CommandContext, year: int, holidays: list[date], workdays: list[date]
    ) -> int:
        try:
            # From the store, not the command cache: events saved here are not aggregates the
            # library could cache, so a cached book stays at the version first read and the
            # next load but one would clash with this process's own last load.
            book: Any = self.repository.get(CALENDAR_BOOK_ID, version=LATEST)
        except AggregateNotFoundError:
            book = CalendarBook()
        assert isinstance(book, CalendarBook)
        book.load_year(
            year=year, holidays=holidays, workdays=workdays, actor=ctx.actor, today=ctx.today
        )
        try:
            self.record(book.collect_events())
        except IntegrityError:
            raise Conflict("日历被并发修改，请重试", "the calendar changed concurrently") from None
        return book.version

    @property
    def stored_calendar(self) -> StoredCalendar:
        if not hasattr(self, "_stored_calendar"):
            self._stored_calendar = StoredCalendar(self)
        return self._stored_calendar

    def calendar(self) -> WorkdayCalendar:
        """Always from the store: a year loaded by another worker counts at once (R-D7)."""
        return self.stored_calendar.at()

    # ------------------------------------------------------------------ reads

    def get_case(self, case_id: UUID | str, as_of: datetime | None = None) -> Case:
        """The case now, or as it was at ``as_of`` (R-X3) via the recorded-time index."""
        if as_of is None:
            return self._load(case_id, fresh=True)
        case = self._load(case_id, fresh=True)
        version = self.index.version_at(str(case.id), as_of.astimezone(UTC).isoformat())
        if version is None:
            raise NotFound("该时间点该件尚未登记", f"case {case_id} did not exist at {as_of}")
        found: Any = self.repository.get(case.id, version=version)
        assert isinstance(found, Case)
        return found

    def case_events(self, case_id: UUID | str) -> list[Any]:
        return list(self.events.get(self._load(case_id, fresh=True).id))


# Case command methods reachable through ``command``, with the id field they answer (if any).
CASE_COMMANDS: dict[str, str | None] = {
    "assign": None,
    "request_reassignment": "request_id",
    "decide_reassignment": None,
    "rule_on_assignment": None,
    "designate_key": None,
    "record_contact": None,
    "record_visit": None,
    "record_visit_declined": None,
    "record_on_site_handling": None,
    "record_disclosure_preference": None,
    "record_co_opinion": None,
    "submit_reply": "reply_id",
    "decide_reply": None,
    "issue_reply": None,
    "publish_reply": None,
    "withhold_reply": None,
    "record_feedback": None,
    "record_follow_up_call": None,
    "remind": None,
    "reassess": None,
    "close_out": None,
}
