"""The repository stands alone: nothing it runs or documents lives beside it.

Tests, benchmark lists and scripts, package sources and docs must not point outside the
repository root (``../shared``, an absolute path beside the repository, a ``../`` path that
climbs out). The data the tests and samples read is shipped in ``benchmarks/data`` and tracked
by git, and the file-format docs match the models.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tarfile
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

import gaugeopt
from gaugeopt.bench.discover import discover
from gaugeopt.model import instance as instance_model
from gaugeopt.model import solution as solution_model
from gaugeopt.model.io import parse_instance, parse_solution

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "benchmarks" / "data"
PSPLIB = DATA / "psplib"
SKIP_DIRS = {"__pycache__", "build", "dist", "node_modules"}

#: Any mention of the sibling steering folder, however it is reached (relative or absolute).
SHARED = re.compile(
    r"(\.\./)+shared\b|\bshared/(DESIGN|benchmarks|research|hooks)\b"
    r"|(?<![\w.])/(?:[\w.\-]+/)*shared\b"
)
#: A relative path that starts by climbing (``../x``, ``../../x/y``).
CLIMB = re.compile(r"(?<![\w.])(?:\.\./)+[\w.\-/]*")
#: Python code that builds a path to a folder named ``shared``.
SHARED_LITERAL = re.compile(r"""["']shared["']""")


def _walk(folder: Path, pattern: str) -> list[Path]:
    return sorted(
        p
        for p in folder.rglob(pattern)
        if p.is_file()
        and not any(part.startswith(".") or part in SKIP_DIRS for part in p.relative_to(ROOT).parts)
        and not any(part.endswith(".egg-info") for part in p.parts)
    )


def _checked_files() -> list[Path]:
    """Tests, benchmark lists and scripts, package and benchmark code, docs, pyproject."""
    bench = ROOT / "benchmarks"
    files = [
        *_walk(ROOT / "tests", "*.py"),
        *sorted(bench.glob("*.txt")),
        *sorted(bench.glob("*.sh")),
        *_walk(bench, "*.py"),
        *_walk(ROOT / "gaugeopt", "*.py"),
        *_walk(ROOT / "instances", "*.py"),
        *_walk(ROOT, "*.md"),
        ROOT / "pyproject.toml",
    ]
    return sorted(set(files) - {Path(__file__).resolve()})  # this file names the patterns


def _inside(path: Path) -> bool:
    return Path(os.path.normpath(path)).is_relative_to(ROOT)


def _outside_lines(text: str, base: Path, code: bool) -> list[int]:
    """Numbers of the lines of ``text`` that point outside the repository.

    ``base`` is the folder relative paths start from; ``code``: the text is Python.
    """
    beside = f"{ROOT.parent}{os.sep}" if ROOT.parent != ROOT.parent.parent else None
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        bad = bool(SHARED.search(line))
        bad |= code and bool(SHARED_LITERAL.search(line))
        bad |= beside is not None and beside in line.replace(f"{ROOT}{os.sep}", "")
        bad |= any(not _inside(base / m.group(0)) for m in CLIMB.finditer(line))
        if bad:
            out.append(n)
    return out


def _outside_mentions(path: Path) -> list[str]:
    """Each line of ``path`` that points outside the repository, as 'file:line: text'."""
    base = ROOT if path.suffix == ".sh" else path.parent  # scripts cd to the root first
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    return [
        f"{path.relative_to(ROOT)}:{n}: {lines[n - 1].strip()}"
        for n in _outside_lines(text, base, path.suffix == ".py")
    ]


def test_the_scan_covers_what_the_repository_runs_and_documents() -> None:
    names = {str(p.relative_to(ROOT)) for p in _checked_files()}
    expected = {
        "README.md",
        "docs/model.md",
        "docs/file-formats.md",
        "instances/README.md",
        "benchmarks/README.md",
        "benchmarks/data/SOURCES.md",
        "benchmarks/j60-sample.txt",
        "benchmarks/j120-sample.txt",
        "benchmarks/run_all.sh",
        "benchmarks/unpack_sets.sh",
        "tests/conftest.py",
        "tests/core/core_check.py",
        "gaugeopt/bench/discover.py",
    }
    assert expected <= names


def test_nothing_points_outside_the_repository() -> None:
    found = [hit for path in _checked_files() for hit in _outside_mentions(path)]
    assert found == []


@pytest.mark.parametrize(
    ("line", "code", "outside"),
    [
        ("see `../shared/DESIGN.md`", False, True),
        ("../../shared/benchmarks/psplib/j60/j6010_1.sm", False, True),
        ("B=/somewhere/shared/benchmarks", False, True),
        ("cat /work/shared/x", False, True),
        ("read ../../../outside.txt", False, True),
        ('SHARED = HERE.parents[2].parent / "shared"', True, True),
        ("../instances/bench/small/single-small-0001.json", False, False),
        ("data/psplib/j60/j6010_1.sm", False, False),
        ("the machine was shared, so", False, False),
    ],
)
def test_the_scan_tells_outside_from_inside(line: str, code: bool, outside: bool) -> None:
    # as written in a file of benchmarks/ (a list file's paths start there)
    assert _outside_lines(line, ROOT / "benchmarks", code) == ([1] if outside else [])


def _list_entries(listing: Path) -> list[str]:
    lines = listing.read_text(encoding="utf-8").splitlines()
    return [e for e in (line.split("#", 1)[0].strip() for line in lines) if e]


@pytest.mark.parametrize("listing", sorted((ROOT / "benchmarks").glob("*.txt")), ids=str)
def test_benchmark_lists_resolve_inside_the_repository(listing: Path) -> None:
    entries = _list_entries(listing)
    assert entries
    for entry in entries:
        target = listing.parent / entry
        assert _inside(target), entry
        assert target.exists(), entry


def test_the_samples_are_shipped_files_with_best_known_values() -> None:
    bench = ROOT / "benchmarks"
    found = discover([bench / "j60-sample.txt", bench / "j120-sample.txt"])
    assert len(found) == 40
    assert {f.set for f in found} == {"j60", "j120"}
    for f in found:
        assert f.path.resolve().is_relative_to(PSPLIB.resolve())
        assert f.best_known is not None and f.best_known_lb is not None


def _bks_names(table: Path) -> set[str]:
    with table.open(newline="", encoding="utf-8") as fh:
        return {row["instance"] for row in csv.DictReader(fh)}


def test_shipped_sets_are_complete_and_have_best_known_values() -> None:
    assert len(list((PSPLIB / "j30").glob("*.sm"))) == 480
    assert len(list((DATA / "mmlib" / "mmlib50").glob("*.mm"))) == 12
    assert len(list((DATA / "mmlib" / "mmlib100").glob("*.mm"))) == 12
    psplib_bks, mmlib_bks = _bks_names(PSPLIB / "bks.csv"), _bks_names(DATA / "mmlib" / "bks.csv")
    for f in PSPLIB.glob("j*/*.sm"):
        assert f.stem in psplib_bks, f
    for f in (DATA / "mmlib").glob("*/*.mm"):
        assert f.stem in mmlib_bks, f
    for name, count in (("j60", 480), ("j120", 600)):
        with tarfile.open(PSPLIB / f"{name}.tar.xz") as archive:
            members = [m for m in archive.getmembers() if m.name.endswith(".sm")]
            assert len(members) == count
            assert all(m.name.startswith(f"{name}/") and m.isfile() for m in members)
            assert {Path(m.name).stem for m in members} <= psplib_bks


def _ignored(rel: str, rules: list[str]) -> bool:
    """Whether git would ignore ``rel`` (relative to the rules' folder): last match wins."""
    ignored = False
    for rule in rules:
        negate = rule.startswith("!")
        pattern = rule[1:] if negate else rule
        if fnmatchcase(rel, pattern.lstrip("/")):
            ignored = not negate
    return ignored


def _gitignore_rules() -> list[str]:
    text = (PSPLIB / ".gitignore").read_text(encoding="utf-8").splitlines()
    return [r.strip() for r in text if r.strip() and not r.startswith("#")]


def _read_by_tests() -> set[str]:
    """j60/j120 files the tests name, as 'j120/j12011_1.sm' (j30 and MMLIB are whole)."""
    names = set()
    for test in set(_walk(ROOT / "tests", "*.py")) - {Path(__file__).resolve()}:
        for name in re.findall(r"\b(j(?:60|120)\d+_\d+)\b", test.read_text(encoding="utf-8")):
            names.add(f"{'j60' if name.startswith('j60') else 'j120'}/{name}.sm")
    return names


def test_the_files_tests_and_samples_read_are_tracked_and_unpacked_sets_are_not() -> None:
    rules = _gitignore_rules()
    needed = set(_read_by_tests())
    assert "j120/j12011_1.sm" in needed  # tests/core/test_solve.py reads it
    for listing in sorted((ROOT / "benchmarks").glob("*.txt")):
        for entry in _list_entries(listing):
            target = Path(os.path.normpath(listing.parent / entry))
            if target.is_relative_to(PSPLIB):
                needed.add(target.relative_to(PSPLIB).as_posix())
    for rel in sorted(needed):
        assert (PSPLIB / rel).is_file(), rel
        assert not _ignored(rel, rules), rel
    for name in ("j60", "j120"):
        with tarfile.open(PSPLIB / f"{name}.tar.xz") as archive:
            members = {m for m in archive.getnames() if m.endswith(".sm")}
        kept = {m for m in members if not _ignored(m, rules)}
        assert kept <= needed  # the rest of an unpacked set stays out of git
        assert len(members) - len(kept) > 400


def _json_blocks(doc: Path) -> list[str]:
    return re.findall(r"```json\n(.*?)```", doc.read_text(encoding="utf-8"), flags=re.S)


def test_the_file_format_examples_are_valid_and_the_solution_checks() -> None:
    blocks = _json_blocks(ROOT / "docs" / "file-formats.md")
    assert len(blocks) == 2
    inst = parse_instance(blocks[0], source="docs/file-formats.md")
    sol = parse_solution(blocks[1], source="docs/file-formats.md")
    assert sol.instance == inst.name and sol.status == "optimal"
    assert gaugeopt.check(inst, sol) == []
    assert json.loads(blocks[1])["objective"] == sum(t.dwell for t in sol.trains)


FORMAT_MODELS = [
    instance_model.Instance,
    instance_model.Station,
    instance_model.Track,
    instance_model.BogieStock,
    instance_model.Crew,
    instance_model.Locomotive,
    instance_model.Durations,
    instance_model.Train,
    instance_model.InboundLoco,
    instance_model.Carriage,
    solution_model.Solution,
    solution_model.TrainPlan,
    solution_model.Block,
    solution_model.Task,
]


@pytest.mark.parametrize("model", FORMAT_MODELS, ids=lambda m: m.__name__)
def test_the_file_format_doc_names_every_field(model: type) -> None:
    doc = (ROOT / "docs" / "file-formats.md").read_text(encoding="utf-8")
    missing = [name for name in model.model_fields if f"`{name}`" not in doc]
    assert missing == []


def test_relative_links_in_docs_lead_to_files_in_the_repository() -> None:
    link = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")
    broken = []
    for doc in _walk(ROOT, "*.md"):
        for target in link.findall(doc.read_text(encoding="utf-8")):
            if "://" in target or target.startswith("mailto:"):
                continue
            path = doc.parent / target
            if not (_inside(path) and path.exists()):
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert broken == []
