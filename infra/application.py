"""The application service: loads cases, runs a domain command, saves its events atomically.

Every command goes through ``_run``: idempotency lookup, load, expected-version check, the
domain method (which raises before triggering anything when a rule refuses), then one
``save`` that writes the events, their time index and the idempotency answer in one
transaction. A refused command therefore writes nothing.
"""

from __future__ import annotations

import contextlib
import logging
import random
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import CanMutateAggregate, OriginatorVersionError
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    OperationalError,
    Recording,
    Transcoder,
)

from domain import handlers
from domain.case import Case
from domain.checks import check_case_number
from domain.commands import (
    Acting,
    CaseCommand,
    CreateProposerLink,
    DesignateKey,
    IssueReply,
    MergeCases,
    PublishReply,
    RecordTakeDown,
    RegisterCase,
    ReviewDisclosure,
    UndoMerge,
)
from domain.deadlines.calendar import WorkdayCalendar
from domain.errors import (
    Conflict,
    DamagedRecord,
    DomainError,
    InvalidInput,
    NotFound,
    StaleVersion,
)
from domain.key_quota import KeyQuota
from domain.proposer_links import ProposerLinkGrant
from domain.records import PossibleRepeat
from infra.command_context import (
    CommandContext,
    CommandResult,
    ConcurrentWrite,
    case_not_found,
    count_refusal,
    event_id,
    stamp_provenance,
)
from infra.idempotency import idempotency_row, replayed_result
from infra.recorders import LATEST, IdempotencyRow, IndexQueries, IndexRow, index_queries
from infra.stored_calendar import StoredCalendar
from infra.telemetry import COMMANDS, request_id
from infra.transcodings import DateAsISO, StoredJSONTranscoder

log = logging.getLogger(__name__)

# Commands on a merge's primary that load its partners too (``execute``).
ANSWERING_PARTNERS = (IssueReply, ReviewDisclosure, PublishReply, RecordTakeDown)

# How often a command without If-Match is run again on fresh state after losing a race.
MAX_RETRIES = 10


RECORDER_TOPICS = {
    "eventsourcing.sqlite": "infra.recorders:IndexedSQLiteApplicationRecorder",
    "eventsourcing.postgres": "infra.recorders:IndexedPostgresApplicationRecorder",
}


class BanliApplication(Application[UUID]):
    name = "banli"

    def __init__(self, env: Any = None) -> None:
        super().__init__(env)
        # Called with the last notification position after every committed command, so an
        # in-process projection runner can wake at once instead of polling.
        self.saved_listeners: list[Callable[[int], None]] = []
        self._case_locks = [threading.Lock() for _ in range(64)]
        # R-S4: earlier cases alike a new one, from a search of the stored cases (set by the
        # composition root once the search read model exists; none found without it).
        self.find_alike: Callable[[RegisterCase], Sequence[PossibleRepeat]] = lambda _: ()

    def construct_env(self, name: str, env: Any = None) -> Any:
        environment = super().construct_env(name, env)
        module = environment.get("PERSISTENCE_MODULE", "")
        if module in RECORDER_TOPICS and not environment.get("APPLICATION_RECORDER_TOPIC"):
            environment["APPLICATION_RECORDER_TOPIC"] = RECORDER_TOPICS[module]
        return environment

    def construct_transcoder(self) -> Transcoder:
        transcoder = StoredJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    @property
    def index(self) -> IndexQueries:
        if not hasattr(self, "_index"):
            self._index = index_queries(self.recorder)
        return self._index

    # ------------------------------------------------------------------ the command path

    def _load(self, case_id: UUID | str, *, fresh: bool = False) -> Case:
        """A case from the command cache, or (``fresh``) rebuilt from the store itself."""
        try:
            uid = case_id if isinstance(case_id, UUID) else UUID(str(case_id))
        except ValueError:
            raise case_not_found(case_id) from None
        try:
            case: Any = replayed(self, uid, LATEST if fresh else None)
        except AggregateNotFoundError:
            raise case_not_found(uid) from None
        if not isinstance(case, Case):
            raise case_not_found(uid)
        return case

    def _run(
        self,
        ctx: CommandContext,
        load: Callable[[], Sequence[Case]],
        action: Callable[[Sequence[Case]], dict[str, Any] | None],
        *,
        retry: bool = True,
        case_id: UUID | str | None = None,
        command: str = "",
    ) -> CommandResult:
        # Commands on one case in this process take turns instead of racing for its next
        # version; races with other processes are settled by the store (and retried below).
        try:
            with self._case_lock(case_id):
                result = self._run_locked(ctx, load, action, retry)
        except Exception as error:
            count_refusal(command, error)
            raise
        COMMANDS.labels(command, "replayed" if result.replayed else "ok").inc()
        return result

    def _case_lock(self, case_id: UUID | str | None) -> contextlib.AbstractContextManager[Any]:
        if case_id is None:
            return contextlib.nullcontext()
        return self._case_locks[zlib.crc32(str(case_id).lower().encode()) % len(self._case_locks)]

    def _run_locked(
        self,
        ctx: CommandContext,
        load: Callable[[], Sequence[Case]],
        action: Callable[[Sequence[Case]], dict[str, Any] | None],
        retry: bool,
    ) -> CommandResult:
        replay = replayed_result(self.index, ctx)
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
            result, cases = self._attempt_fresh(ctx, load, action, retry)
        if result.replayed:
            self._evict(cases)  # changed in memory but not saved: another request's answer won
        else:
            self._remember(cases)
        return result

    def _attempt_fresh(
        self,
        ctx: CommandContext,
        load: Callable[[], Sequence[Case]],
        action: Callable[[Sequence[Case]], dict[str, Any] | None],
        retry: bool,
    ) -> tuple[CommandResult, Sequence[Case]]:
        """The command on cases read from the store. A client that sent no If-Match asked for
        no particular version, so a concurrent write that beat it is no reason to refuse: the
        command runs again on the new state (every rule judged again) a few times (API.md v1.1)."""
        retries = MAX_RETRIES if retry and ctx.expected_version is None else 0
        for attempt in range(retries + 1):
            cases = load()
            try:
                return self._attempt(ctx, cases, action), cases
            except ConcurrentWrite:
                self._evict(cases)
                if attempt == retries:
                    raise
                time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 5)))
        raise AssertionError("unreachable")  # pragma: no cover

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
    ) -> CommandResult:
        primary = cases[0]
        if ctx.guard is not None:
            ctx.guard(primary)
        if ctx.expected_version is not None and primary.version != ctx.expected_version:
            raise StaleVersion(primary.version, ctx.expected_version)
        extra = action(cases) or {}
        pending: list[CanMutateAggregate[UUID]] = []
        answered: set[int] = set()  # which of them the answer names: the cases' own
        for aggregate in cases:
            if isinstance(aggregate, Case):
                answered.update(id(e) for e in aggregate.pending_events)
            pending.extend(aggregate.collect_events())
        stamp_provenance(pending, ctx.provenance)
        # A command answers the events of the case(s) it changed; bookkeeping streams written
        # with them (a unit's key quota, R-S2) are in the audit log, not in the answer.
        reported = [e for e in pending if id(e) in answered]
        events = [
            {"id": event_id(e.originator_id, e.originator_version), "type": type(e).__name__}
            for e in reported
        ]
        result = CommandResult(str(primary.id), primary.version, events, extra=extra)
        try:
            recordings = self.record(pending, idempotency_row(ctx, result.as_dict()))
        except IntegrityError:
            # Either a concurrent writer got there first, or the same idempotency key raced us.
            replay = replayed_result(self.index, ctx)
            if replay is not None:
                return replay
            raise ConcurrentWrite(
                "并发修改冲突或编号已存在，请刷新后重试",
                "conflict with a concurrent change (or the number already exists); retry",
            ) from None
        position = {id(e): r.notification.id for e, r in zip(pending, recordings, strict=True)}
        for ev, event in zip(result.events, reported, strict=True):
            ev["position"] = position[id(event)]
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
        recordings = self.save(
            *pending,
            banli_index=index,
            banli_idempotency=idempotency,
            banli_request=request_id.get(),
        )
        if recordings:
            for listener in self.saved_listeners:
                listener(recordings[-1].notification.id)
        return recordings

    # ------------------------------------------------------------------ commands

    def register(self, ctx: CommandContext, command: RegisterCase) -> CommandResult:
        def make() -> Sequence[Case]:
            alike = self.find_alike(command)
            return [handlers.register(command, self._acting(ctx), alike)]

        # A registration that collides is a duplicate number, not a race worth repeating: the
        # case's id is made of its kind, year and number, so only that case can hold version 1.
        try:
            return self._run(ctx, make, lambda _: None, retry=False, command=type(command).__name__)
        except ConcurrentWrite:
            raise number_taken(command) from None

    def execute(self, ctx: CommandContext, command: CaseCommand) -> CommandResult:
        """Runs one command on its case (``domain.handlers`` has the table of what each does).

        Commands that create an item (a reply, a reassignment request) answer its id; issuing
        the first reply of a merge's primary also answers every partner, in one transaction.
        """
        handler = handlers.handler_for(command)

        def load() -> Sequence[Any]:
            case = self._load(command.case_id)
            if isinstance(command, DesignateKey) and command.source == "unit":
                return [case, self._key_quota(case)]
            if isinstance(command, CreateProposerLink):
                # R-F4: the grant that finds the case from the link's token, in the same
                # transaction as the link, so neither exists without the other.
                grant = ProposerLinkGrant(
                    hashed=command.hashed,
                    case_id=str(case.id),
                    link_id=command.link_id,
                    actor=ctx.actor,
                )
                return [case, grant]
            # A merge's primary with its partners: its issue answers them (R-M1), and their
            # proposers' refusals stand against publishing it (R-P2).
            if not isinstance(command, ANSWERING_PARTNERS) or case.merge is None:
                return [case]
            if case.merge.primary_case_id != str(case.id):
                return [case]
            partners = [self._load(i) for i in case.merge.case_ids if i != str(case.id)]
            return [case, *partners]

        def act(cases: Sequence[Any]) -> dict[str, Any] | None:
            if isinstance(command, DesignateKey) and command.source == "unit":
                handlers.designate_unit_key(cases[0], cases[1], command, self._acting(ctx))
                return None
            if isinstance(command, ReviewDisclosure | PublishReply) and len(cases) > 1:
                handlers.check_merged_disclosure(cases[0], command, cases[1:])
            if isinstance(command, RecordTakeDown) and len(cases) > 1:
                handlers.check_merged_take_down(cases[0], command, cases[1:])
            answer = handler(cases[0], command, self._acting(ctx))
            if isinstance(command, IssueReply):
                self._answer_partners(cases, command.reply_id, ctx)
            return {command.answers: answer} if command.answers else None

        return self._run(ctx, load, act, case_id=command.case_id, command=type(command).__name__)

    def judge(self, ctx: CommandContext, command: CaseCommand) -> DomainError | None:
        """What the domain would refuse ``command`` for now, recording nothing: its handler run
        on the case as the commands load it (the repository hands out a copy of what it
        caches), then dropped, its events never saved (a form names every field it would be
        refused for: ``api/pages_form_checks``). None when the handler takes it. Commands that
        need more than their case (a unit's key quota, a link's grant, a merge's partners) are
        judged on their case alone."""
        try:
            case = self._load(command.case_id)
            handlers.handler_for(command)(case, command, self._acting(ctx))
        except DomainError as refused:
            return refused
        return None

    def _key_quota(self, case: Case) -> KeyQuota:
        """R-S2: the quota of the case's lead unit for its year (opened on first use)."""
        unit = case.lead_unit or "-"
        try:
            quota: Any = self.repository.get(KeyQuota.create_id(unit, case.year))
        except AggregateNotFoundError:
            return KeyQuota(unit=unit, year=case.year)
        assert isinstance(quota, KeyQuota)
        return quota

    def _acting(self, ctx: CommandContext) -> Acting:
        return Acting(ctx.actor, ctx.today, self.calendar)

    @staticmethod
    def _answer_partners(cases: Sequence[Case], reply_id: str, ctx: CommandContext) -> None:
        """R-M1: the primary's first reply answers every merged case; a further reply answers
        the primary's own proposer only (R-F2)."""
        primary, partners = cases[0], cases[1:]
        reply = primary.replies[reply_id]
        if reply.further:
            return
        for partner in partners:
            handlers.answer_merged_partner(partner, primary, reply, ctx.actor)

    def merge(self, ctx: CommandContext, command: MergeCases) -> CommandResult:
        def load() -> Sequence[Case]:
            if len(command.case_ids) < 2:
                raise InvalidInput("并案至少需要两个件", "case_ids must list two or more cases")
            return [self._load(i) for i in command.case_ids]

        def act(cases: Sequence[Case]) -> dict[str, Any]:
            merge_id = handlers.merge_cases(cases, command.occurred_on, self._acting(ctx))
            return {"merge_id": merge_id, "case_ids": [str(c.id) for c in cases]}

        return self._run(ctx, load, act, command=type(command).__name__)

    def undo_merge(self, ctx: CommandContext, command: UndoMerge) -> CommandResult:
        """R-M1: the merge of ``command.case_id`` undone on every case it holds, in one
        transaction; the case named comes first (an ``If-Match`` is its version)."""

        def load() -> Sequence[Case]:
            case = self._load(command.case_id)
            others = case.merge.case_ids if case.merge else []
            return [case, *(self._load(i) for i in others if i != str(case.id))]

        def act(cases: Sequence[Case]) -> dict[str, Any]:
            merge_id = handlers.undo_merge(
                cases, command.reason, command.occurred_on, self._acting(ctx)
            )
            return {"merge_id": merge_id, "case_ids": [str(c.id) for c in cases]}

        return self._run(ctx, load, act, case_id=command.case_id, command=type(command).__name__)

    # ------------------------------------------------------------------ calendar (R-D7)

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
            raise NotFound(
                "该时间点该件尚未记录（回看按记录时间，不按发生日期）",
                f"case {case_id} was not recorded yet at {as_of} (as of the recorded time)",
            )
        found: Any = replayed(self, case.id, version)
        assert isinstance(found, Case)
        return found

    def case_events(self, case_id: UUID | str) -> list[Any]:
        return list(self.events.get(self._load(case_id, fresh=True).id))


# What replaying a case raises when its stored events are not what was written: a version
# missing (deleted; the library asserts that a case starts with its creation), bytes that do
# not decode (edited, or text where bytes were stored).
DAMAGE = (
    OriginatorVersionError,
    AssertionError,
    ValueError,
    TypeError,
    sqlite3.OperationalError,
)


def _damage(error: Exception) -> bool:
    """Whether ``error`` says the stored events are not what was written. SQLite hands back
    text that is not UTF-8 (an edited cell) as the library's ``OperationalError``, as it does
    a locked database, which is no damage: the driver's words tell them apart."""
    if isinstance(error, DAMAGE):
        return True
    return isinstance(error, OperationalError) and "Could not decode" in str(error)


def number_taken(command: RegisterCase) -> Conflict:
    """The refusal of a registration whose number its kind and year already hold."""
    number = check_case_number(command.number)
    return Conflict(
        f"编号 {number} 已登记（同类别、同年度编号唯一）",
        f"number {number!r} is already registered for {command.kind}s of {command.year} "
        "(a number is unique per kind and year)",
    )


def replayed(app: Application[UUID], uid: UUID, version: int | None) -> Any:
    """The aggregate ``uid`` at ``version`` (the latest when None), or ``DamagedRecord`` when
    its stored events cannot be replayed: a clear refusal naming the case, where one edited
    row answered every read and command of the case with a 500."""
    try:
        return app.repository.get(uid, version=version)
    except Exception as error:
        if not _damage(error):
            raise
        log.warning("case %s cannot be replayed: %r", uid, error)
        raise DamagedRecord(
            f"该件（{uid}）的事件记录已损坏，无法读取，请由审计运行防篡改链校验",
            f"the stored events of case {uid} cannot be replayed ({type(error).__name__}); "
            "run /v1/audit/verify to locate the change",
        ) from None
