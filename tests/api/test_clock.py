"""Clock times for people (gaugeopt.clock) are right: days from t = 0, or dates with the epoch."""

from __future__ import annotations

import doctest
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gaugeopt.clock
from gaugeopt.clock import Clock, duration, parse_epoch


def test_doctests() -> None:
    assert doctest.testmod(gaugeopt.clock).failed == 0


@pytest.mark.parametrize(
    ("t", "text"),
    [(0, "day 1 00:00"), (540, "day 1 09:00"), (1439, "day 1 23:59"), (1500, "day 2 01:00")],
)
def test_without_epoch_days_count_from_t0(t: int, text: str) -> None:
    assert Clock().at(t) == text


def test_with_epoch_the_date_time_and_offset() -> None:
    clock = Clock.of("2025-09-02T00:00:00+08:00")
    assert clock.at(540) == "2025-09-02 09:00 +08:00"
    assert clock.at(540, offset=False) == "2025-09-02 09:00"
    assert clock.at(1500) == "2025-09-03 01:00 +08:00"
    assert clock.time(540) == "09:00"
    assert clock.offset == "+08:00"
    assert clock.moment(60) == datetime(2025, 9, 2, 1, 0, tzinfo=timezone(timedelta(hours=8)))


def test_an_epoch_that_is_not_midnight_shifts_the_days() -> None:
    clock = Clock.of("2025-09-02T18:00:00-03:30")
    assert clock.at(0) == "2025-09-02 18:00 -03:30"
    assert clock.day(359) == 1 and clock.day(360) == 2  # midnight after six hours
    assert clock.short(400, 0) == "2025-09-03 00:40"


def test_the_instance_epoch_is_used() -> None:
    class Inst:
        epoch = "2025-09-02T06:00:00+00:00"

    assert Clock.of(Inst()).at(0) == "2025-09-02 06:00 +00:00"
    Inst.epoch = None  # type: ignore[assignment]
    assert Clock.of(Inst()).at(0) == "day 1 00:00"


def test_epoch_without_offset_is_refused() -> None:
    with pytest.raises(ValueError, match="offset"):
        parse_epoch("2025-09-02T00:00:00")


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0 min"), (45, "45 min"), (60, "1 h"), (85, "1 h 25 min"), (1565, "26 h 5 min")],
)
def test_durations(minutes: int, text: str) -> None:
    assert duration(minutes) == text


def test_negative_duration_keeps_its_sign() -> None:
    assert duration(-65) == "-1 h 5 min"


def test_spans_on_one_day_across_days_and_to_midnight() -> None:
    clock = Clock()
    assert clock.span(360, 720) == "day 1 06:00–12:00"
    assert clock.span(0, 1440) == "day 1 00:00–24:00"  # a whole day ends at 24:00
    assert clock.span(1380, 1455) == "day 1 23:00–day 2 00:15"
    assert clock.spans([(720, 900), (0, 300)]) == "day 1 00:00–05:00, day 1 12:00–15:00"
    assert clock.spans([]) == "none"
    dated = Clock.of("2025-09-02T00:00:00+08:00")
    assert dated.span(540, 625) == "2025-09-02 09:00–10:25 +08:00"


def test_short_form_for_the_same_day() -> None:
    clock = Clock()
    assert clock.short(971, 540) == "16:11"
    assert clock.short(1500, 540) == "day 2 01:00"


@given(
    st.integers(min_value=0, max_value=10_000_000),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
)
def test_the_shown_time_is_the_epoch_plus_the_minutes(t: int, offset_min: int) -> None:
    zone = timezone(timedelta(minutes=offset_min))
    epoch = datetime(2025, 9, 2, 0, 0, tzinfo=zone)
    clock = Clock(epoch)
    moment = epoch + timedelta(minutes=t)
    assert clock.at(t, offset=False) == moment.strftime("%Y-%m-%d %H:%M")
    assert clock.moment(t) is not None
    assert clock.moment(t).astimezone(UTC) == moment.astimezone(UTC)  # type: ignore[union-attr]
    plain = Clock()
    assert plain.day(t) == t // 1440 + 1
    h, m = divmod(t % 1440, 60)
    assert plain.time(t) == f"{h:02d}:{m:02d}"
