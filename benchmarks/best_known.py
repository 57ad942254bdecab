"""Refresh the best-known values of the gauge-change benchmark instances.

    python benchmarks/best_known.py [--time-limit S] [--methods gaugeopt,direct,greedy]
        [--seeds 0,1,...] [--workers N] [--min-carriages N] [--max-carriages N] [--index FILE] [--store DIR]
        [--verify] [PATHS...]

PATHS are instance files, folders or list files as for ``gaugeopt bench`` (default: the
figures sets ``benchmarks/figures.txt``, ``benchmarks/figures-cycling.txt`` and every file
of ``instances/bench/families``). Each method runs on each instance, smallest instance
(fewest carriages) first, once per seed (all instances with the first seed, then with the
next: restarts), each run in a child process (``best_known_methods.py``); an instance whose
best-known value is proven optimal is not run again. Every schedule
goes through the checker here; a stored value is replaced only by a strictly better
checked schedule, and the bound is raised only by a solver's proven bound (see
``best_known_store.py``). The index (default ``instances/bench/bks.csv``, which ``gaugeopt
bench`` reads as the best-known values) is written after every run, so a run cut short
keeps what it found; every run is also appended to ``runs.csv`` in the store folder
(default ``instances/bench/best-known/``, with one ``NAME.solution.json`` per instance).

Before running, every stored schedule of the chosen instances is checked again (a schedule
that no longer passes, e.g. after a change of the contract, is dropped and said so);
``--verify`` does only that and exits 1 when any fails. Run one refresh at a time per index
(each writes the whole index after every run). Instances are known by file name, as in
``gaugeopt bench``'s ``bks.csv``.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from best_known_methods import METHODS
from best_known_store import (
    Candidate,
    Entry,
    consider,
    drop_schedule,
    read_index,
    relative,
    verify,
    write_index,
)

from gaugeopt.bench.discover import discover
from gaugeopt.bench.runner import code_version
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance, read_solution

log = logging.getLogger("gaugeopt.best_known")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_PATHS = [
    HERE / "figures.txt",
    HERE / "figures-cycling.txt",
    ROOT / "instances" / "bench" / "families",
]
DEFAULT_INDEX = ROOT / "instances" / "bench" / "bks.csv"
RUN_COLUMNS = [
    "date",
    "instance",
    "method",
    "seed",
    "time_limit",
    "workers",
    "code",
    "status",
    "objective",
    "lower_bound",
    "wall_time",
    "outcome",
]


@dataclass(frozen=True)
class Settings:
    """How every run of one refresh is made."""

    time_limit: float
    workers: int
    code: str

    def describe(self, method: str, seed: int) -> str:
        return (
            f"{method}, seed {seed}, time limit {self.time_limit:g} s, {self.workers} workers,"
            f" nice {os.nice(0)}, code {self.code or '?'}, {os.cpu_count()} cores (shared)"
        )


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def carriages(inst: Instance) -> int:
    return sum(len(t.carriages) for t in inst.trains)


def run_child(method: str, path: Path, seed: int, settings: Settings) -> tuple[Candidate, float]:
    """One method's run in a child process: the candidate (unchecked) and its wall time."""
    limit = settings.time_limit
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="best-known-") as tmp:
        argv = [sys.executable, str(HERE / "best_known_methods.py"), method, str(path)]
        argv += [str(limit), str(settings.workers), str(seed), tmp]
        cand = Candidate(method, settings.describe(method, seed), now(), "error")
        try:
            done = subprocess.run(argv, env=env, timeout=3 * limit + 120, capture_output=True)
        except subprocess.TimeoutExpired:
            cand.status = "timeout"
            return cand, 3 * limit + 120
        cand.date = now()  # when the run ended, with what it found
        result_file, sol_file = Path(tmp) / "result.json", Path(tmp) / "solution.json"
        if done.returncode != 0 or not result_file.is_file():
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            log.error("%s / %s: the run failed: %s", path.stem, method, tail)
            return cand, 0.0
        result = json.loads(result_file.read_text())
        cand.status, cand.lower_bound = result["status"], result["lower_bound"]
        if sol_file.is_file():
            cand.solution = read_solution(sol_file)
        return cand, float(result["wall_time"])


def _log_run(runs: Path, row: dict[str, object]) -> None:
    new = not runs.is_file()
    runs.parent.mkdir(parents=True, exist_ok=True)
    with runs.open("a", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=RUN_COLUMNS, lineterminator="\n")
        if new:
            writer.writeheader()
        writer.writerow({k: "" if row.get(k) is None else row[k] for k in RUN_COLUMNS})


def check_stored(
    entries: dict[str, Entry], insts: dict[str, tuple[Path, Instance]], root: Path
) -> int:
    """Check the stored schedules of ``insts`` again, dropping those that fail; how many."""
    failed = 0
    for name, (path, inst) in insts.items():
        entry = entries.setdefault(name, Entry(name, relative(path, root)))
        why = verify(entry, inst, root)
        if why:
            failed += 1
            drop_schedule(entry, why)
    return failed


def table(entries: dict[str, Entry], names: list[str]) -> str:
    """The index of ``names`` as a Markdown table."""
    lines = [
        "| instance | best known | lower bound | gap | found by | bound by |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        e = entries[name]
        gap = "—"
        if e.best_known and e.lower_bound is not None:
            gap = f"{100 * (e.best_known - e.lower_bound) / e.best_known:.1f} %"
        by = e.settings.split(", nice")[0] if e.settings else "—"
        bound_by = e.bound_settings.split(", nice")[0] if e.bound_settings else "—"
        obj = "—" if e.best_known is None else f"{e.best_known:,}"
        bound = "—" if e.lower_bound is None else f"{e.lower_bound:,}"
        lines.append(f"| {name} | {obj} | {bound} | {gap} | {by} | {bound_by} |")
    return "\n".join(lines)


def refresh(
    paths: list[Path],
    methods: list[str],
    seeds: list[int],
    settings: Settings,
    index: Path,
    store: Path,
    carriage_range: tuple[int, int | None] = (0, None),
) -> dict[str, Entry]:
    """Run ``methods`` × ``seeds`` on the instances of ``paths``; returns the index."""
    root = index.parent
    found = [b for b in discover(paths) if b.kind == "gauge"]
    loaded = sorted((carriages(i), b.path, i) for b in found for i in [read_instance(b.path)])
    low, high = carriage_range
    chosen = {p.stem: (p, i) for n, p, i in loaded if low <= n and (high is None or n <= high)}
    entries = read_index(index)
    check_stored(entries, chosen, root)
    write_index(entries, index)
    for seed in seeds:
        for name, (path, inst) in chosen.items():
            for method in methods:
                if entries[name].proven_optimal:
                    log.info("%s: proven optimal, not run again", name)
                    break
                cand, wall = run_child(method, path, seed, settings)
                outcome = consider(entries[name], cand, inst, store, root)
                write_index(entries, index)
                sol = cand.solution
                obj = None if sol is None else sol.objective
                log.info("%s / %s seed %d: %s: %s", name, method, seed, cand.status, outcome)
                row = {"date": cand.date, "instance": name, "method": method, "seed": seed}
                row |= {"time_limit": settings.time_limit, "workers": settings.workers}
                row |= {"code": settings.code, "status": cand.status, "objective": obj}
                row |= {"lower_bound": cand.lower_bound, "wall_time": f"{wall:.1f}"}
                _log_run(store / "runs.csv", row | {"outcome": outcome})
    return {name: entries[name] for name in chosen}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, default=DEFAULT_PATHS)
    ap.add_argument("--time-limit", "-t", type=float, default=600.0, help="seconds per run")
    ap.add_argument("--methods", "-m", default="gaugeopt,direct", help=",".join(METHODS))
    ap.add_argument("--seeds", default="0", help="comma-separated seeds, one pass each")
    ap.add_argument("--workers", "-w", type=int, default=2, help="CP-SAT workers per run")
    ap.add_argument("--min-carriages", type=int, default=0, help="skip smaller instances")
    ap.add_argument("--max-carriages", type=int, default=None, help="skip larger instances")
    ap.add_argument("--index", type=Path, default=DEFAULT_INDEX)
    ap.add_argument("--store", type=Path, default=None, help="default: best-known/ by --index")
    ap.add_argument("--verify", action="store_true", help="only check the stored schedules")
    args = ap.parse_args(argv)
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    bad = [m for m in args.methods if m not in METHODS]
    if bad or not args.methods:
        ap.error(f"--methods: choose from {', '.join(METHODS)}, got {bad or 'none'}")
    args.seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    args.store = args.store or args.index.parent / "best-known"
    return args


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    args = parse_args(argv)
    if args.verify:
        found = [b for b in discover(args.paths) if b.kind == "gauge"]
        insts = {b.path.stem: (b.path, read_instance(b.path)) for b in found}
        entries = read_index(args.index)
        failed = check_stored(entries, insts, args.index.parent)
        print(table(entries, list(insts)))
        return 1 if failed else 0
    settings = Settings(args.time_limit, args.workers, code_version())
    sizes = (args.min_carriages, args.max_carriages)
    done = refresh(args.paths, args.methods, args.seeds, settings, args.index, args.store, sizes)
    print(table(done, list(done)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
