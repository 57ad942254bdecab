"""benchmarks/fingerprint.py records the bounds of instance files and reproducible example schedules, and its comparison names every entry that differs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gaugeopt.bench.baselines import import_from

ROOT = Path(__file__).resolve().parents[2]
fp = import_from(ROOT / "benchmarks", "fingerprint")
EXAMPLE = ROOT / "instances" / "examples" / "dandong-handover.json"


def _checkout(tmp_path: Path) -> Path:
    """A checkout with one example and a file that is not an instance."""
    root = tmp_path / "repo"
    (root / "instances" / "examples").mkdir(parents=True)
    shutil.copy(EXAMPLE, root / "instances" / "examples" / EXAMPLE.name)
    (root / "instances" / "notes.json").write_text('{"not": "an instance"}')
    return root


def test_the_fingerprint_is_reproducible_and_covers_bounds_and_schedules(tmp_path: Path) -> None:
    root = _checkout(tmp_path)
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    assert fp.main([str(one), "--root", str(root)]) == 0
    assert fp.main([str(two), "--root", str(root)]) == 0
    entries = json.loads(one.read_text())
    assert set(entries) == {
        "instances/examples/dandong-handover.json",
        "solve:dandong-handover.json",
    }
    solved = entries["solve:dandong-handover.json"]
    assert solved["bound"] <= solved["objective"]
    assert fp.compare(one, two) == 0


def test_the_comparison_names_what_differs(tmp_path: Path, capsys) -> None:
    before, after = tmp_path / "a.json", tmp_path / "b.json"
    before.write_text(json.dumps({"x": {"bound": 3}, "y": {"bound": 4}}))
    after.write_text(json.dumps({"x": {"bound": 3}, "y": {"bound": 5}, "z": {}}))
    assert fp.compare(before, after) == 1
    out = capsys.readouterr().out
    assert "y: {'bound': 4} -> {'bound': 5}" in out and "z:" in out and "x:" not in out
