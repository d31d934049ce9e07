"""The kept C encoder writes exactly what ``JSONEncoder.encode`` writes: the audit trail's data
and the tamper chain's hashed facts are that text, so one character of difference would make a
rebuilt view differ from the one kept incrementally, and break every chain link."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from projections.json_text import text_encoder

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
