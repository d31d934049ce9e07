"""台账 — the supervision ledger (R-S1, R-S2): every case, its stage, units and deadlines; and
its reads, the filtered ledger and the overdue list, as of any day.

Rows store due dates and the first date each deadline was met; the status (pending / due soon /
overdue / met / met late / missed / extended) is computed at read time for the caller's ``as_of``
day, so one stored ledger answers for any day without being rewritten. An extended deadline is
two rows, one per period of validity (``projections.deadline_periods``, R-E1). The ledger also
holds each case's version: the Kafka consumer drops re-published events by it, and the
reminders sweep its deadlines. A confirmed repeat (R-S4) is on the key ledger: ``key`` with the
source ``repeat`` unless the case was designated too.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any, get_args

from domain.case import Case
from domain.deadlines.calendar import WorkdayCalendar
from domain.deadlines.policies import get_policy
from domain.records import Merge, Reply
from domain.rules.approval import approval_refusal
from domain.rules.replies import awaited_co_opinions
from domain.rules.supervision import tracked_as_repeat
from domain.vocabulary import Stage
from projections.core import (
    NO_DAY,
    CaseView,
    Row,
    Table,
    ViewReader,
    column_equals,
    iso_day,
    keyset_after,
)
from projections.deadline_periods import (
    VALID,
    VALID_PARAMS,
    deadline_periods,
    overdue_window,
    period_row,
)
from projections.json_text import dumps
from projections.ledger_items import deadline_view, ledger_item, page_with_deadlines

NAME = "ledger"
# The key ledger's source for a case that is there as a confirmed repeat only (R-S4).
REPEAT_SOURCE = "repeat"

# What a ledger page may be ordered by, and the column holding it (a keyset cursor follows
# any of them; the integer ones are marked).
SORTS = {
    "number": "number",
    "title": "title",
    "lead_unit": "lead_unit",
    "stage": "stage_order",
    "year": "year",
    # The case as it stands: the next open deadline's due day; a case with none sorts after
    # every day. 逾期天数 (most overdue first) follows the same day: the days a row shows are
    # counted from its due day (``deadline_status``), where the day it fell overdue is its
    # assignment's for a 参阅件 assigned after 31 October (R-D5), overdue 766 days and sorted
    # after cases overdue 36.
    "due": "next_due_on",
    "overdue": "next_due_on",
}
NUMERIC_SORTS = frozenset({"stage_order", "year"})
# Orders whose column's words run against their key: 逾期天数 shows days overdue, ordered by the
# due day, earliest (the most days) first. A page's arrow and an export's 排列顺序 say what the
# reader sees (an export sorted most overdue first had said 逾期天数（升序）).
SHOWN_REVERSED = frozenset({"overdue"})
# The orders that follow a case's deadlines: a handler's (``overdue_of``) follow the deadlines
# its own unit owes, as its overdue filter does (``UNITS``' own columns).
OWED_SORTS = frozenset({"next_due_on"})
# Columns that are NULL for some cases, and what a NULL sorts as (so the keyset is total).
NULL_SORTS_AS = {"lead_unit": ""}


def sort_key(column: str, prefix: str = "") -> str:
    """The SQL a page of the 台账 orders by for ``column`` (of the cases' table, named with
    ``prefix``): the one its index holds, so that the order reads the index."""
    absent = NULL_SORTS_AS.get(column)
    return f"COALESCE({prefix}{column}, '{absent}')" if absent is not None else prefix + column


CASES = Table(
    view=NAME,
    name="ledger_cases",
    columns={
        "case_id": "TEXT",
        "number": "TEXT",
        "title": "TEXT",
        "kind": "TEXT",
        "level": "TEXT",
        "year": "INTEGER",
        "stage": "TEXT",
        # The stage's place in a case's life (registered … closed): what 阶段 sorts by.
        "stage_order": "INTEGER",
        "reference": "INTEGER",
        "key": "INTEGER",
        "key_source": "TEXT",
        "leader_in_charge": "TEXT",
        "lead_unit": "TEXT",
        "co_units": "TEXT",
        "split_units": "TEXT",
        "under_supervision": "INTEGER",
        "closed_out_on": "TEXT",
        "policy": "TEXT",
        "version": "INTEGER",
        # The first day one of the case's deadlines is overdue with no end in sight (neither
        # met nor missed nor replaced by an extension): ``overdue_window`` of its open rows;
        # what the overdue filter reads (``_overdue_clause``).
        "overdue_from": "TEXT",
        # The earliest due date of the deadlines still open (neither met nor missed nor
        # replaced): what 办理期限 sorts by, the case as it stands (overdue ones come first).
        "next_due_on": "TEXT",
        # Both hold ``NO_DAY``, after every day, for a case with no such deadline: the sorts
        # then read them as stored, in the order of their indexes. A NULL sorted as a day took
        # a sort of every case: p99 54–57 ms at 100k cases against 9 for the 台账 by number.
        # What waits on someone's decision: replies submitted for a leader's approval, and
        # extension requests for the office's (the 督办 page's 待审批 and 延期待决定 lists).
        "awaiting_approval": "INTEGER",
        "awaiting_extension": "INTEGER",
        "awaiting_reassignment": "INTEGER",
        # R-A2: the office's recommendation a leader is to rule on (1), none or ruled (0).
        "awaiting_ruling": "INTEGER",
        # R-S4: earlier years' cases found alike, each for the office to confirm or dismiss
        # (多年多次待确认); JSON of what each is, beside their count.
        "awaiting_repeat": "INTEGER",
        "suggested_repeats": "TEXT",
        # R-S3: the days the case was chased (催办), JSON, in order: a list judged for the
        # caller's day says how often and when last, as the 督办 page shows beside each case.
        "reminded_on": "TEXT",
        # R-S2: the day of the case's first 不满意 (any unit's): the office tracks a case once
        # dissatisfied, also after a further reply satisfied its proposer.
        "dissatisfied_on": "TEXT",
        # R-M1: the merge's case numbers, the primary first (NULL: not merged).
        "merged_numbers": "TEXT",
        # R-E1: what the open extension requests ask (JSON), as 延期待决定 shows the office.
        "open_extensions": "TEXT",
        # R-R2: the replies submitted and not yet approved or returned (JSON), what each is, as
        # 待审批 shows the leaders.
        "submitted_replies": "TEXT",
        # R-A3: what the open reassignment (改办) requests ask (JSON), as 改办待决定 shows them.
        "open_reassignments": "TEXT",
        # R-A2: the office's recommendation awaiting a leader's ruling (JSON, [] or one), as
        # 待裁定 shows the leaders.
        "ruling_recommended": "TEXT",
        # R-R2: the replies that wait on their own unit (JSON): approved and not yet issued
        # (待印发), or returned by a leader with none submitted since (退回待重报).
        "unit_steps": "TEXT",
    },
    key=("case_id",),
    indexes=(
        ("year", "kind"),
        ("stage",),
        ("number",),
        ("overdue_from",),  # the overdue filter's open windows
        # Each order of a 台账 page, by its keys (a sort of every case took 24–73 ms at 100k).
        *(
            (sort_key(column), "number", "case_id")
            for column in dict.fromkeys(SORTS.values())  # 办理期限 and 逾期 share theirs
            if column != "number"  # ("number",), above
        ),
    ),
    # 2: 挂账督办 also while re-handling (R-F2); 3: a replaced lead's reply waits no more (R-A3);
    # 4: a reference case's contact deadline names its unit (R-D5, R-S1); 5: each unit's own
    # next due day (``UNITS``); 6: a further reply answers only a verdict recorded before it
    # (R-D3: the same day's second 不满意 showed its 30 days met); 7: a reference case whose
    # proposer was reached is closed (R-R3, R-D5); 8: a merged partner's outstanding co
    # opinions are missed once the merge's reply is issued (R-D8, R-M1); 9: an index on the
    # leader in charge (the 台账's 包案领导, R-S2), and a submitted reply says what approving
    # it would be refused for (R-C1, R-F2); 10: 待印发 names the co opinions it waits for (R-R2);
    # 11: the repeats found and not yet confirmed or dismissed (R-S4, 多年多次待确认)
    version=11,
    # The 台账's 包案领导: its filter and the names it offers (``ledger_choices``), over the
    # key cases alone (a full index cost every command's rewrite of its case row: the HTTP
    # bench's ratio fell from 0.52 to 0.46).
    sparse_indexes=("leader_in_charge",),
)
# A case's life in order (the vocabulary lists it so): sorting by the word's spelling put
# 已办结 (closed) first and 已登记 (registered) in the middle.
STAGE_ORDER = {stage: n for n, stage in enumerate(get_args(Stage))}

UNITS = Table(
    view=NAME,
    name="ledger_units",
    columns={
        "case_id": "TEXT",
        "unit": "TEXT",
        "role": "TEXT",
        # R-R2: what the unit's own reply waits on it for (``Step``), NULL for nothing: the
        # handler's 待办, read by unit (its index).
        "next_step": "TEXT",
        # The case's ``next_due_on`` over the deadlines this unit owes: a handler's 台账 sorted
        # by 办理期限 or 逾期 put other units' lateness first (R-S1).
        "next_due_on": "TEXT",
    },
    key=("case_id", "unit"),
    indexes=(("unit",), ("next_step", "unit")),
)

DEADLINES = Table(
    view=NAME,
    name="ledger_deadlines",
    columns={
        "case_id": "TEXT",
        "seq": "INTEGER",
        "kind": "TEXT",
        "unit": "TEXT",
        "opened_on": "TEXT",
        "due_on": "TEXT",
        "met_on": "TEXT",
        "missed_on": "TEXT",
        "original_due_on": "TEXT",  # R-E1: the date an extension replaced
        "extended_by": "TEXT",  # R-E1: the request that moved it
        "valid_from": "TEXT",  # the period this row holds (deadline_periods)
        "valid_until": "TEXT",
        "due_soon_days": "INTEGER",
        "calendar_provisional": "INTEGER",
        "derivation": "TEXT",
        # The days this row is overdue on, [from, until) (``overdue_window``); until is NULL
        # while it is open, and the case's ``overdue_from`` stands for those rows.
        "overdue_from": "TEXT",
        "overdue_until": "TEXT",
    },
    key=("case_id", "seq"),
    # due-date order for the overdue list; (case, due) for its "oldest of the case" check;
    # the end of the overdue windows that have one, for the overdue filter's closed ones.
    indexes=(("due_on", "case_id"), ("case_id", "due_on"), ("overdue_until",), ("unit", "due_on")),
)


def unit_roles(case: Case) -> list[tuple[str, str]]:
    roles = [(case.lead_unit, "reference" if case.reference else "lead")] if case.lead_unit else []
    roles += [(u, "co") for u in case.co_units]
    roles += [(u, "split") for u in case.split_units]
    return roles


class LedgerView(CaseView):
    name = NAME
    tables = (CASES, UNITS, DEADLINES)

    def rows(self, case: Case, calendar: WorkdayCalendar) -> Mapping[str, list[Row]]:
        case_id = str(case.id)
        key = case.key
        repeat = tracked_as_repeat(case)
        merge = case.merge
        asked = _asked(case)
        submitted = _submitted(case)
        reassigning = _reassigning(case)
        ruling = _ruling_recommended(case)
        suggested = _suggested_repeats(case)
        head: Row = {
            "case_id": case_id,
            "number": case.number,
            "title": case.title,
            "kind": case.kind,
            "level": case.level,
            "year": case.year,
            "stage": case.stage,
            "stage_order": STAGE_ORDER[case.stage],
            "reference": int(case.reference),
            "key": int(key is not None or repeat),
            "key_source": key.source if key else REPEAT_SOURCE if repeat else None,
            "leader_in_charge": key.leader_in_charge if key else None,
            "lead_unit": case.lead_unit,
            "co_units": dumps(case.co_units),
            "split_units": dumps(case.split_units),
            "under_supervision": int(case.under_supervision),
            "closed_out_on": iso_day(case.closed_out_on),
            "policy": case.policy,
            "version": case.version,
            "awaiting_approval": len(submitted),
            "awaiting_extension": len(asked),
            "awaiting_reassignment": len(reassigning),
            "awaiting_ruling": len(ruling),
            "awaiting_repeat": len(suggested),
            "suggested_repeats": dumps(suggested),
            "reminded_on": dumps(sorted(iso_day(r.occurred_on) for r in case.reminders)),
            "dissatisfied_on": iso_day(
                min(
                    (f.occurred_on for f in case.feedback if f.verdict == "dissatisfied"),
                    default=None,
                )
            ),
            "merged_numbers": dumps(_primary_first(merge)) if merge else None,
            "open_extensions": dumps(asked),
            "submitted_replies": dumps(submitted),
            "open_reassignments": dumps(reassigning),
            "ruling_recommended": dumps(ruling),
        }
        soon = get_policy(case.policy).due_soon_days
        deadlines = [
            {"case_id": case_id, "seq": seq, **period_row(p), "due_soon_days": soon}
            for seq, p in enumerate(deadline_periods(case, calendar))
        ]
        for row in deadlines:
            row["overdue_from"], row["overdue_until"] = overdue_window(row)
        # Periods still running as the case stands: overdue from a day, with no end in sight
        # (neither met nor missed nor replaced by an extension's later period).
        running = [r for r in deadlines if r["overdue_from"] and not r["overdue_until"]]
        head["overdue_from"] = min((r["overdue_from"] for r in running), default=NO_DAY)
        head["next_due_on"] = _next_due(running)
        steps = unit_steps(case)
        head["unit_steps"] = dumps(steps)
        step_of = {s["unit"]: s["step"] for s in steps}
        units = [
            {
                "case_id": case_id,
                "unit": u,
                "role": r,
                "next_step": step_of.get(u),
                "next_due_on": _next_due([d for d in running if d["unit"] == u]),
            }
            for u, r in unit_roles(case)
        ]
        return {CASES.name: [head], UNITS.name: units, DEADLINES.name: deadlines}


def _next_due(running: list[Row]) -> str:
    """The earliest due day of periods still running (``NO_DAY``: none)."""
    return min((r["due_on"] for r in running), default=NO_DAY)


def _asked(case: Case) -> list[dict[str, str]]:
    """The extension requests awaiting the office (R-E1), what each asks. Once the case is
    closed no deadline is left to extend: a request never decided waits on nothing (it stood
    in 延期待决定 for good)."""
    if case.stage == "closed":
        return []
    return [
        {
            "unit": x.unit,
            "deadline_kind": x.deadline_kind,
            "original_due_on": x.original_due_on.isoformat(),
            "requested_due_on": x.requested_due_on.isoformat(),
        }
        for x in case.extensions.values()
        if x.status == "open"
    ]


def _submitted(case: Case) -> list[dict[str, Any]]:
    """The replies awaiting a leader's approval (R-R2), what each is: whose, its class, whether
    a further reply (R-F2), the day it was submitted, and what approving it would be refused
    for now (R-C1, R-F2: the leader could only return it), rule and words."""
    found = []
    for r in case.replies.values():
        if r.status != "submitted":
            continue
        refused = approval_refusal(case, r.unit, r.further)
        found.append(
            {
                "unit": r.unit,
                "classification": r.classification,
                "further": r.further,
                "submitted_on": r.submitted_on.isoformat(),
                "obstacle": None if refused is None else f"{refused.rule} {refused.zh}",
            }
        )
    return found


# What a unit's own reply may wait on it for (``unit_steps``), by the reply's status.
STEP_OF_STATUS = {"approved": "issue", "returned": "redo"}


def unit_steps(case: Case) -> list[dict[str, Any]]:
    """R-R2: each replying unit whose latest reply waits on the unit itself, and for what:
    ``issue`` (approved by a leader, to be issued, 待印发) or ``redo`` (returned, to be
    submitted again, 退回待重报), with the reply's class and the day of the leader's decision."""
    latest: dict[str, Reply] = {}
    for each in case.replies.values():  # in the order submitted: the last one stands
        latest[each.unit] = each
    steps = []
    for unit in case.replying_units:
        reply = latest.get(unit)
        if reply is None or reply.status not in STEP_OF_STATUS:
            continue
        decided = reply.approved_on if reply.status == "approved" else reply.returned_on
        assert decided is not None
        steps.append(
            {
                "unit": unit,
                "step": STEP_OF_STATUS[reply.status],
                "classification": reply.classification,
                "further": reply.further,
                "decided_on": decided.isoformat(),
                # R-R2: what an approved reply still waits for (待印发 read as if it could go).
                "awaiting_co_opinions": (
                    awaited_co_opinions(case, unit) if reply.status == "approved" else []
                ),
            }
        )
    return steps


def _reassigning(case: Case) -> list[dict[str, str]]:
    """The reassignment requests awaiting the office (R-A3), what each asks: whose, why, since
    when. As with extensions, a closed case has nothing left to reassign."""
    if case.stage == "closed":
        return []
    return [
        {"unit": r.unit, "reason": r.reason, "requested_on": r.occurred_on.isoformat()}
        for r in case.requests.values()
        if r.status == "open"
    ]


def _ruling_recommended(case: Case) -> list[dict[str, Any]]:
    """The office's recommendation a leader is to rule on (R-A2), what it proposes: none once
    ruled (final) or closed. A ruling due without one is the office's to recommend first."""
    rec = case.ruling_recommendation
    if rec is None or case.ruled or case.stage == "closed":
        return []
    return [
        {
            "lead_unit": rec.lead_unit,
            "co_units": list(rec.co_units),
            "recommended_on": rec.occurred_on.isoformat(),
            "restart_deadlines": rec.restart_deadlines,
        }
    ]


def _suggested_repeats(case: Case) -> list[dict[str, Any]]:
    """R-S4: the earlier years' cases found alike that the office has yet to confirm or
    dismiss, the closest first: they waited unseen on each case's own page."""
    found = [r for r in case.possible_repeats.values() if r.status == "suggested"]
    found.sort(key=lambda r: (-r.score, r.year, r.number))
    return [{"number": r.number, "year": r.year, "score": r.score} for r in found]


def _primary_first(merge: Merge) -> list[str]:
    primary = merge.numbers[merge.case_ids.index(merge.primary_case_id)]
    return [primary, *(n for n in merge.numbers if n != primary)]


# -- reads ----------------------------------------------------------------------------------


def deadlines_by_case(
    reader: ViewReader, case_ids: list[str], as_of: date
) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {c: [] for c in case_ids}
    if not case_ids:
        return found
    marks = ", ".join("?" * len(case_ids))
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(DEADLINES)} d "
        f"WHERE case_id IN ({marks}) AND {VALID.format(d='d')} ORDER BY case_id, seq",
        [*case_ids, *[as_of.isoformat()] * VALID_PARAMS],
    )
    for row in rows:
        found[row["case_id"]].append(deadline_view(row, as_of))
    return found


# Overdue as of a day: the period valid that day, past due, neither met nor missed by then (R-D8:
# a missed deadline is no longer chased). Each of the five parameters is the as-of day.
UNMET = (
    VALID + " AND {d}.due_on < ? AND ({d}.met_on IS NULL OR {d}.met_on > ?) "
    "AND ({d}.missed_on IS NULL OR {d}.missed_on > ?)"
)
UNMET_PARAMS = VALID_PARAMS + 3


# Overdue as of a day, over the cases (``c``): the ``UNMET`` test of each deadline, solved for
# the day when the rows were written (``overdue_window``). Open windows are the case's own
# ``overdue_from``; those with an end are looked up by their index, once per statement.
OVERDUE_PARAMS = 3


def _overdue_clause(reader: ViewReader) -> str:
    return (
        "(c.overdue_from <= ? OR c.case_id IN "
        f"(SELECT w.case_id FROM {reader.table(DEADLINES)} w "
        "WHERE w.overdue_until > ? AND w.overdue_from <= ?))"
    )


def _of_unit(reader: ViewReader, alias: str, role: str | None = None) -> str:
    """Rows of cases in which a unit (the first parameter) has any role, or ``role`` (the
    second parameter) when given."""
    and_role = " AND role = ?" if role is not None else ""
    units = reader.table(UNITS)
    return f"{alias}.case_id IN (SELECT case_id FROM {units} WHERE unit = ?{and_role})"


# The decisions a case may await, and the column counting them.
AWAITING = {
    "approval": "awaiting_approval",
    "extension": "awaiting_extension",
    "reassignment": "awaiting_reassignment",
    "ruling": "awaiting_ruling",
    "repeat": "awaiting_repeat",
}


def ledger_where(
    reader: ViewReader,
    *,
    as_of: date,
    year: int | None = None,
    unit: str | None = None,
    kind: str | None = None,
    stage: str | None = None,
    overdue: bool | None = None,
    level: str | None = None,
    key: bool | None = None,
    unit_role: str | None = None,
    numbers: list[str] | None = None,
    under_supervision: bool | None = None,
    overdue_of: str | None = None,
    awaiting: str | None = None,
    dissatisfied: bool | None = None,
    leader_in_charge: str | None = None,
) -> tuple[list[str], list[Any]]:
    """The ledger's filters as SQL conditions on ``c`` (the cases), all applied together.
    ``unit_role`` narrows ``unit`` to one role (``lead``: its lead cases, R-V2), or alone
    selects the cases in which any unit has that role; ``overdue_of``
    narrows ``overdue`` to the deadlines that unit owes (a handler's overdue cases are those
    its own unit is late on, not another unit's on a case it co-handles). ``awaiting`` is a
    decision pending (``AWAITING``) or a unit's own step (``STEP_OF_STATUS``): ``unit``'s
    when given (a handler's own replies, not a split partner's), any unit's otherwise."""
    flags = {"key": key, "under_supervision": under_supervision}
    where, params = column_equals(
        "c.",
        year=year,
        kind=kind,
        stage=stage,
        level=level,
        leader_in_charge=leader_in_charge,
        **{k: None if v is None else int(v) for k, v in flags.items()},
    )
    if unit is not None:
        where.append(_of_unit(reader, "c", unit_role))
        params += [unit] if unit_role is None else [unit, unit_role]
    elif unit_role is not None:  # any unit in that part: cases with a lead unit, co-handled …
        where.append(f"c.case_id IN (SELECT case_id FROM {reader.table(UNITS)} WHERE role = ?)")
        params.append(unit_role)
    if awaiting in AWAITING:  # a decision pending: a leader's approval, the office's decision
        where.append(f"c.{AWAITING[awaiting]} > 0")
    elif awaiting == OWES:  # a deadline of the unit's still open (a handler's own worklist)
        where.append(_unit_owes(reader, unit is not None))
        params += [NO_DAY] if unit is None else [NO_DAY, unit]
    elif awaiting is not None:  # a unit's own step (``issue``, ``redo``), the unit's if named
        where.append(_unit_step(reader, unit is not None))
        params += [awaiting] if unit is None else [awaiting, unit]
    if dissatisfied is not None:  # R-S2: 不满意 by the day asked, whatever followed
        once = "(c.dissatisfied_on IS NOT NULL AND c.dissatisfied_on <= ?)"
        where.append(once if dissatisfied else f"NOT {once}")
        params.append(as_of.isoformat())
    if numbers is not None:
        where.append(f"c.number IN ({', '.join('?' * len(numbers))})" if numbers else "1 = 0")
        params += numbers
    if overdue is not None and overdue_of is not None:
        owed = _owed_overdue_clause(reader)
        where.append(owed if overdue else f"NOT {owed}")
        params += [overdue_of, *[as_of.isoformat()] * UNMET_PARAMS]
    elif overdue is not None:
        where.append(_overdue_clause(reader) if overdue else f"NOT {_overdue_clause(reader)}")
        params += [as_of.isoformat()] * OVERDUE_PARAMS
    return where, params


# Cases where a unit still owes something: a deadline of its own neither met nor closed, due
# or overdue (as the case stands). A handler's co cases whose 会办意见 was sent stayed under
# 办理中 beside the lead's lateness, and nothing listed what its unit had left to do (a review).
OWES = "owes"


def _unit_owes(reader: ViewReader, of_one_unit: bool) -> str:
    """Cases where a unit has a deadline still running (``next_due_on`` not ``NO_DAY``, the
    first parameter), that unit being the second parameter when ``of_one_unit``."""
    and_unit = " AND unit = ?" if of_one_unit else ""
    units = reader.table(UNITS)
    return f"c.case_id IN (SELECT case_id FROM {units} WHERE next_due_on <> ?{and_unit})"


def _unit_step(reader: ViewReader, of_one_unit: bool) -> str:
    """Cases where a unit's reply waits on the unit for a step (the first parameter), that
    unit being the second parameter when ``of_one_unit`` (a handler's own), any otherwise."""
    and_unit = " AND unit = ?" if of_one_unit else ""
    units = reader.table(UNITS)
    return f"c.case_id IN (SELECT case_id FROM {units} WHERE next_step = ?{and_unit})"


def _owed_overdue_clause(reader: ViewReader) -> str:
    """Cases with an overdue deadline owed by one unit (the first parameter), as of a day."""
    return (
        f"c.case_id IN (SELECT o.case_id FROM {reader.table(DEADLINES)} o "
        f"WHERE o.unit = ? AND {UNMET.format(d='o')})"
    )


def ledger(
    reader: ViewReader,
    *,
    as_of: date,
    limit: int = 50,
    cursor: str | None = None,
    sort: str = "number",
    descending: bool = False,
    **filters: Any,
) -> dict[str, Any]:
    """Filtered ledger page (``ledger_where``'s filters), ordered by ``sort`` (case number by
    default) and case id; ``cursor`` continues after a page."""
    if sort not in SORTS:
        raise ValueError(f"cannot sort the ledger by {sort!r}")
    where, params = ledger_where(reader, as_of=as_of, **filters)
    # NULLs (a case not yet assigned has no lead unit) sort as a value, so the keyset is total.
    held = SORTS[sort]
    absent = NULL_SORTS_AS.get(held)
    owed_by = filters.get("overdue_of")
    owned = owed_by is not None and held in OWED_SORTS
    column = f"u.{held}" if owned else sort_key(held, "c.")
    # Ties in number order, as a clerk reads a 台账 sorted by unit or stage (the case id, a
    # uuid, only makes the order total: one number may recur in another year).
    keys = [(column, int if held in NUMERIC_SORTS else str)]
    keys += [("c.number", str)] if held != "number" else []
    keys.append(("c.case_id", str))
    if cursor:
        clause, after = keyset_after(cursor, keys, descending)
        where.append(clause)
        params += after
    sql = f"SELECT c.* FROM {reader.table(CASES)} c"
    joined: list[Any] = []
    if owned:  # the unit's own row of the case holds the day the page is ordered by
        sql = f"SELECT c.*, u.{held} AS owed_sort FROM {reader.table(CASES)} c "
        sql += f"JOIN {reader.table(UNITS)} u ON u.case_id = c.case_id AND u.unit = ?"
        joined = [owed_by]
    if where:
        sql += " WHERE " + " AND ".join(where)
    direction = "DESC" if descending else ""
    sql += " ORDER BY " + ", ".join(f"{k} {direction}" for k, _ in keys) + " LIMIT ?"
    outer = ["p.owed_sort" if k == column and owned else k.replace("c.", "p.") for k, _ in keys]
    order = ", ".join(f"{k} {direction}" for k in outer)
    found = page_with_deadlines(
        reader, sql, order, reader.table(DEADLINES), [*joined, *params, limit + 1], as_of
    )
    page, more = found[:limit], len(found) > limit
    items = [ledger_item(case, deadlines, as_of, owed_by) for case, deadlines in page]
    last = page[-1][0] if page else None
    if more and last:
        value = last["owed_sort"] if owned else last[held]
        value = value if held in NUMERIC_SORTS else value or absent or ""
        ties = [last["number"]] if held != "number" else []
        next_cursor = json.dumps([value, *ties, last["case_id"]])
    else:
        next_cursor = None
    return {"items": items, "next_cursor": next_cursor}


def ledger_count(reader: ViewReader, *, as_of: date, **filters: Any) -> int:
    """How many cases the filters select (the ledger page's row count)."""
    where, params = ledger_where(reader, as_of=as_of, **filters)
    sql = f"SELECT COUNT(*) AS n FROM {reader.table(CASES)} c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return int(reader.fetch(sql, params)[0]["n"])


def ledger_case_ids(
    reader: ViewReader, *, as_of: date, among: Collection[str] | None = None, **filters: Any
) -> set[str]:
    """The ids of the cases the filters select, of all or only of those ``among``: what a
    row count kept between reads is made of (``api/ledger_totals.py``)."""
    where, params = ledger_where(reader, as_of=as_of, **filters)
    if among is not None:
        where.append(f"c.case_id IN ({', '.join('?' * len(among))})" if among else "1 = 0")
        params += list(among)
    sql = f"SELECT c.case_id FROM {reader.table(CASES)} c"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return {str(row["case_id"]) for row in reader.fetch(sql, params)}


def overdue(
    reader: ViewReader,
    *,
    as_of: date,
    unit: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    owed_by: str | None = None,
) -> dict[str, Any]:
    """Cases with any overdue deadline, most overdue (earliest unmet due date) first; with
    ``owed_by``, only the deadlines that unit owes count (a handler's own lateness).

    Walks the deadlines in due-date order (an index scan that stops after one page) and keeps
    each case at its earliest overdue deadline, instead of grouping the whole ledger per read.
    The cursor is that (due date, case id) of the last case of the page.
    """
    deadlines = reader.table(DEADLINES)
    day = as_of.isoformat()
    params: list[Any] = [day] * UNMET_PARAMS
    where = [UNMET.format(d="d")]
    if cursor:
        clause, after = keyset_after(cursor, [("d.due_on", str), ("d.case_id", str)])
        where.append(clause)
        params += after
    if unit is not None:
        where.append(_of_unit(reader, "d"))
        params.append(unit)
    if owed_by is not None:
        where.append("d.unit = ?")
        params.append(owed_by)
    # Not an earlier overdue deadline of the same case (of the same unit, with ``owed_by``):
    # this row is the case's oldest.
    same_owner = " AND e.unit = d.unit" if owed_by is not None else ""
    where.append(
        f"NOT EXISTS (SELECT 1 FROM {deadlines} e WHERE e.case_id = d.case_id{same_owner} "
        f"AND {UNMET.format(d='e')} AND (e.due_on < d.due_on OR "
        "(e.due_on = d.due_on AND e.seq < d.seq)))"
    )
    params += [day] * UNMET_PARAMS
    walk = (
        f"SELECT c.*, d.due_on AS overdue_since FROM {deadlines} d "
        f"JOIN {reader.table(CASES)} c ON c.case_id = d.case_id WHERE {' AND '.join(where)} "
        "ORDER BY d.due_on, d.case_id LIMIT ?"
    )
    found = page_with_deadlines(
        reader, walk, "p.overdue_since, p.case_id", deadlines, [*params, limit + 1], as_of
    )
    page, more = found[:limit], len(found) > limit
    items = [ledger_item(case, by_case, as_of, owed_by) for case, by_case in page]
    last = page[-1][0] if page else None
    next_cursor = json.dumps([last["overdue_since"], last["case_id"]]) if more and last else None
    return {"items": items, "next_cursor": next_cursor}


def cases_by_id(reader: ViewReader, case_ids: list[str]) -> dict[str, Row]:
    if not case_ids:
        return {}
    marks = ", ".join("?" * len(case_ids))
    rows = reader.fetch(
        f"SELECT * FROM {reader.table(CASES)} WHERE case_id IN ({marks})",
        case_ids,
    )
    return {r["case_id"]: r for r in rows}


def case_version(reader: ViewReader, case_id: str, generation: int | None = None) -> int | None:
    """The version of a case the ledger holds (None: not there yet)."""
    table = reader.table(CASES, generation)
    rows = reader.fetch(f"SELECT version FROM {table} WHERE case_id = ?", [case_id])
    return int(rows[0]["version"]) if rows else None


def case_versions(reader: ViewReader, generation: int | None = None) -> dict[str, int]:
    """Every case the ledger holds, at the version it holds."""
    rows = reader.fetch(f"SELECT case_id, version FROM {reader.table(CASES, generation)}", [])
    return {str(r["case_id"]): int(r["version"]) for r in rows}


def cases_due_by(
    reader: ViewReader, day: date, *, unmet_on: date, unless: str | None = None
) -> list[str]:
    """Cases with a deadline due by ``day`` and not met by ``unmet_on`` (the reminders' sweep),
    in the period valid on ``unmet_on``: an extended deadline is due by its new date. ``unless``,
    an SQL condition on the deadline row ``d`` without parameters, excuses the rows it holds for."""
    excused = f" AND NOT ({unless})" if unless else ""
    rows = reader.fetch(
        f"SELECT DISTINCT case_id FROM {reader.table(DEADLINES)} d WHERE due_on <= ? "
        f"AND (met_on IS NULL OR met_on > ?) AND {VALID.format(d='d')}{excused}",
        [day.isoformat(), unmet_on.isoformat(), *[unmet_on.isoformat()] * VALID_PARAMS],
    )
    return [str(r["case_id"]) for r in rows]
