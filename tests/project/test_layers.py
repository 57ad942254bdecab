"""The import-linter contracts in pyproject.toml hold, and bite: an upward import, a cycle
between packages or sibling modules, a solver import in the checker or an undeclared
top-level module each make ``lint-imports`` fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter")

ROOT = Path(__file__).resolve().parents[2]


#: ``lint-imports``, run by this interpreter (the script may not be on PATH).
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package and pyproject.toml under ``root``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            LINT_IMPORTS,
            "--no-cache",
            "--config",
            str(root / "pyproject.toml"),
        ],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    """The package and pyproject.toml, copied (without caches) to lint a changed version."""
    shutil.copytree(
        ROOT / "gaugeopt", tmp_path / "gaugeopt", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _add_import(root: Path, module: str, line: str) -> None:
    path = root / "gaugeopt" / module
    path.write_text(path.read_text() + f"\n{line}\n")


def test_the_package_keeps_every_contract() -> None:
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


# (module that gets the import, the import, what lint-imports must report)
BAD = {
    # the file model reaching up into the rulebook
    "upward": (
        "model/solution.py",
        "import gaugeopt.rules",
        "gaugeopt.model is not allowed to import gaugeopt.rules",
    ),
    # the cycle issue 21 found: bounds importing the model that imports the bounds
    "package cycle": (
        "bounds/energy.py",
        "import gaugeopt.gauge.build",
        "gaugeopt.bounds is not allowed to import gaugeopt.gauge",
    ),
    # two readers on one layer stay independent
    "sideways": (
        "export/to_csv.py",
        "import gaugeopt.report",
        "gaugeopt.export is not allowed to import gaugeopt.report",
    ),
    # the checker reads the contract on its own
    "checker": (
        "checker/check.py",
        "from gaugeopt.rules import RULES",
        "gaugeopt.checker is not allowed to import gaugeopt.rules",
    ),
    # gantt_png imports timeline: the way back closes a cycle inside gaugeopt.report
    "module cycle": (
        "report/timeline.py",
        "import gaugeopt.report.gantt_png",
        "No import cycle between the sibling modules of any package BROKEN",
    ),
    # the record of a solve draws nothing: its plots are the readers' (issue 21 item 4)
    "record to reader": (
        "result.py",
        "import gaugeopt.report",
        "gaugeopt.result is not allowed to import gaugeopt.report",
    ),
    # an import hidden in a function body counts as much as one at the top
    "lazy upward": (
        "pipeline/state.py",
        "def _f():\n    import gaugeopt.whatif",
        "gaugeopt.pipeline is not allowed to import gaugeopt.whatif",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_import_breaks_the_contract(tmp_path: Path, case: str) -> None:
    module, line, report = BAD[case]
    root = _copy(tmp_path)
    _add_import(root, module, line)
    done = _lint(root)
    assert done.returncode != 0
    assert report in done.stdout, done.stdout + done.stderr


def test_a_new_top_level_module_needs_a_layer(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "gaugeopt" / "orphan.py").write_text('"""Not in any layer."""\n')
    done = _lint(root)
    assert done.returncode != 0
    assert "gaugeopt.orphan" in done.stdout, done.stdout + done.stderr
