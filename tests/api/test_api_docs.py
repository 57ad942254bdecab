"""docs/api.md is what docs/make_api.py builds from the public API's numpy-style docstrings,
and each public function documents its Parameters and Returns."""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
from pathlib import Path
from types import ModuleType

import pytest

import gaugeopt
from gaugeopt import solver

ROOT = Path(__file__).resolve().parents[2]


sys.path.insert(0, str(ROOT / "docs"))  # docs/make_api.py is a script, not in the package
make_api = importlib.import_module("make_api")


def test_the_api_page_is_current() -> None:
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert page == make_api.render(), "docs/api.md is out of date: run python3 docs/make_api.py"


def test_a_changed_docstring_makes_the_page_stale(monkeypatch: pytest.MonkeyPatch) -> None:
    before = make_api.render()
    doc = solver.solve.__doc__ or ""
    monkeypatch.setattr(solver.solve, "__doc__", doc.replace("Seconds the search", "Minutes"))
    assert make_api.render() != before


@pytest.mark.parametrize("public", [e[0] for e in make_api.ENTRIES])
def test_each_entry_is_the_public_name_and_has_its_sections(public: str) -> None:
    _, module, name = next(e for e in make_api.ENTRIES if e[0] == public)
    obj = make_api.public_object(module, name)
    exported = functools.reduce(getattr, public.split(".")[1:], gaugeopt)
    # gaugeopt.replan, .whatif and .report are callable packages that hand the call on
    assert exported is obj or (isinstance(exported, ModuleType) and callable(exported))
    sections = make_api.sections(inspect.getdoc(obj) or "")
    assert "Parameters" in sections
    if not inspect.isclass(obj):
        assert "Returns" in sections
        documented = {h.partition(" : ")[0] for h, _ in make_api.entries(sections["Parameters"])}
        assert documented == set(inspect.signature(obj).parameters)


def test_a_missing_section_stops_the_build(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = solver.solve.__doc__ or ""
    monkeypatch.setattr(solver.solve, "__doc__", doc.split("    Returns\n")[0])
    with pytest.raises(SystemExit, match=r"gaugeopt.solve: the docstring has no Returns"):
        make_api.render()


def test_numpy_sections_become_markdown_lists() -> None:
    doc = "Add.\n\nParameters\n----------\nx : int\n    The first\n    one.\n\nReturns\n-------\nint\n    ``x`` + 1.\n"
    assert make_api.markdown(doc) == (
        "Add.\n\n**Parameters**\n\n- `x` (*int*): The first one.\n\n"
        "**Returns**\n\n- *int*: `x` + 1.\n"
    )


def test_gaugeopt_report_stays_the_function_once_the_package_is_imported(tmp_path: Path) -> None:
    import gaugeopt.report  # makes gaugeopt.report the package, which must stay callable

    inst = gaugeopt.read_instance(ROOT / "instances" / "examples" / "khasan-armoured.json")
    empty = gaugeopt.Solution(instance=inst.name, status="unknown")
    with pytest.raises(gaugeopt.report.NothingToDraw):
        gaugeopt.report(inst, empty, tmp_path / "r.html")
    with pytest.raises(gaugeopt.InputError, match="must end in"):
        gaugeopt.report(inst, empty, tmp_path / "r.txt")
