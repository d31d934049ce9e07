"""When failed logins lock a username (API.md: 5 failures in 15 minutes → locked 15 minutes)."""

from __future__ import annotations

from infra.login_throttle import lock_end

MINUTE = 60.0


def test_five_failures_within_15_minutes_lock_until_15_minutes_after_the_fifth() -> None:
    failures = [0, 2 * MINUTE, 4 * MINUTE, 6 * MINUTE, 8 * MINUTE]
    assert lock_end(failures) == 23 * MINUTE


def test_four_failures_never_lock() -> None:
    assert lock_end([0, 1, 2, 3]) is None


def test_five_failures_spread_over_15_minutes_or_more_do_not_lock() -> None:
    assert lock_end([0, 4 * MINUTE, 8 * MINUTE, 12 * MINUTE, 15 * MINUTE]) is None


def test_any_five_in_a_row_within_the_window_lock() -> None:
    failures = [0, 20 * MINUTE, 21 * MINUTE, 22 * MINUTE, 23 * MINUTE, 24 * MINUTE]
    assert lock_end(failures) == 39 * MINUTE


def test_the_latest_lock_wins() -> None:
    failures = [0, 1, 2, 3, 4, 5]
    assert lock_end(failures) == 5 + 15 * MINUTE
