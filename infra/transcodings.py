"""JSON transcodings for the value types our events carry beyond the library's defaults, and the
transcoder that reads them back."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
from eventsourcing.persistence import JSONTranscoder, Transcoding


class DateAsISO(Transcoding):
    """Business dates (``occurred_on`` …) are plain ``date`` values, stored as YYYY-MM-DD."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


# ``orjson`` reads an integer beyond 64 bits as a float: a float this large (or larger) may
# have been one, and the text is read again the library's way.
BEYOND_64_BITS = float(2**63)


class _ReadAgain(Exception):
    """A value ``orjson`` may have read otherwise than ``json``."""


class StoredJSONTranscoder(JSONTranscoder):
    """The library's transcoder, reading stored state with ``orjson``'s parser.

    Every event read (a command loading its case, a view decoding the log, a rebuild decoding
    all of it) goes through ``decode``; the library parses with ``json`` and calls its object
    hook, in Python, for every JSON object (measured: 17 µs an event of a rebuild's 80, of which
    parsing was 11). The values are the library's: the same hook (``_decode_obj``) is applied
    to every object, innermost first, as ``json``'s ``object_hook`` is. Text ``orjson`` refuses
    and ``json`` takes (``NaN``, ``Infinity``, an escaped lone surrogate) goes to the library's
    own path, which decodes it, or fails, as before; so does text holding a float of 2⁶³ or
    more in magnitude, which is what ``orjson`` makes of an integer beyond 64 bits.
    Writing is unchanged.
    """

    def decode(self, data: bytes) -> Any:
        try:
            return self._revived(orjson.loads(data))
        except (orjson.JSONDecodeError, _ReadAgain):
            return super().decode(data)

    def _revived(self, value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            return self._revived_object(value)
        if kind is list:
            return [self._revived(item) for item in value]
        if kind is float and not -BEYOND_64_BITS < value < BEYOND_64_BITS:
            raise _ReadAgain
        return value

    def _revived_object(self, value: dict[str, Any]) -> Any:
        for key, item in value.items():
            kind = type(item)
            if kind is dict:
                # An encoded value of text (a time, a day, an id: most of an event's) goes to
                # the hook at once, as ``_revived_object`` would send it after finding nothing
                # inside to revive: a call less per such value (a fifth of the decoding).
                # Its ``_type_`` a name too: one that is itself an object is revived first, as
                # ``json`` would (found by the differential test: a dict there raised TypeError
                # where the library's lookup of the revived value says it is not registered).
                if (
                    len(item) == 2
                    and type(item.get("_data_")) is str
                    and type(item.get("_type_")) is str
                ):
                    value[key] = self._decode_obj(item)
                else:
                    value[key] = self._revived_object(item)
            elif kind is list or kind is float:
                value[key] = self._revived(item)
        # What the hook changes: an encoded value, ``{"_type_": …, "_data_": …}``; the hook is
        # called for that shape only (as the library's hook does).
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return self._decode_obj(value)
        return value
