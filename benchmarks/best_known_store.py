"""The store of best-known values: an index (``bks.csv``) and one checked solution file each.

The index is a ``bks.csv`` as :mod:`gaugeopt.bench.discover` reads it (columns ``instance``,
``best_known``, ``lower_bound``, ``proven_optimal``), so ``gaugeopt bench`` fills its
``best_known`` and ``deviation`` columns from it; further columns say where each value
came from: ``path`` (the instance file), ``solution`` (its best schedule), ``method`` and
``settings`` (what found the schedule), ``found`` (when, UTC), and the same three for the
bound (``bound_method``, ``bound_settings``, ``bound_found``). Paths are relative to the
index's folder (``root``), written with ``/``.

The rule of a refresh (:func:`consider`): a stored schedule is replaced only by a strictly
better one that passes the checker (``gaugeopt.checker.check``, never a method's own claim);
the bound is raised only by a method that proves bounds (``BOUND_METHODS``), and never above
the best checked schedule (that would be a wrong bound: refused, and said so).
"""

from __future__ import annotations

import csv
import io
import logging
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from gaugeopt.checker import check
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import atomic_write_text, read_solution, write_solution
from gaugeopt.model.solution import Solution

log = logging.getLogger("gaugeopt.best_known")

#: Methods whose reported lower bound is a proof (the greedy reports none).
BOUND_METHODS = frozenset({"gaugeopt", "direct"})


@dataclass
class Entry:
    """One instance's row of the index."""

    instance: str
    path: str
    best_known: int | None = None
    lower_bound: int | None = None
    proven_optimal: bool = False
    solution: str = ""
    method: str = ""
    settings: str = ""
    found: str = ""
    bound_method: str = ""
    bound_settings: str = ""
    bound_found: str = ""


COLUMNS = [f.name for f in fields(Entry)]
#: The leading columns, in the order discover's readers expect them.
_ORDER = ["instance", "best_known", "lower_bound", "proven_optimal", "path", "solution"]


@dataclass
class Candidate:
    """What one run of one method gave: its schedule (unchecked) and its bound."""

    method: str
    settings: str
    date: str
    status: str
    solution: Solution | None = None
    lower_bound: int | None = None


def relative(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (the index's folder), with ``/``."""
    return Path(os.path.relpath(path, root)).as_posix()


def _int(text: str) -> int | None:
    return int(float(text)) if text.strip() else None


def read_index(path: Path) -> dict[str, Entry]:
    """The index by instance name (empty when the file does not exist yet)."""
    if not path.is_file():
        return {}
    out: dict[str, Entry] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            entry = Entry(**{k: row.get(k) or "" for k in COLUMNS})  # type: ignore[arg-type]
            entry.best_known = _int(row.get("best_known") or "")
            entry.lower_bound = _int(row.get("lower_bound") or "")
            entry.proven_optimal = (row.get("proven_optimal") or "") == "True"
            out[entry.instance] = entry
    return out


def write_index(entries: dict[str, Entry], path: Path) -> None:
    """Write the index atomically, one row per instance in name order."""
    columns = _ORDER + [c for c in COLUMNS if c not in _ORDER]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for name in sorted(entries):
        row = asdict(entries[name])
        writer.writerow({k: "" if row[k] is None else row[k] for k in columns})
    atomic_write_text(path, buf.getvalue())


def _settle(entry: Entry) -> None:
    entry.proven_optimal = (
        entry.best_known is not None
        and entry.lower_bound is not None
        and entry.lower_bound >= entry.best_known
    )


def verify(entry: Entry, inst: Instance, root: Path) -> list[str]:
    """Why the stored schedule of ``entry`` does not hold (empty: it does): the file is
    missing, breaks a rule of the checker, or has another objective than the index."""
    if entry.best_known is None:
        return []
    file = root / entry.solution
    if not entry.solution or not file.is_file():
        return [f"no solution file {entry.solution!r}"]
    sol = read_solution(file)
    problems = [str(v) for v in check(inst, sol)]
    if sol.objective != entry.best_known:
        problems.append(f"solution objective {sol.objective} != index {entry.best_known}")
    if entry.lower_bound is not None and entry.lower_bound > entry.best_known:
        problems.append(f"bound {entry.lower_bound} above the objective {entry.best_known}")
    return problems


def drop_schedule(entry: Entry, why: list[str]) -> None:
    """Forget a stored schedule that no longer holds (its bound stays: a proof needs none)."""
    log.warning("%s: stored schedule dropped: %s", entry.instance, "; ".join(why[:3]))
    entry.best_known = None
    entry.solution = entry.method = entry.settings = entry.found = ""
    _settle(entry)


def consider(entry: Entry, cand: Candidate, inst: Instance, store: Path, root: Path) -> str:
    """Apply the refresh rule to one run's result; returns what happened, in words.

    ``store`` is the folder of solution files; the schedule is written there
    (``NAME.solution.json``) only when it passes the checker and is strictly better.
    """
    said = []
    objective = None
    if cand.solution is not None:
        violations = check(inst, cand.solution)
        if violations:
            log.warning("%s: %s schedule refused: %s", inst.name, cand.method, violations[0])
            said.append(f"schedule refused by the checker ({len(violations)} violations)")
        else:
            objective = cand.solution.objective
    if objective is not None and (entry.best_known is None or objective < entry.best_known):
        file = store / f"{entry.instance}.solution.json"
        write_solution(cand.solution, file)  # type: ignore[arg-type]
        said.append(f"new best {objective} (was {entry.best_known})")
        entry.best_known, entry.method, entry.settings = objective, cand.method, cand.settings
        entry.solution, entry.found = relative(file, root), cand.date
    elif objective is not None:
        said.append(f"{objective}, not better than {entry.best_known}")
    said += _raise_bound(entry, cand)
    _settle(entry)
    return "; ".join(said) or "no schedule"


def _raise_bound(entry: Entry, cand: Candidate) -> list[str]:
    bound = cand.lower_bound
    if bound is None or cand.method not in BOUND_METHODS:
        return []
    if entry.best_known is not None and bound > entry.best_known:
        log.error(
            "%s: %s bound %s is above a checked schedule of %s: refused (a wrong bound)",
            entry.instance,
            cand.method,
            bound,
            entry.best_known,
        )
        return [f"bound {bound} refused: above the checked {entry.best_known}"]
    if entry.lower_bound is not None and bound <= entry.lower_bound:
        return []
    was = entry.lower_bound
    entry.lower_bound = bound
    entry.bound_method, entry.bound_settings, entry.bound_found = (
        cand.method,
        cand.settings,
        cand.date,
    )
    return [f"bound raised to {bound} (was {was})"]
