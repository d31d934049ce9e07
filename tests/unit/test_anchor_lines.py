"""Judging anchor lines read back from a sink: what is trusted and what is reported."""

from __future__ import annotations

import json

from infra.anchors import SinkLine, judge, sign

KEY = b"k"


def line(text: str, n: int = 1) -> SinkLine:
    return SinkLine(f"f line {n}", text)


def test_a_signed_anchor_is_trusted_once_however_many_sinks_hold_it() -> None:
    anchor = sign(KEY, 6, "ab" * 32, "2026-01-01T00:00:00+00:00")
    reading = judge([line(anchor.line(), 1), line(anchor.line(), 2)], KEY)
    assert (reading.anchors, reading.problems) == ([anchor], [])


def test_any_changed_field_makes_an_anchor_forged() -> None:
    anchor = json.loads(sign(KEY, 6, "ab" * 32, "2026-01-01T00:00:00+00:00").line())
    for field, value in [("position", 7), ("head", "cd" * 32), ("anchored_at", "2027")]:
        reading = judge([line(json.dumps({**anchor, field: value}))], KEY)
        assert reading.anchors == [], field
        assert reading.problems == [
            f"f line 1: forged anchor for position {7 if field == 'position' else 6} "
            "(its HMAC does not match BANLI_ANCHOR_KEY)"
        ]


def test_lines_that_are_not_anchors_or_cannot_be_checked_are_problems() -> None:
    anchor = sign(KEY, 6, "ab" * 32, "t")
    reading = judge([line("{"), line('{"position": true}', 2)], KEY)
    assert reading.problems == ["f line 1: not an anchor", "f line 2: not an anchor"]
    unkeyed = judge([line(anchor.line())], None)
    assert unkeyed.anchors == [] and "BANLI_ANCHOR_KEY is unset" in unkeyed.problems[0]
