"""The worked example instances shipped in ``instances/examples/``, without the solution files
that ``gaugeopt solve`` writes beside an instance by default (the README's first command
leaves ``khasan-armoured.solution.json`` there before a user runs the tests)."""

from __future__ import annotations

from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "instances" / "examples"


def example_instances(folder: Path = EXAMPLES_DIR) -> list[Path]:
    """The instance files of ``folder``, in name order, solution files left out."""
    return sorted(p for p in folder.glob("*.json") if not p.name.endswith(".solution.json"))
