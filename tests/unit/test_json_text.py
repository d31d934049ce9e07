"""The kept C encoder writes exactly what ``JSONEncoder.encode`` writes: the audit trail's data
and the tamper chain's hashed facts are that text, so one character of difference would make a
rebuilt view differ from the one kept incrementally, and break every chain link. The chain's
facts are now written by ``orjson``: the same bytes, or the same failure. The trail's JSON
columns by ``orjson`` too: other text (no spaces), the same values."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from projections.audit_trail import _ENCODE as TRAIL_AS_FIRST_WRITTEN
from projections.audit_trail import json_text
from projections.core import iso_time
from projections.json_text import dumps, text_encoder
from projections.tamper_chain import header

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**64, max_value=2**80)
    | st.floats(allow_nan=False)
    | st.text()
    | st.dates()
    | st.datetimes()
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def _default(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


ENCODERS = (
    json.JSONEncoder(default=_default, ensure_ascii=False, sort_keys=True),
    json.JSONEncoder(default=_default, ensure_ascii=False, separators=(",", ":")),
    json.JSONEncoder(default=_default),
)


@given(VALUES)
def test_kept_encoder_writes_what_encode_writes(value: Any) -> None:
    for encoder in ENCODERS:
        assert text_encoder(encoder)(value) == encoder.encode(value)


@given(st.recursive(SCALARS.filter(lambda v: not isinstance(v, date)), st.lists, max_leaves=8))
def test_the_case_views_dumps_writes_what_json_dumps_writes(value: Any) -> None:
    """The 台账's and unit facts' list columns: a changed character would make every stored row
    differ from its recomputation (verify)."""
    assert dumps(value) == json.dumps(value)


def test_kept_encoder_is_reusable_after_a_failure() -> None:
    encoder = json.JSONEncoder(ensure_ascii=False)
    encode = text_encoder(encoder)
    try:
        encode({"a": [object()]})
    except TypeError:
        pass
    else:
        raise AssertionError("an object without a default must fail")
    assert encode({"a": ["北京", 1]}) == encoder.encode({"a": ["北京", 1]})


# Any code point, lone surrogates included: a link's text comes from the store as it is.
ANY_TEXT = st.text(st.characters(exclude_categories=()))
LINK_FACTS = st.lists(
    st.none()
    | st.integers()
    | st.integers(min_value=2**63, max_value=2**80)
    | ANY_TEXT
    | st.tuples(ANY_TEXT, st.integers(), ANY_TEXT, ANY_TEXT),
    max_size=6,
)
AS_FIRST_WRITTEN = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _bytes_or_failure(write: Any, facts: list[Any]) -> bytes | str:
    try:
        written: bytes = write(facts)
    except UnicodeEncodeError:
        return "UnicodeEncodeError"
    return written


@given(LINK_FACTS)
def test_r_x3_a_links_facts_are_the_bytes_json_wrote(facts: list[Any]) -> None:
    def first(value: list[Any]) -> bytes:
        return AS_FIRST_WRITTEN.encode(value).encode()

    assert _bytes_or_failure(header, facts) == _bytes_or_failure(first, facts)


def test_r_x3_a_links_facts_with_every_kind_of_text_are_the_bytes_json_wrote() -> None:
    controls = "".join(map(chr, range(0x20))) + '"\\/\x7f\u2028\u2029'
    facts = ["0" * 64, 7, "北京" + controls, 2**70, "😀", ("a", 1, "Registered", "2025-01-02")]
    assert header(facts) == AS_FIRST_WRITTEN.encode(facts).encode()


# What a decoded event's payload holds: JSON's values and the transcodings' (dates, times,
# UUIDs), any text, integers beyond 64 bits; no NaN (no field is a float that could be one).
PAYLOADS = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=2**64, max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | ANY_TEXT
    | st.dates()
    | st.datetimes(timezones=st.none() | st.just(UTC))
    | st.uuids(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
    max_leaves=20,
)


@given(st.dictionaries(ANY_TEXT, PAYLOADS, max_size=6))
def test_r_x1_the_trails_json_holds_the_values_json_wrote(payload: dict[str, Any]) -> None:
    assert json.loads(json_text(payload)) == json.loads(TRAIL_AS_FIRST_WRITTEN(payload))


def test_r_x1_the_trails_json_has_sorted_keys_and_takes_what_orjson_refuses() -> None:
    assert json_text({"b": 1, "a": date(2025, 1, 2)}) == '{"a":"2025-01-02","b":1}'
    beyond = {"n": 2**70, "u": uuid.UUID(int=1)}
    assert json_text(beyond) == TRAIL_AS_FIRST_WRITTEN(beyond)


@given(
    st.datetimes(
        timezones=st.none()
        | st.just(UTC)
        | st.builds(timezone, st.integers(-1439, 1439).map(lambda m: timedelta(minutes=m)))
    )
)
def test_r_x1_a_recorded_time_is_written_as_isoformat_writes_it(value: datetime) -> None:
    assert iso_time(value) == value.isoformat()
