"""Minutes from t = 0 as people read them: clock times, days and durations.

An instance's ``epoch`` (ISO 8601 with its UTC offset, docs/file-formats.md) is the wall-clock moment
of t = 0. With it, a minute reads as ``2025-09-02 09:00 +08:00``; without it, as
``day 1 09:00``, day 1 being the first 24 hours from t = 0. Durations read as ``1 h 25 min``.

>>> clock = Clock.of("2025-09-02T00:00:00+08:00")
>>> clock.at(540), clock.time(540), clock.span(540, 625)
('2025-09-02 09:00 +08:00', '09:00', '2025-09-02 09:00–10:25 +08:00')
>>> Clock().at(1500), duration(85)
('day 2 01:00', '1 h 25 min')

:meth:`Clock.parse` reads such a time back: minutes (``360``), a time of day 1
(``06:00``), of another day (``day 2 06:00``) or, with an epoch, a date and time
(``2025-09-02T06:00``, ``2025-09-02 06:00 +08:00``).

>>> Clock().parse("day 2 06:00"), clock.parse("2025-09-02 06:00")
(1800, 360)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol

MINUTES_PER_DAY = 1440
#: Shown between the two ends of a span.
DASH = "–"


#: ``06:00`` or ``day 2 06:00``.
_DAY_TIME = re.compile(r"^(?:day\s+(\d+)\s+)?(\d{1,2}):(\d{2})$")


class _HasEpoch(Protocol):
    epoch: str | None


def parse_epoch(text: str) -> datetime:
    """An ISO 8601 date and time that carries its UTC offset; ValueError otherwise."""
    moment = datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError(f"must carry its UTC offset, e.g. 2025-09-02T00:00:00+08:00, got {text}")
    return moment


def _minutes(t: float) -> int:
    return round(t)


def offset_text(moment: datetime) -> str:
    """The UTC offset of an aware datetime as ``+08:00`` (``+00:00`` for UTC)."""
    delta = moment.utcoffset() or timedelta(0)
    sign = "-" if delta < timedelta(0) else "+"
    total = abs(int(delta.total_seconds())) // 60
    return f"{sign}{total // 60:02d}:{total % 60:02d}"


def duration(minutes: float) -> str:
    """``85`` -> ``1 h 25 min``, ``45`` -> ``45 min``, ``120`` -> ``2 h``."""
    m = _minutes(minutes)
    sign, m = ("-", -m) if m < 0 else ("", m)
    hours, rest = divmod(m, 60)
    if not hours:
        return f"{sign}{rest} min"
    return f"{sign}{hours} h" + (f" {rest} min" if rest else "")


@dataclass(frozen=True)
class Clock:
    """Turns a minute into the date and time a planner reads (see the module doc)."""

    epoch: datetime | None = None

    @classmethod
    def of(cls, source: str | datetime | _HasEpoch | None) -> Clock:
        """The clock of an instance (anything with ``epoch``), an epoch text, or none."""
        if source is None or isinstance(source, datetime):
            return cls(source)
        if isinstance(source, str):
            return cls(parse_epoch(source))
        return cls.of(source.epoch)

    @property
    def offset(self) -> str:
        """``+08:00`` with an epoch, ``""`` without."""
        return "" if self.epoch is None else offset_text(self.epoch)

    def moment(self, t: float) -> datetime | None:
        """The aware wall-clock datetime of minute ``t`` (None without an epoch)."""
        if self.epoch is None:
            return None
        return self.epoch + timedelta(minutes=_minutes(t))

    def day(self, t: float) -> int:
        """The day number of minute ``t``: 1 for the calendar day of t = 0 (or t < 1440)."""
        moment = self.moment(t)
        if moment is None or self.epoch is None:
            return _minutes(t) // MINUTES_PER_DAY + 1
        return (moment.date() - self.epoch.date()).days + 1

    def date(self, t: float) -> str:
        """``2025-09-02`` with an epoch, ``day 1`` without."""
        moment = self.moment(t)
        return f"day {self.day(t)}" if moment is None else moment.strftime("%Y-%m-%d")

    def time(self, t: float) -> str:
        """The time of day of minute ``t``, ``09:00``."""
        moment = self.moment(t)
        if moment is None:
            m = _minutes(t) % MINUTES_PER_DAY
            return f"{m // 60:02d}:{m % 60:02d}"
        return moment.strftime("%H:%M")

    def at(self, t: float, *, offset: bool = True) -> str:
        """Date and time: ``2025-09-02 09:00 +08:00`` (``offset=False``: without the
        offset), or ``day 1 09:00`` without an epoch."""
        text = f"{self.date(t)} {self.time(t)}"
        return f"{text} {self.offset}" if offset and self.epoch is not None else text

    def short(self, t: float, ref: float, *, offset: bool = False) -> str:
        """``09:00`` when ``t`` falls on the same day as ``ref``, else :meth:`at`."""
        return self.time(t) if self.day(t) == self.day(ref) else self.at(t, offset=offset)

    def _end(self, start: float, end: float) -> str:
        """The end of a span: ``24:00`` for the midnight that closes ``start``'s day."""
        if end > start and self.day(end) == self.day(start) + 1 and self.time(end) == "00:00":
            return "24:00"
        return self.time(end) if self.day(end) == self.day(start) else self.at(end, offset=False)

    def span(self, start: float, end: float) -> str:
        """``day 1 09:00–10:25``; across days ``day 1 23:30–day 2 00:15``; with an epoch
        the date, then the offset once: ``2025-09-02 09:00–10:25 +08:00``."""
        text = f"{self.at(start, offset=False)}{DASH}{self._end(start, end)}"
        return f"{text} {self.offset}" if self.epoch is not None else text

    def parse(self, text: str) -> int:
        """Minutes from t = 0 of ``text`` (see the module doc); ValueError, with what would
        be read, when it is none of those or lies before t = 0."""
        raw = text.strip()
        if re.fullmatch(r"-?\d+", raw):
            minutes = int(raw)
        elif (m := _DAY_TIME.match(raw)) is not None:
            minutes = self._day_time(int(m.group(1) or 1), int(m.group(2)), int(m.group(3)))
        else:
            minutes = self._date_time(raw)
        if minutes < 0:
            raise ValueError(f"{text!r} lies before t = 0 ({self.at(0)})")
        return minutes

    def _day_time(self, day: int, hour: int, minute: int) -> int:
        if day < 1 or hour > 23 or minute > 59:
            raise ValueError(f"day {day} {hour:02d}:{minute:02d} is no time of day")
        if self.epoch is None:
            return (day - 1) * MINUTES_PER_DAY + hour * 60 + minute
        date = self.epoch.date() + timedelta(days=day - 1)
        moment = datetime.combine(date, time(hour, minute), tzinfo=self.epoch.tzinfo)
        return _minutes_between(self.epoch, moment)

    def _date_time(self, text: str) -> int:
        formats = "minutes (360), a time (06:00) or a day and time (day 2 06:00)"
        if self.epoch is None:
            raise ValueError(f"{text!r} is not {formats}; dates need the instance's epoch")
        parts = text.split()
        if len(parts) == 3 and re.fullmatch(r"[+-]\d{2}:\d{2}", parts[2]):
            text = f"{parts[0]}T{parts[1]}{parts[2]}"  # as the clock writes it
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{text!r} is not {formats} or an ISO date and time") from None
        if moment.utcoffset() is None:
            moment = moment.replace(tzinfo=self.epoch.tzinfo)
        return _minutes_between(self.epoch, moment)

    def spans(self, windows: Iterable[Sequence[int]]) -> str:
        """Several spans in time order, comma-separated (``none`` for an empty list)."""
        pairs = sorted((w[0], w[1]) for w in windows)
        return ", ".join(self.span(a, b) for a, b in pairs) or "none"


def _minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end``; ValueError for seconds."""
    seconds = (end - start).total_seconds()
    if seconds % 60:
        raise ValueError(f"{end.isoformat()} is not on a whole minute")
    return int(seconds // 60)
