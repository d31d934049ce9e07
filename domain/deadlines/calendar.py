"""Official Chinese working-day calendar (R-D7).

Deadlines (R-D6) depend on which days are working days. The ``chinese-calendar`` package ships
the State Council schedules (holidays and 调休 make-up workdays) up to its release year; later
years are published each autumn and must be loaded as data by an administrator. A year with no
schedule at all falls back to Monday–Friday, and callers flag such results as provisional.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version as _dist_version
from types import MappingProxyType
from typing import Any, TypeVar

from chinese_calendar import constants as _cc

T = TypeVar("T")

# Results a calendar keeps (``remembered``) before it starts over: far more than one office's
# years of dates ask for, and a bound on what a long-lived calendar holds.
REMEMBERED = 50_000

# Read the coverage from the package's own data, so upgrading the package extends it without a
# code change (and never claims years the data does not actually hold).
_BUILTIN_HOLIDAYS: frozenset[date] = frozenset(_cc.holidays)
_BUILTIN_WORKDAYS: frozenset[date] = frozenset(_cc.workdays)
BUILTIN_FIRST_YEAR: int = min(d.year for d in _BUILTIN_HOLIDAYS)
BUILTIN_LAST_YEAR: int = max(d.year for d in _BUILTIN_HOLIDAYS)
# The version of the built-in holiday data (the ``chinese-calendar`` package).
HOLIDAY_DATA_VERSION: str = _dist_version("chinesecalendar")


def _is_weekday(d: date) -> bool:
    return d.weekday() < 5


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule, as published by the State Council.

    ``holidays`` are statutory rest days (including weekend days inside a holiday block);
    ``workdays`` are 调休 make-up working days that fall on a weekend. Any other date follows
    the ordinary Monday–Friday week.
    """

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]

    def __post_init__(self) -> None:
        # Validate eagerly: a mistyped year in loaded data would silently shift deadlines.
        stray = sorted(d for d in self.holidays | self.workdays if d.year != self.year)
        if stray:
            raise ValueError(f"schedule for {self.year} contains dates of another year: {stray}")
        both = sorted(self.holidays & self.workdays)
        if both:
            raise ValueError(f"dates listed both as holiday and as workday: {both}")


def _freeze(loaded: Mapping[int, YearSchedule]) -> Mapping[int, YearSchedule]:
    for year, schedule in loaded.items():
        if year != schedule.year:
            raise ValueError(f"schedule for {schedule.year} registered under year {year}")
    return MappingProxyType(dict(loaded))


@dataclass(frozen=True)
class WorkdayCalendar:
    """Builtin package data plus administrator-loaded years (loaded years win).

    Immutable so that a deadline computed with one calendar can always be recomputed with it;
    loading a new year yields a new calendar (``with_year``).
    """

    loaded: Mapping[int, YearSchedule] = field(default_factory=dict)
    # What was computed with this calendar (period ends): it depends on nothing else, and a
    # rebuild asks for the same few thousand dates for every case.
    _remembered: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Copy into a read-only view so a caller's dict mutated later cannot change results.
        object.__setattr__(self, "loaded", _freeze(self.loaded))

    def remembered(self, key: Any, compute: Callable[[], T]) -> T:
        """``compute()``, once per ``key`` for this calendar (the key must name every input
        of the computation other than the calendar)."""
        found: T | None = self._remembered.get(key)
        if found is None:
            if len(self._remembered) >= REMEMBERED:
                self._remembered.clear()
            found = self._remembered[key] = compute()
        return found

    def has_schedule(self, year: int) -> bool:
        """Whether an official schedule (builtin or loaded) exists for ``year``."""
        return year in self.loaded or BUILTIN_FIRST_YEAR <= year <= BUILTIN_LAST_YEAR

    def is_workday(self, d: date) -> bool:
        """Whether ``d`` is a working day; Monday–Friday for years without a schedule."""
        schedule = self.loaded.get(d.year)
        if schedule is not None:
            holidays, workdays = schedule.holidays, schedule.workdays
        elif BUILTIN_FIRST_YEAR <= d.year <= BUILTIN_LAST_YEAR:
            holidays, workdays = _BUILTIN_HOLIDAYS, _BUILTIN_WORKDAYS
        else:
            return _is_weekday(d)
        if d in workdays:
            return True
        return d not in holidays and _is_weekday(d)

    @property
    def version(self) -> str:
        """Exactly which data this calendar uses, to be stored alongside computed deadlines."""
        return self.remembered("version", self._version)

    def _version(self) -> str:
        text = f"chinese-calendar {HOLIDAY_DATA_VERSION} ({BUILTIN_FIRST_YEAR}–{BUILTIN_LAST_YEAR})"
        if self.loaded:
            text += "; loaded: " + ", ".join(str(y) for y in sorted(self.loaded))
        return text

    def with_year(self, schedule: YearSchedule) -> WorkdayCalendar:
        """A new calendar with ``schedule`` loaded, replacing any earlier one for that year."""
        return WorkdayCalendar({**self.loaded, schedule.year: schedule})
