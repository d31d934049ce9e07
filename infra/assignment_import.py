"""Importing the year's 交办清单 (API.md v1.1 "Excel in and out"): a row per case to register and
assign, checked by the domain's own commands, written all at once or not at all.

Each row becomes a ``RegisterCase`` and (when it names units or a 参阅件 mark) an ``Assign``, run
through ``domain.handlers`` on a case in memory exactly as the API runs them, so every rule that
registration and assignment enforce is judged by its one implementation. Every error is kept
with its row, column, rule id and Chinese message; with any error nothing is written. Without,
the events of every row are saved in one ``record``: one transaction, so a crash leaves the file
wholly imported or not at all. Each event carries its provenance (``import``, the file's SHA-256,
its row), so the audit trail treats it as a migration, not as back-dating (R-X1).

A row whose case exists (same kind, year and number) with the same content is ``unchanged``; a
case registered without an assignment is assigned by a row that names one; any other difference
is an error (R-X2: what is recorded is corrected, never overwritten). So re-importing a file
writes nothing.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from domain import handlers
from domain.case import Case
from domain.checks import case_number_form
from domain.commands import Acting, Assign, RegisterCase
from domain.deadlines.case_deadlines import due_before_opening
from domain.errors import Conflict, DomainError, worded
from domain.handlers.handling import known_policy
from domain.records import Actor, Proposer
from infra import paper_labels as words
from infra.application import BanliApplication
from infra.cell_values import (
    CellError,
    date_of,
    names_of,
    one_of,
    person_names_of,
    text_of,
    typed_names,
    year_of,
    yes_no,
)
from infra.command_context import migration, stamp_provenance
from infra.unit_names import every_unit
from infra.xlsx_import import Columns, Progress, SheetRow, read_sheet

# API.md's columns, in its order; 序号 and 备注 are read past.
REGISTRATION = ("编号", "类别", "级别", "年度", "标题", "提出人", "提出人类型", "收到日期")
ASSIGNMENT = ("主办单位", "协办单位", "分办单位", "参阅件", "交办日期", "办理依据")
# 会办单位 is the workbench's word for 协办单位 (its pages, the 台账's export): a sheet headed so
# was refused as an unknown column (a review).
COLUMNS = Columns(
    known=REGISTRATION + ASSIGNMENT,
    required=REGISTRATION,
    ignored=("序号", "备注"),
    aliases={"会办单位": "协办单位"},
)
# The words offices type besides the vocabulary's own (a review found each refused).
KINDS = words.reverse(
    words.KIND,
    ("代表建议", "suggestion"),
    ("人大代表建议", "suggestion"),
    ("政协提案", "proposal"),
    ("委员提案", "proposal"),
)
LEVELS = words.reverse(
    words.LEVEL,
    ("省级", "provincial"),
    ("省人大", "provincial"),
    ("省政协", "provincial"),
    ("全国人大", "national"),
    ("全国政协", "national"),
)
PROPOSER_TYPES = words.reverse(
    words.PROPOSER_TYPE,
    ("人大代表", "deputy"),
    ("政协委员", "member"),
    ("参加单位", "unit"),
)
# A command field (as the domain's messages name it) → the column that holds it.
FIELD_COLUMN = {
    "number": "编号", "kind": "类别", "level": "级别", "year": "年度", "title": "标题",
    "proposers": "提出人", "proposers.type": "提出人类型", "received_on": "收到日期",
    "lead_unit": "主办单位", "co_units": "协办单位", "split_units": "分办单位",
    "reference": "参阅件", "assigned_on": "交办日期", "policy": "办理依据",
}  # fmt: skip
# Where a rule's refusal points when its message names no field, by step.
RULE_COLUMN = {
    "register": {"R-X1": "收到日期", "R-C4": "提出人类型"},
    "assign": {"R-X1": "交办日期", "R-A1": "主办单位", "R-A2": "编号"},
}
REGISTERED = ("number", "kind", "level", "year", "title", "proposers", "received_on")
ASSIGNED = ("lead_unit", "co_units", "split_units", "reference", "policy", "occurred_on")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str | None
    rule: str | None
    message: str
    # The row's 编号 as the file writes it (None when blank or unreadable): a clerk fixing a
    # sheet sorted otherwise finds a row by its case sooner than by its number.
    case_number: str | None = None


@dataclass
class ImportReport:
    sha256: str
    dry_run: bool
    rows: int = 0
    registered: int = 0
    assigned: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    position: int | None = None  # the log position of the last event written
    # What is written as the rules have it, yet the office should know before it is: a
    # deadline due before the assignment that opens it (``due_before_opening``).
    warnings: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RowRefused(Exception):
    def __init__(self, column: str | None, message: str, rule: str | None = None) -> None:
        super().__init__(message)
        self.error = (column, rule, message)


@dataclass
class Planned:
    """What one row will write: a new case, or an existing one it assigns (or nothing)."""

    case: Case | None
    registered: bool
    assigned: bool


def units_by_code_and_name(app: BanliApplication) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Every unit's code and name → its code; and the names several units share (made before
    names were told apart), each → their codes: such a name maps to no code."""
    found: dict[str, str] = {}
    names: dict[str, list[str]] = {}
    for unit in every_unit(app):
        found[unit.code] = unit.code
        names.setdefault(unit.name, []).append(unit.code)
    for name, codes in names.items():
        if len(codes) == 1 and name not in found:
            found[name] = codes[0]
    return found, {name: codes for name, codes in names.items() if len(codes) > 1}


class AssignmentImport:
    def __init__(self, app: BanliApplication, actor: Actor, today: date) -> None:
        self.app = app
        self.acting = Acting(actor, today, app.calendar)
        self.units, self.shared_names = units_by_code_and_name(app)

    def run(
        self,
        data: bytes,
        *,
        dry_run: bool,
        progress: Progress | None = None,
        checked: Progress | None = None,
        on_write: Callable[[int], None] | None = None,
    ) -> ImportReport:
        """Checks every row; unless ``dry_run`` or any row has an error, writes them all."""
        sheet = read_sheet(data, COLUMNS, progress)
        report = ImportReport(sha256=sheet.sha256, dry_run=dry_run, rows=len(sheet.rows))
        ids = {row.number: self._case_id(row) for row in sheet.rows}
        existing = self.app.index.existing([str(i) for i in ids.values() if i is not None])
        first_row: dict[UUID, int] = {}
        pending: list[Any] = []
        for count, row in enumerate(sheet.rows, start=1):
            if checked is not None and (count % 500 == 0 or count == report.rows):
                checked(count, report.rows)
            number = _case_number(row)
            report.errors += [RowError(row.number, c, None, m, number) for c, m in row.problems]
            case_id = ids[row.number]
            if case_id is not None and case_id in first_row:
                message = f"与第 {first_row[case_id]} 行的编号重复"
                report.errors.append(RowError(row.number, "编号", None, message, number))
                continue
            if case_id is not None:
                first_row[case_id] = row.number
            registered = str(case_id) in existing
            try:
                planned = self._plan(row, registered)
            except (RowRefused, RowsRefused) as refused:
                errors = refused.errors if isinstance(refused, RowsRefused) else [refused.error]
                named = {column for column, _ in row.problems}
                # A cell already named (a formula, a merged cell) is not reported twice.
                report.errors += [
                    RowError(row.number, *e, case_number=number)
                    for e in errors
                    if e[0] not in named
                ]
                if registered and all(rule != "R-X2" for _, rule, _ in errors):
                    # Said now, not after the cell is mended: a clerk fixed a blank 交办日期
                    # and only then learned the number was taken (two rounds, a review).
                    report.warnings.append(RowError(row.number, "编号", "R-X2", TAKEN, number))
                continue
            report.registered += planned.registered
            report.assigned += planned.assigned
            if planned.assigned and planned.case is not None:
                report.warnings += self._due_before_opening(row.number, planned.case)
            report.unchanged += not (planned.registered or planned.assigned)
            if planned.case is not None and not row.problems:
                events = planned.case.collect_events()
                stamp_provenance(events, migration("import", sha256=sheet.sha256, row=row.number))
                pending += events
        if dry_run or report.errors or not pending:
            return report
        if on_write is not None:
            on_write(len(pending))
        report.position = self._write(pending)
        return report

    def _due_before_opening(self, row: int, case: Case) -> list[RowError]:
        return [
            RowError(
                row,
                "交办日期",
                d.rule,
                f"{words.label(words.DEADLINE_KIND, d.kind)}应于 {d.due_on.isoformat()} 前完成，"
                f"交办日期 {d.opened_on.isoformat()} 已过此日：该件交办即逾期",
                case.number,
            )
            for d in due_before_opening(case, self.app.calendar())
        ]

    def _case_id(self, row: SheetRow) -> UUID | None:
        try:
            kind = one_of(row.cells["类别"], KINDS)
            number = case_number_form(text_of(row.cells["编号"]))  # as registration takes it
            return Case.create_id(kind, year_of(row.cells["年度"]), number)
        except CellError:
            return None  # the row's own checks name the cell

    def _plan(self, row: SheetRow, exists: bool) -> Planned:
        registration, assignment = self._commands(row)
        alike = self.app.find_alike(registration)  # R-S4, as a registration through the API
        fresh = self._judge("register", lambda: handlers.register(registration, self.acting, alike))
        if assignment is not None:
            self._assign(fresh, assignment)
        if not exists:
            return Planned(fresh, registered=True, assigned=assignment is not None)
        stored = self.app.case_events(fresh.id)
        made = fresh.collect_events()
        self._same(_first(stored, "Registered"), _first(made, "Registered"), REGISTERED)
        stored_assignment = _first(stored, "Assigned")
        if assignment is None or stored_assignment is not None:
            if assignment is not None:
                self._same(stored_assignment, _first(made, "Assigned"), ASSIGNED)
            return Planned(None, registered=False, assigned=False)
        # Registered earlier without an assignment: the row assigns it, judged on the case as
        # it stands now (a reassignment or ruling recorded meanwhile is its own refusal).
        case = self.app.get_case(fresh.id)
        self._assign(case, assignment)
        return Planned(case, registered=False, assigned=True)

    def _assign(self, case: Case, assignment: Assign) -> None:
        command = Assign(**{**vars(assignment), "case_id": str(case.id)})
        self._judge("assign", lambda: handlers.handler_for(command)(case, command, self.acting))

    def _commands(self, row: SheetRow) -> tuple[RegisterCase, Assign | None]:
        cells = row.cells
        # Every cell of the row is read before any is refused: a clerk fixes a row in one pass
        # (it reported 年度 alone on a row whose 收到日期 and 主办单位 were wrong too).
        got = _Cells()
        kind = got.read("类别", lambda: one_of(cells["类别"], KINDS))
        kind_of_person = got.read("提出人类型", lambda: one_of(cells["提出人类型"], PROPOSER_TYPES))
        number = got.read("编号", lambda: text_of(cells["编号"]))
        level = got.read("级别", lambda: one_of(cells["级别"], LEVELS))
        year = got.read("年度", lambda: year_of(cells["年度"]))
        title = got.read("标题", lambda: _filled(text_of(cells["标题"])))
        proposers = got.read("提出人", lambda: _filled(person_names_of(cells["提出人"])), [])
        received_on = got.read("收到日期", lambda: date_of(_required(cells["收到日期"])))
        lead = got.read("主办单位", lambda: self._units(cells, "主办单位"), [])
        co = got.read("协办单位", lambda: self._units(cells, "协办单位"), [])
        split = got.read("分办单位", lambda: self._units(cells, "分办单位"), [])
        reference = got.read("参阅件", lambda: yes_no(cells.get("参阅件")), False)
        policy = got.read("办理依据", lambda: _known_policy(text_of(cells.get("办理依据"))))
        assigned = bool(lead or co or split or reference)
        on: Any = None
        if assigned:
            on = got.read("交办日期", lambda: date_of(_required(cells.get("交办日期"))))
        got.refuse_if_any()
        registration = RegisterCase(
            number=number,
            kind=kind,
            level=level,
            year=year,
            title=title,
            proposers=tuple(
                Proposer(name, person_type, "lead" if i == 0 else "co_signer")
                for i, (name, person_type) in enumerate(typed_names(proposers, kind_of_person))
            ),
            received_on=received_on,
        )
        if not assigned:
            if cells.get("交办日期") is not None:
                raise RowRefused("主办单位", "填写了交办日期，却没有主办、分办单位或参阅件标记")
            return registration, None
        if len(lead) > 1:
            raise RowRefused("主办单位", "主办单位只能有一个", "R-A1")
        assignment = Assign(
            case_id="",
            assigned_on=on,
            lead_unit=lead[0] if lead else None,
            co_units=tuple(co),
            split_units=tuple(split),
            reference=reference,
            policy=policy,
        )
        return registration, assignment

    def _units(self, cells: Mapping[str, Any], column: str) -> list[str]:
        """The units a column names, by code; a name no unit has, or several have, is refused
        with no rule's id: R-A1 is the assignment's shape, and the API's ``/assignment`` does
        not ask whether a unit exists."""
        found = []
        for name in names_of(cells.get(column)):
            # As typed, in half-width (ＦＩＮ), or without the province's 省 (省财政厅).
            plain = unicodedata.normalize("NFKC", name)
            code = self.units.get(name) or self.units.get(plain)
            code = code or self.units.get(plain.removeprefix("省"))
            if code is None and (shared := self.shared_names.get(plain)):
                codes = "、".join(shared)
                said = f"单位名称“{name}”为多个单位所用（{codes}），请填单位代码"
                raise RowRefused(column, said)
            if code is None:
                raise RowRefused(column, f"未知的单位“{name}”（填单位代码或全称）")
            found.append(code)
        return found

    @staticmethod
    def _judge(step: str, command: Callable[[], Any]) -> Any:
        try:
            return command()
        except DomainError as refusal:
            # "title 不能为空" is "标题不能为空" to a clerk: the field named by its column.
            said = worded(refusal, FIELD_COLUMN)
            raise RowRefused(_column_of(refusal, step), said, refusal.rule) from None

    @staticmethod
    def _same(stored: Any, made: Any, fields: Sequence[str]) -> None:
        if stored is None or made is None:
            raise RowRefused("编号", "编号已存在，但记录与本行不一致", "R-X2")
        changed = [f for f in fields if vars(stored).get(f) != vars(made).get(f)]
        if changed:
            columns = "、".join(FIELD_COLUMN.get(f, "交办日期") for f in changed)
            raise RowRefused(
                FIELD_COLUMN.get(changed[0], "交办日期"),
                f"编号已存在且内容不同（{columns}）：导入不覆盖已登记的件，如需修改请提交更正",
                "R-X2",
            )

    def _write(self, pending: list[Any]) -> int:
        try:
            recordings = self.app.record(pending)
        except IntegrityError:
            raise Conflict(
                "导入期间有件被并发登记，未写入任何内容，请重新导入",
                "a case of the file was written concurrently; nothing was imported, retry",
            ) from None
        cache = self.app.repository.cache
        for event in pending:  # cached copies of cases this import assigned are now stale
            with contextlib.suppress(KeyError, AttributeError):
                cache.get(event.originator_id, evict=True)  # type: ignore[union-attr]
        return recordings[-1].notification.id


TAKEN = "编号已登记：导入不覆盖已登记的件，本行改正后须与已登记的记录一致，否则仍不能导入"


def _case_number(row: SheetRow) -> str | None:
    """The row's 编号 as written, for its errors; None when blank or not text."""
    try:
        return text_of(row.cells.get("编号")) or None
    except CellError:
        return None


def _first(events: Sequence[Any], type_name: str) -> Any:
    return next((e for e in events if type(e).__name__ == type_name), None)


def _required(value: Any) -> Any:
    if value is None:
        raise CellError("不能为空")
    return value


def _filled(value: Any) -> Any:
    """A required cell read among the others: a row missing its 标题 and 提出人 and holding a
    wrong 类别 was refused for one of them an upload at a time (a review needed four)."""
    if not value:
        raise CellError("不能为空")
    return value


def _known_policy(name: str) -> str | None:
    """办理依据: empty for the default rules, else one the service knows, by the assignment's
    own check (``known_policy``), read here so it is said with the row's other cells."""
    if not name:
        return None
    code = _POLICY_BY_NAME.get(_unspaced(name), name)
    try:
        return known_policy(code)
    except DomainError:
        known = "、".join(words.POLICY.values())
        raise RowRefused("办理依据", f"应为 {known} 之一（或空为默认规则），却是 {name}") from None


def _unspaced(text: str) -> str:
    return "".join(text.split())


# 办理依据 by the name the 交办 form shows (河北省 2022 年办理要求), spaced or not; else its code.
_POLICY_BY_NAME = {_unspaced(word): code for code, word in words.POLICY.items()}


class RowsRefused(Exception):
    """Several cells of one row that cannot be read."""

    def __init__(self, refusals: list[RowRefused]) -> None:
        super().__init__("; ".join(str(r) for r in refusals))
        self.errors = [r.error for r in refusals]


class _Cells:
    """A row's cells read one by one, each one that cannot be read noted, not raised."""

    def __init__(self) -> None:
        self.refusals: list[RowRefused] = []

    def read(self, column: str, read: Callable[[], Any], instead: Any = None) -> Any:
        try:
            return read()
        except CellError as error:
            self.refusals.append(RowRefused(column, error.message))
        except RowRefused as refused:
            self.refusals.append(refused)
        return instead

    def refuse_if_any(self) -> None:
        if len(self.refusals) == 1:
            raise self.refusals[0]
        if self.refusals:
            raise RowsRefused(self.refusals)


_FIELD = re.compile(r"^([a-z_]+(?:\.[a-z_]+)?)\b")


def _column_of(refusal: DomainError, step: str) -> str | None:
    """The column a domain refusal is about: the field it names, else its rule's."""
    field = getattr(refusal, "field", None) or ""
    for named in (field, field.partition(".")[0]):
        if named in FIELD_COLUMN:
            return FIELD_COLUMN[named]
    found = _FIELD.match(refusal.en)
    if found and found.group(1) in FIELD_COLUMN:
        return FIELD_COLUMN[found.group(1)]
    return RULE_COLUMN[step].get(refusal.rule or "")
