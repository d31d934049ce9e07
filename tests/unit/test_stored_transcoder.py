"""The transcoder every stored event is read with (``StoredJSONTranscoder``) gives the values the
library's own ``JSONTranscoder`` gives, for whatever the library writes and for text only the
library's parser takes: a decoded event differing by one value would make a rebuilt view, a
loaded case or an audit row differ from the one kept before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from infra.transcodings import DateAsISO, StoredJSONTranscoder

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.integers(min_value=2**64, max_value=2**80)  # beyond orjson's integers
    | st.floats()  # NaN and infinities too: json writes them, orjson refuses to read them
    | st.text()
    | st.dates()
    | st.datetimes(timezones=st.just(UTC))
    | st.uuids()
    | st.decimals(allow_nan=False, allow_infinity=False)
)
KEYS = st.text() | st.sampled_from(["_type_", "_data_"])
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
    max_leaves=25,
)


def _transcoder(kind: type[JSONTranscoder]) -> JSONTranscoder:
    transcoder = kind()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    return transcoder


LIBRARY = _transcoder(JSONTranscoder)
STORED = _transcoder(StoredJSONTranscoder)


def _same(left: Any, right: Any) -> bool:
    """Equal values of equal types all the way down (NaN equal to NaN, 1 not equal to 1.0)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return list(left) == list(right) and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, float) and left != left:
        return bool(right != right)
    return bool(left == right)


def _outcome(transcoder: JSONTranscoder, data: bytes) -> Any:
    """The decoded value, or the type of what decoding raised."""
    try:
        return transcoder.decode(data)
    except Exception as error:  # compared, not hidden: the two must fail alike
        return type(error)


@settings(max_examples=300)
@given(st.dictionaries(st.text(), VALUES, max_size=6))
def test_stored_transcoder_decodes_what_the_library_decodes(state: dict[str, Any]) -> None:
    try:
        data = LIBRARY.encode(state)
    except UnicodeEncodeError:  # a lone surrogate: the library cannot store it at all
        return
    assert _same(_outcome(STORED, data), _outcome(LIBRARY, data))


@pytest.mark.parametrize(
    "data",
    [
        b'{"a":NaN,"b":-Infinity}',
        b'{"big":123456789012345678901234567890}',
        b'{"lone":"\\ud800"}',
        b'{"a":1,"a":{"_type_":"date_iso","_data_":"2025-03-03"}}',
        b'[{"_type_":"uuid_hex","_data_":"' + UUID(int=7).hex.encode() + b'"}]',
        b'{"_type_":"decimal_str","_data_":"1.50","x":1}',
        b'{"x":{"_type_":["a"],"_data_":1}}',
        b'{"x":{"_type_":null,"_data_":1}}',
        # An encoded value whose name is itself one (found by the test above).
        b'{"":{"_data_":"","_type_":{"_type_":"date_iso","_data_":"2000-01-01"}}}',
        b'{"huge":1e400,"big_negative":-98765432109876543210}',
        b'"text"',
        b"3",
    ],
)
def test_stored_transcoder_reads_edge_texts_as_the_library(data: bytes) -> None:
    assert _same(_outcome(STORED, data), _outcome(LIBRARY, data))


def test_stored_transcoder_revives_nested_encoded_values() -> None:
    state = {"on": date(2025, 3, 3), "items": [{"at": datetime(2025, 1, 2, tzinfo=UTC)}]}
    state["amount"] = Decimal("1.50")
    assert STORED.decode(LIBRARY.encode(state)) == state


def test_stored_transcoder_refuses_what_the_library_refuses() -> None:
    unknown = b'{"x":{"_type_":"no_such_type","_data_":"1"}}'
    for transcoder in (LIBRARY, STORED):
        with pytest.raises(TranscodingNotRegisteredError):
            transcoder.decode(unknown)
        with pytest.raises(UnicodeDecodeError):
            transcoder.decode(b'{"x":"\xff"}')
