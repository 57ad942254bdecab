"""The readers of a schedule (report, exports, utilisation, frames) name no operation: every
op-specific choice, colours and bar labels included, derives from the rulebook."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from matplotlib.colors import to_rgb

from gaugeopt.report.gantt_png import text_color
from gaugeopt.report.timeline import _SPARE, op_colors
from gaugeopt.rules import OPS

PACKAGE = Path(__file__).resolve().parents[2] / "gaugeopt"
#: The modules that read a finished schedule (the report's vendored scripts aside).
READERS = sorted(
    [p for p in (PACKAGE / "report").glob("*.py")]
    + list((PACKAGE / "export").glob("*.py"))
    + [PACKAGE / "utilisation.py", PACKAGE / "frames.py"]
)
#: String constants a reader may hold although they equal an operation's name, with why.
#: Empty: none is needed.
ALLOWED: dict[tuple[str, str], str] = {}


def _op_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each string constant in ``path`` that names an operation, or a
    column or key made from one (``wait_border_check``)."""
    names = {r.op for r in OPS}
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and any(node.value == op or node.value.endswith(f"_{op}") for op in names)
        and (path.name, node.value) not in ALLOWED
    ]


def test_the_scan_finds_an_operation_name(tmp_path: Path) -> None:
    """The scan itself can fail: a table keyed by an operation is found."""
    probe = tmp_path / "probe.py"
    probe.write_text('_DARK = ("block", "lower")\nWAITS = {"wait_border_check": 1}\n')
    assert _op_literals(probe) == [(1, "lower"), (2, "wait_border_check")]


@pytest.mark.parametrize("path", READERS, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_reader_names_no_operation(path: Path) -> None:
    assert _op_literals(path) == []


def _contrast(a: str, b: str) -> float:
    def lum(color: str) -> float:
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(color)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_bar_colour_an_operation_may_get_has_a_legible_label() -> None:
    """The label colour is derived from the bar's colour: WCAG AA contrast (4.5) on every
    colour of the rulebook and every spare one a new operation would get."""
    colors = {*op_colors().values(), *_SPARE}
    for color in colors:
        assert _contrast(text_color(color), color) >= 4.5, color
    assert {text_color(c) for c in colors} == {"black", "white"}
