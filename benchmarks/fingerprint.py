"""What a refactoring must not change, as one JSON file to compare between two commits.

For every instance file under ``instances/`` (not the solution files): each train's own
dwell bound and the objective's search-free bound. For every worked example: the schedule
of a reproducible solve (one worker, seed 0, a deterministic 3 s budget), its objective,
bound and a hash of the schedule. Run it in a checkout of each commit (the package and the
instances of the current directory: ``PYTHONPATH=.``; the script may come from elsewhere,
as an old commit does not have it) and compare:

    before=$(mktemp -d)/before && git worktree add "$before" <commit>
    (cd "$before" && PYTHONPATH=. python "$OLDPWD/benchmarks/fingerprint.py" "$before.json")
    PYTHONPATH=. python benchmarks/fingerprint.py after.json
    python benchmarks/fingerprint.py --compare "$before.json" after.json

``--compare`` prints every entry that differs and exits 1 if any does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import gaugeopt
from gaugeopt.bounds import lower_bound, train_dwell_bounds
from gaugeopt.errors import InputError
from gaugeopt.model.io import read_instance
from gaugeopt.params import SolveParams

#: The reproducible solve: one worker, the clock only a safety net far beyond the budget.
BUDGET = {"time_limit": 3.0, "workers": 1, "seed": 0, "params": SolveParams(clock_slack=20)}


def _instance_files(root: Path) -> list[Path]:
    files = sorted((root / "instances").rglob("*.json"))
    return [p for p in files if not p.name.endswith(".solution.json")]


def bounds(root: Path) -> dict[str, Any]:
    """Each instance file's bounds, by path (files that are not instances are skipped)."""
    out: dict[str, Any] = {}
    for path in _instance_files(root):
        try:
            inst = read_instance(path)
        except InputError:
            continue
        own = train_dwell_bounds(inst)
        out[str(path.relative_to(root))] = {"own": own, "bound": lower_bound(inst, own=own)}
    return out


def schedules(root: Path) -> dict[str, Any]:
    """Each example's reproducible schedule: objective, bound and a hash of it."""
    out: dict[str, Any] = {}
    for path in sorted((root / "instances" / "examples").glob("*.json")):
        if path.name.endswith(".solution.json"):
            continue
        result = gaugeopt.solve(read_instance(path), **BUDGET)
        body = result.solution.model_dump_json().encode()
        out["solve:" + path.name] = {
            "objective": result.objective,
            "bound": result.lower_bound,
            "sha256": hashlib.sha256(body).hexdigest()[:16],
        }
    return out


def compare(before: Path, after: Path) -> int:
    """Print the entries that differ; 1 if any does, else 0."""
    a, b = json.loads(before.read_text()), json.loads(after.read_text())
    differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    for key in differ:
        print(f"{key}: {a.get(key)} -> {b.get(key)}")
    print(f"{len(a)} entries before, {len(b)} after, {len(differ)} differ")
    return 1 if differ else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, help="JSON file to write")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the checkout to read")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("give the JSON file to write, or --compare BEFORE AFTER")
    entries = {**bounds(args.root), **schedules(args.root)}
    args.out.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n")
    print(f"{len(entries)} entries written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
