"""``.xlsx`` export: sheets ``trains`` and ``tasks``, then one printable roster per crew and
per track (landscape, fitted to the page width, the header row repeated on every page)."""

from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from gaugeopt.clock import Clock
from gaugeopt.export.tables import rosters, tasks_table, trains_table
from gaugeopt.model.instance import Instance
from gaugeopt.model.solution import Solution

#: Rows above a roster's table: its title, then a blank line.
ROSTER_HEADER_ROW = 3
_MAX_SHEET_NAME = 31  # Excel's limit
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


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


def _fit_columns(ws: Worksheet, df: pd.DataFrame, first_row: int) -> None:
    """Column widths from the longest cell (header included), within reason."""
    for i, col in enumerate(df.columns, start=1):
        cells = [str(col), *(str(v) for v in df[col] if not pd.isna(v))]
        letter = ws.cell(row=first_row, column=i).column_letter
        ws.column_dimensions[letter].width = min(40, max(6, max(len(c) for c in cells) + 2))


def _printable(ws: Worksheet, header_row: int) -> None:
    """Landscape, one page wide (as many pages tall as needed), header on every page."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_options.gridLines = True


def xlsx_bytes(instance: Instance, solution: Solution, clock: Clock) -> bytes:
    """The workbook as bytes (written whole by the caller, so never half a file)."""
    buffer = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, df in (
            ("trains", trains_table(instance, solution, clock)),
            ("tasks", tasks_table(instance, solution, clock)),
        ):
            sheet = sheet_name(name, taken)
            df.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            _fit_columns(ws, df, 1)
            ws.freeze_panes = "A2"
        for roster in rosters(instance, solution, clock):
            sheet = sheet_name(f"{roster.kind} {roster.id}", taken)
            roster.table.to_excel(
                writer, sheet_name=sheet, index=False, startrow=ROSTER_HEADER_ROW - 1
            )
            ws = writer.sheets[sheet]
            ws.cell(row=1, column=1, value=roster.title).font = Font(bold=True, size=13)
            if roster.table.empty:
                ws.cell(row=ROSTER_HEADER_ROW + 1, column=1, value="no tasks")
            _fit_columns(ws, roster.table, ROSTER_HEADER_ROW)
            _printable(ws, ROSTER_HEADER_ROW)
    return buffer.getvalue()
