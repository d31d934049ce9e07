"""承办责任: who in a unit answers for its part of a case (R-A1; seed 003 §三, the 责任分解表)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain import commands as c
from domain.checks import dialled, phone_digits
from domain.errors import InvalidInput
from infra.application import BanliApplication
from tests.support import Flow, handler, refused


def _record(flow: Flow, unit: str = "FIN", **kw: Any) -> None:
    fields: dict[str, Any] = {
        "unit": unit,
        "unit_leader": "李副厅长",
        "handler": "王五",
        "phone": "0311-87801234",
        "occurred_on": date(2025, 2, 5),
    }
    fields.update(kw)
    flow.run(c.RecordResponsibility(case_id=flow.id, **fields), handler(unit))


def test_each_unit_records_its_own_people_and_a_later_record_replaces_R_A1(
    app: BanliApplication,
) -> None:
    flow = Flow(app)
    flow.assign("FIN", ["HOU"])
    _record(flow)
    _record(flow, "HOU", unit_leader="赵处长", handler="钱六", phone="13800000000")
    _record(flow, handler="孙七", occurred_on=date(2025, 3, 1))  # the handler changed
    held = flow.case.responsibilities
    assert (held["FIN"].handler, held["FIN"].unit_leader) == ("孙七", "李副厅长")
    assert held["FIN"].occurred_on == date(2025, 3, 1)
    assert (held["HOU"].handler, held["HOU"].phone) == ("钱六", "13800000000")


def test_a_unit_without_a_part_in_the_case_records_no_one_R_A1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign("FIN")
    with refused("R-A1"):
        _record(flow, "HOU")
    assert flow.case.responsibilities == {}


def test_the_same_people_recorded_again_change_nothing_R_A1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    _record(flow)
    version = flow.case.version
    with refused("R-A1"):
        _record(flow, occurred_on=date(2025, 2, 6))
    assert flow.case.version == version


def test_responsibility_needs_the_assignment_first_R_A1(app: BanliApplication) -> None:
    flow = Flow(app)
    with refused("R-A1"):
        _record(flow)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0311-87801234", "0311-87801234"),
        ("13800000000", "13800000000"),
        ("０３１１－８７８０１２３４转８０１２", "0311-87801234转8012"),  # an input method's
        ("(0311) 87801234、13800000000", "(0311) 87801234、13800000000"),
        ("0311-87801234（分机8012）", "0311-87801234(分机8012)"),
        ("+86 138 0000 0000", "+86 138 0000 0000"),
    ],
)
def test_a_phone_number_is_kept_as_digits_R_A1(
    app: BanliApplication, typed: str, kept: str
) -> None:
    flow = Flow(app)
    flow.assign()
    _record(flow, phone=typed)
    assert flow.case.responsibilities["FIN"].phone == kept


@pytest.mark.parametrize(
    "typed",
    [
        "王五",
        "12345",
        "0311-8780abcd",
        "   ",
        "0-0-0-0-0-0-0",  # digits enough, no number
        "1/2/3/4/5/6/7",
        "(((1234567",
        "1234567转",  # an extension with no number
        "、、、1234567",
        "1" * 30,
    ],
)
def test_a_phone_that_is_no_number_is_refused_under_phone_R_A1(
    app: BanliApplication, typed: str
) -> None:
    flow = Flow(app)
    flow.assign()
    with pytest.raises(InvalidInput) as refusal:
        _record(flow, phone=typed)
    assert refusal.value.field == "phone"
    assert flow.case.responsibilities == {}


def test_a_leader_and_a_handler_are_named_R_A1(app: BanliApplication) -> None:
    flow = Flow(app)
    flow.assign()
    with pytest.raises(InvalidInput) as refusal:
        _record(flow, handler="")
    assert refusal.value.field == "handler"


def test_a_record_dated_before_the_one_on_file_does_not_replace_it_R_A1(
    app: BanliApplication,
) -> None:
    """A paper form keyed in late would undo a later change the unit recorded itself, and the
    proposer be given the earlier number."""
    flow = Flow(app)
    flow.assign()
    _record(flow, occurred_on=date(2025, 3, 1))
    with refused("R-A1"):
        _record(flow, handler="赵六", occurred_on=date(2025, 2, 20))
    assert flow.case.responsibilities["FIN"].handler == "王五"
    _record(flow, handler="赵六", occurred_on=date(2025, 3, 1))  # the same day is a change
    assert flow.case.responsibilities["FIN"].handler == "赵六"


@pytest.mark.parametrize(
    ("number", "dials"),
    [
        ("0311-87801234", "031187801234"),
        ("13800000000", "13800000000"),
        ("0311-8780 1234", "031187801234"),
        ("(0311) 87801234", "031187801234"),
        ("+86 311-87801234", "+8631187801234"),
        ("0311-87801234转8012", "031187801234"),  # the extension is asked for, not dialled
        ("0311-87801234(分机8012)", "031187801234"),
        ("0311-87801234 转8012", "031187801234"),
        ("0311-87801234-8012", "031187801234"),  # a group past a whole number: its extension
        ("010-6552-8888", "01065528888"),  # a local number in two groups is whole
        ("138-0013-8000", "13800138000"),
        ("13800000000-123", "13800000000"),
        ("+86 (0311) 87801234", "+8631187801234"),  # no trunk 0 after the country code
        ("+86-311-87801234", "+8631187801234"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("400-800-1234", "4008001234"),
        ("王五", None),  # no number: shown, never linked
        ("0-0-0-0-0-0-0", None),
    ],
)
def test_a_phone_number_dials_its_digits_up_to_the_extension_R_A1(
    number: str, dials: str | None
) -> None:
    assert dialled(number) == dials


def test_R_A1_the_same_phone_typed_otherwise_is_the_same_and_an_extension_tells_apart() -> None:
    same = ("0311 87801234", "0311-87801234", "(0311)87801234")
    assert len({tuple(phone_digits(p)) for p in same}) == 1
    assert phone_digits("0311-87801234转8012") != phone_digits("0311-87801234转8013")
    assert phone_digits("0311-87801234、13800000000") == ["031187801234", "13800000000"]
