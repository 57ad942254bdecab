"""``.xlsx`` export: sheets ``trains`` and ``tasks``, then one roster per crew and per track.

Every sheet has the same layout: its title on row 1 (wrapped across the table's width, so
that print never cuts it), a note on row 2 (the times' meaning, and a warning where the plan
was not checked or is an overrun schedule), the bold header on row :data:`HEADER_ROW`, then
one row per train or task. Times are real Excel values in the cell's number format:
date-times in local time when the instance (or the export) has an epoch, else durations
from t = 0 (``[h]:mm``, with the day counted beside them); a dwell or a task's length is a
duration. Every sheet prints landscape on A4, one page wide, its header row repeated on
each page, its title and notes in the page header and "page N of M" in the footer.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gaugeopt.clock import Clock
from gaugeopt.export.tables import rosters, tasks_table, trains_table
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution

#: Rows above a sheet's table: its title, then its notes.
HEADER_ROW = 3
#: Kept for callers of the earlier name: rosters have the same layout as every sheet.
ROSTER_HEADER_ROW = HEADER_ROW
#: Number formats: a local date-time, a duration from t = 0 (or a length), a date.
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
CLOCK_FORMAT = "[h]:mm"
_MAX_SHEET_NAME = 31  # Excel's limit
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_WARNING = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="F0F0F0")


def sheet_name(text: str, taken: set[str]) -> str:
    """A valid, unused sheet name (Excel: 31 characters, no ``[]:*?/\\``, case-blind)."""
    base = _FORBIDDEN.sub("_", text).strip("'") or "sheet"
    name = base[:_MAX_SHEET_NAME]
    n = 2
    while name.lower() in taken:
        tail = f"~{n}"
        name = base[: _MAX_SHEET_NAME - len(tail)] + tail
        n += 1
    taken.add(name.lower())
    return name


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header, a value per row, its number format and width."""

    header: str
    values: list[object]
    number_format: str | None = None
    width: float | None = None


def _clean(value: object) -> object:
    """A cell value: None for pandas' missing values, plain Python numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


class _Times:
    """Minutes as Excel values: local date-times with an epoch, else durations from t = 0."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.dated = clock.epoch is not None
        self.format = DATETIME_FORMAT if self.dated else CLOCK_FORMAT
        self.width = 17.0 if self.dated else 9.0
        self.unit = f"UTC{clock.offset}" if self.dated else "h:mm from t = 0"

    def value(self, minute: object) -> datetime | timedelta | None:
        if _clean(minute) is None:
            return None
        m = _minute(minute)
        if self.dated:
            moment = self.clock.moment(m)
            assert moment is not None
            return moment.replace(tzinfo=None)  # Excel has no zones: local time, zone noted
        return timedelta(minutes=m)

    def column(self, header: str, minutes: Sequence[object]) -> Column:
        return Column(f"{header} ({self.unit})", [self.value(m) for m in minutes], self.format,
                      self.width)  # fmt: skip

    def day(self, minutes: Sequence[object]) -> list[Column]:
        """A ``day`` column (1 from t = 0) where times are durations; none with dates."""
        if self.dated:
            return []
        return [Column("day", [self.clock.day(_minute(m)) for m in minutes], None, 5.0)]

    def note(self) -> str:
        if self.dated:
            return f"Times are local date-times (UTC{self.clock.offset})."
        return (
            "Times are hours:minutes from t = 0 (no epoch set), e.g. 33:30 is day 2 09:30; "
            "the day column counts days from t = 0."
        )


def _minute(value: object) -> int:
    """A minute from a table cell (a Python or numpy integer)."""
    m = _clean(value)
    assert isinstance(m, int), m
    return m


def _length(minutes: Sequence[object]) -> list[object]:
    return [None if _clean(m) is None else timedelta(minutes=_minute(m)) for m in minutes]


def _plain(df: pd.DataFrame, names: Sequence[str]) -> list[Column]:
    return [Column(n, [_clean(v) for v in df[n]]) for n in names]


def _trains_columns(df: pd.DataFrame, times: _Times) -> list[Column]:
    return [
        *_plain(df, ["train", "mode", "weight", "carriages"]),
        times.column("arrival", df["arrival_min"].tolist()),
        times.column("departure", df["departure_min"].tolist()),
        Column("dwell (h:mm)", _length(df["dwell_min"].tolist()), CLOCK_FORMAT, 10.0),
        *_plain(df, ["locomotive"]),
        Column("blocks (block: carriages → track)", [_clean(v) for v in df["blocks"]]),
    ]


def _task_columns(df: pd.DataFrame, times: _Times, drop: str | None = None) -> list[Column]:
    rest = [c for c in ("train", "op", "carriage", "block", "track", "crew", "shunter",
                        "locomotive") if c in df.columns and c != drop]  # fmt: skip
    starts, ends = df["start_min"].tolist(), df["end_min"].tolist()
    lengths = [_minute(b) - _minute(a) for a, b in zip(starts, ends, strict=True)]
    return [
        *times.day(starts),
        times.column("start", starts),
        times.column("end", ends),
        Column("length (h:mm)", _length(lengths), CLOCK_FORMAT, 9.0),
        *_plain(df, rest),
    ]


def _width(column: Column) -> float:
    if column.width is not None:
        return max(column.width, len(column.header) * 0.9 + 2)
    cells = [str(v) for v in column.values if v is not None]
    longest = max([len(column.header) * 0.9, *(len(c) for c in cells)])
    return min(64.0, max(6.0, longest + 2))


def _header_text(text: str) -> str:
    """Text for a print header: ``&`` doubled (a code there), cut to Excel's 255 limit."""
    return text.replace("&", "&&")[:200]


def _write_sheet(ws: Worksheet, title: str, notes: list[str], columns: list[Column],
                 warning: bool) -> None:  # fmt: skip
    """Title, notes, bold header, rows; widths, freeze panes and the print setup."""
    last = max(1, len(columns))
    widths = [_width(c) for c in columns] or [40.0]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    chars = sum(widths)
    for row, (text, font) in enumerate(
        ((title, Font(bold=True, size=13)), (" ".join(notes), _WARNING if warning else None)),
        start=1,
    ):
        cell = ws.cell(row=row, column=1, value=text or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if font is not None:
            cell.font = font
        if last > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        size = 13 if row == 1 else 11
        lines = max(1, math.ceil(len(text) * (size / 11) * 1.1 / max(chars, 1)))
        ws.row_dimensions[row].height = lines * size * 1.35 + 2 if text else 6
    for i, (col, width) in enumerate(zip(columns, widths, strict=False), start=1):
        head = ws.cell(row=HEADER_ROW, column=i, value=col.header)
        head.font = Font(bold=True)
        head.fill = _HEADER_FILL
        head.alignment = Alignment(wrap_text=True, vertical="bottom")
        # Text longer than its column wraps inside it (never spills past the printed page).
        wrap = Alignment(wrap_text=True, vertical="top")
        for r, value in enumerate(col.values, start=HEADER_ROW + 1):
            cell = ws.cell(row=r, column=i, value=value)
            if col.number_format is not None and value is not None:
                cell.number_format = col.number_format
            elif isinstance(value, str) and len(value) > width:
                cell.alignment = wrap
                lines = math.ceil(len(value) * 0.9 / width)
                height = ws.row_dimensions[r].height or 15.0
                ws.row_dimensions[r].height = max(height, lines * 14.5)
    _printable(ws, title, notes, warning)


def _printable(ws: Worksheet, title: str, notes: list[str], warning: bool) -> None:
    """Landscape A4, one page wide (as many tall as needed), the header row on every page,
    the title (and any warning) in the page header, "page N of M" in the footer."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    ws.print_options.gridLines = True
    ws.page_margins.top = 0.6
    ws.oddHeader.left.text = _header_text(title)
    ws.oddHeader.left.size = 9
    if warning:
        ws.oddHeader.right.text = _header_text(" ".join(notes))
        ws.oddHeader.right.size = 9
        ws.oddHeader.right.color = "C00000"
    ws.oddFooter.right.text = "page &P of &N"
    ws.oddFooter.right.size = 9
    ws.oddFooter.left.text = _header_text(ws.title)
    ws.oddFooter.left.size = 9


Sheet = tuple[str, str, Callable[[_Times], list[Column]]]


def xlsx_bytes(
    instance: Instance, solution: Solution, clock: Clock, notes: Sequence[str] = ()
) -> bytes:
    """The workbook as bytes (written whole by the caller, so never half a file).

    ``notes``: warnings every sheet carries (an unchecked plan, an overrun schedule), in
    red on row 2 and in each printed page's header.
    """
    times = _Times(clock)
    zone = f" (times {clock.offset})" if clock.offset else ""
    trains = trains_table(instance, solution, clock)
    tasks = tasks_table(instance, solution, clock)
    sheets: list[Sheet] = [
        ("trains", f"{instance.name}: trains{zone}", lambda t: _trains_columns(trains, t)),
        ("tasks", f"{instance.name}: tasks{zone}", lambda t: _task_columns(tasks, t)),
    ]
    for roster in rosters(instance, solution, clock):
        sheets.append(
            (
                f"{roster.kind} {roster.id}",
                roster.title,
                lambda t, r=roster: _task_columns(r.table, t, drop=r.kind),  # type: ignore[misc]
            )
        )
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, title, build in sheets:
        ws = wb.create_sheet(sheet_name(name, taken))
        columns = build(times)
        _write_sheet(ws, title, [*notes, times.note()], columns, warning=bool(notes))
        if not columns[0].values:
            ws.cell(row=HEADER_ROW + 1, column=1, value="no tasks")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
