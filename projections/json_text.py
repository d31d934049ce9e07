"""JSON text as ``json.JSONEncoder.encode`` writes it, from an encoder made once.

``JSONEncoder.encode`` makes a new C encoder (and a closure) on every call: for the small
values a view encodes per event (an audit row's data, a tamper-chain link's facts) that set-up
costs as much as the encoding (measured: 10 µs a call against 5 µs with the encoder kept). A
rebuild encodes two or three values per event, so the C encoder is made once here and kept.
The text is the same as ``encode``'s, character for character (``tests/unit/test_json_text``);
where Python has no C encoder, ``encode`` itself is called.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as _encoder
from typing import Any


def text_encoder(encoder: json.JSONEncoder) -> Callable[[Any], str]:
    """A function writing what ``encoder.encode`` writes, for JSON values without cycles (the
    circular-reference check is left out: a decoded event cannot hold one)."""
    make: Any = getattr(_encoder, "c_make_encoder", None)
    if make is None or encoder.indent is not None:
        return encoder.encode
    strings = (
        _encoder.encode_basestring_ascii if encoder.ensure_ascii else _encoder.encode_basestring
    )
    chunks = make(
        None,  # no markers: no circular check
        encoder.default,
        strings,
        encoder.indent,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )

    def encode(value: Any) -> str:
        if isinstance(value, str):  # as ``encode``: a bare string never reaches the C encoder
            return str(strings(value))
        return "".join(chunks(value, 0))

    return encode


# ``json.dumps(value)``'s text: the case views' list columns, a few per case.
dumps = text_encoder(json.JSONEncoder())
