"""Finding benchmark instances and their best-known values.

A PATH is an instance file (``.json`` gauge-change instance, ``.sm`` PSPLIB, ``.mm`` MMLIB),
a folder (searched recursively for those), or a list file (``.txt``/``.list``: one path per
line, relative to the list file; ``#`` starts a comment). Best-known values come from a
``bks.csv`` (columns ``instance, best_known, lower_bound, proven_optimal``) in the folder of
an instance or one of its three nearest ancestors, as in the repository's ``benchmarks/data/``
(``psplib/bks.csv`` serves ``psplib/j30/*.sm``, ``mmlib/bks.csv`` serves ``mmlib/mmlib50/*.mm``).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from gaugeopt.errors import InputError

KINDS = {".json": "gauge", ".sm": "psplib", ".mm": "mmlib"}
LIST_SUFFIXES = (".txt", ".list")


@dataclass(frozen=True)
class BenchInstance:
    """One instance file: its kind, the set it belongs to (its folder's name) and its BKS."""

    path: Path
    kind: str
    set: str
    best_known: float | None = None
    best_known_lb: float | None = None
    best_known_optimal: bool | None = None

    @property
    def name(self) -> str:
        return self.path.stem


@cache
def _bks_table(path: Path) -> dict[str, tuple[float | None, float | None, bool | None]]:
    out = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):

            def num(key: str, row: dict = row) -> float | None:
                value = (row.get(key) or "").strip()
                return float(value) if value else None

            opt = (row.get("proven_optimal") or "").strip()
            out[row["instance"]] = (
                num("best_known"),
                num("lower_bound"),
                None if not opt else opt in ("1", "True", "true"),
            )
    return out


def best_known(path: Path) -> tuple[float | None, float | None, bool | None]:
    """(best_known, lower_bound, proven_optimal) of an instance file, or Nones."""
    folder = path.resolve().parent
    for parent in [folder, *list(folder.parents)[:3]]:
        table = parent / "bks.csv"
        if table.is_file():
            hit = _bks_table(table).get(path.stem)
            if hit is not None:
                return hit
    return None, None, None


def _files(path: Path, seen: set[Path]) -> list[Path]:
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.suffix in KINDS and p.is_file())
        return [p for p in found if not p.name.endswith(".solution.json")]
    if path.suffix in LIST_SUFFIXES:
        if path in seen:
            return []
        seen.add(path)
        out: list[Path] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = line.split("#", 1)[0].strip()
            if entry:
                target = (path.parent / entry).resolve()
                if not target.exists():
                    raise InputError("no such file or folder", path=f"{path}: {entry}")
                out += _files(target, seen)
        return out
    if path.suffix not in KINDS:
        raise InputError(
            "not an instance file (.json, .sm, .mm), folder or list (.txt, .list)", path=str(path)
        )
    return [path]


def discover(paths: Sequence[str | Path]) -> list[BenchInstance]:
    """Every instance under ``paths``, in order, without duplicates; InputError on a bad path."""
    out: list[BenchInstance] = []
    done: set[Path] = set()
    seen_lists: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError("no such file or folder", path=str(path))
        for f in _files(path, seen_lists):
            key = f.resolve()
            if key in done:
                continue
            done.add(key)
            bk, lb, opt = best_known(f)
            out.append(BenchInstance(f, KINDS[f.suffix], f.parent.name, bk, lb, opt))
    return out
