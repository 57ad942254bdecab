"""The instance generator: deterministic, valid, within its stated sizes, feasible."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.checker import check
from gaugeopt.cli import app
from gaugeopt.construct import construct
from gaugeopt.generate import LARGE_DAY_CARRIAGES, SIZES, generate
from gaugeopt.generate.trains import bogie_need
from gaugeopt.model.io import parse_instance, read_instance

CASES = [("single", "small"), ("single", "medium"), ("day", "small"), ("scarce", "small")]


def _dump(inst) -> str:
    return json.dumps(inst.model_dump(mode="json"), sort_keys=True)


@pytest.mark.parametrize(("family", "size"), CASES)
def test_same_seed_same_instance(family: str, size: str) -> None:
    assert _dump(generate(family, 7, size)) == _dump(generate(family, 7, size))


def test_different_seeds_differ() -> None:
    assert _dump(generate("day", 1, "small")) != _dump(generate("day", 2, "small"))


@pytest.mark.parametrize(("family", "size"), CASES)
def test_sizes_and_validity(family: str, size: str) -> None:
    lo, hi = SIZES[family][size]
    for seed in range(3):
        inst = generate(family, seed, size)
        # a round trip through the file format keeps it valid and equal
        assert _dump(parse_instance(inst.model_dump(mode="json"))) == _dump(inst)
        assert inst.name == f"{family}-{size}-{seed:04d}"
        if family == "single":
            assert len(inst.trains) == 1
            assert lo <= len(inst.trains[0].carriages) <= hi
        else:
            assert lo <= len(inst.trains) <= hi
        heaviest = max(c.mass_t for t in inst.trains for c in t.carriages)
        assert max(t.max_mass_t for t in inst.station.tracks) >= heaviest


def test_scarce_is_lean() -> None:
    inst = generate("scarce", 3, "small")
    st = inst.station
    heavy_tracks = [t for t in st.tracks if t.max_mass_t > 100]
    assert len(heavy_tracks) == 1
    assert all(any(c.mass_t > 100 for c in t.carriages) for t in inst.trains)
    assert all(t.jack_sets <= 2 for t in st.tracks if t.method == "individual")
    # no night work: every shift lies within 06:00-22:00 of its day
    assert all(a % 1440 >= 360 and (b - 1) % 1440 < 1320 for c in st.crews for a, b in c.shifts)
    need = bogie_need([t.model_dump() for t in inst.trains])
    stock = {(b.gauge, b.type): b.count for b in st.bogie_stock}
    assert all(stock[key] == max(per) for key, per in need.items())


def test_day_has_both_directions_and_cycling_bogies() -> None:
    inst = generate("day", 2, "small")
    directions = {(t.from_gauge, t.to_gauge) for t in inst.trains}
    assert {(1435, 1520), (1520, 1435)} <= directions
    need = bogie_need([t.model_dump() for t in inst.trains])
    stock = {(b.gauge, b.type): b.count for b in inst.station.bogie_stock}
    assert any(stock[key] < sum(per) for key, per in need.items())


def test_construct_schedules_generated_instances() -> None:
    for family, size, seed in [("single", "small", 4), ("day", "small", 3), ("scarce", "small", 2)]:
        inst = generate(family, seed, size)
        sol = construct(inst, time_limit=math.inf, seed=0)
        assert sol is not None
        assert check(inst, sol) == []


def test_unknown_family_or_size() -> None:
    with pytest.raises(ValueError, match="family"):
        generate("weekly", 0)
    with pytest.raises(ValueError, match="size"):
        generate("single", 0, "large")


def test_committed_large_sets_are_large() -> None:
    folder = Path(__file__).resolve().parents[2] / "instances" / "bench" / "large"
    files = sorted(folder.glob("*.json"))
    assert len(files) >= 3
    for f in files:
        inst = read_instance(f)
        assert len(inst.trains) >= 30
        assert sum(len(t.carriages) for t in inst.trains) >= LARGE_DAY_CARRIAGES


def test_cli_generate(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "generate",
            "single",
            "--seed",
            "3",
            "--count",
            "2",
            "--size",
            "small",
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in tmp_path.glob("*.json"))
    assert files == ["single-small-0003.json", "single-small-0004.json"]
    assert _dump(read_instance(tmp_path / files[0])) == _dump(generate("single", 3, "small"))
    bad = runner.invoke(app, ["generate", "weekly", "--seed", "1", "--out", str(tmp_path)])
    assert bad.exit_code == 2


def test_committed_files_are_what_generate_draws() -> None:
    folder = Path(__file__).resolve().parents[2] / "instances" / "bench" / "small"
    for name in ("single-small-0001", "day-small-0002", "scarce-small-0003"):
        family, size, seed = name.rsplit("-", 2)
        assert _dump(read_instance(folder / f"{name}.json")) == _dump(
            generate(family, int(seed), size)
        )


# --- exact sizes (--carriages, --trains): the scale set of issue 7 ---------------------------


@pytest.mark.parametrize(
    ("family", "kw", "name"),
    [
        ("single", {"carriages": 6}, "single-c06-0002"),
        ("single", {"carriages": 60}, "single-c60-0002"),
        ("single", {"carriages": 37}, "single-c37-0002"),
        ("day", {"trains": 4}, "day-t04-0002"),
        ("day", {"trains": 11}, "day-t11-0002"),
    ],
)
def test_fixed_count_is_honoured(family: str, kw: dict, name: str) -> None:
    inst = generate(family, 2, **kw)
    assert inst.name == name
    if family == "single":
        assert len(inst.trains) == 1
        assert len(inst.trains[0].carriages) == kw["carriages"]
    else:
        assert len(inst.trains) == kw["trains"]
    assert _dump(inst) == _dump(generate(family, 2, **kw))  # same seed, same instance
    assert construct(inst, time_limit=math.inf, seed=0) is not None  # feasible


def test_fixed_count_rejects_bad_values() -> None:
    with pytest.raises(ValueError, match="carriages"):
        generate("day", 1, carriages=10)
    with pytest.raises(ValueError, match="trains"):
        generate("single", 1, trains=10)
    with pytest.raises(ValueError, match="trains"):
        generate("scarce", 1, trains=4)
    with pytest.raises(ValueError, match=r"6\.\.60"):
        generate("single", 1, carriages=61)
    with pytest.raises(ValueError, match=r"4\.\.40"):
        generate("day", 1, trains=3)
    with pytest.raises(ValueError, match="size"):
        generate("single", 1, "small", carriages=10)


def _cli(args: list[str]):
    return CliRunner().invoke(app, ["generate", *args])


def test_cli_fixed_count_same_seed_same_file(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        res = _cli(
            ["single", "--carriages", "12", "--seed", "5", "-n", "2", "-o", str(tmp_path / sub)]
        )
        assert res.exit_code == 0, res.output
        res = _cli(["day", "--trains", "5", "--seed", "5", "-o", str(tmp_path / sub)])
        assert res.exit_code == 0, res.output
    names = sorted(p.name for p in (tmp_path / "a").glob("*.json"))
    assert names == ["day-t05-0005.json", "single-c12-0005.json", "single-c12-0006.json"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    inst = read_instance(tmp_path / "a" / "single-c12-0006.json")
    assert len(inst.trains[0].carriages) == 12
    assert _dump(inst) == _dump(generate("single", 6, carriages=12))
    assert len(read_instance(tmp_path / "a" / "day-t05-0005.json").trains) == 5


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["day", "--carriages", "10"], "--carriages: only for family single, got 10"),
        (["scarce", "--carriages", "10"], "--carriages: only for family single, got 10"),
        (["single", "--trains", "10"], "--trains: only for family day, got 10"),
        (["scarce", "--trains", "4"], "--trains: only for family day, got 4"),
        (["single", "--carriages", "5"], "--carriages: must be 6..60, got 5"),
        (["single", "--carriages", "61"], "--carriages: must be 6..60, got 61"),
        (["single", "--carriages", "-1"], "--carriages: must be 6..60, got -1"),
        (["day", "--trains", "3"], "--trains: must be 4..40, got 3"),
        (["day", "--trains", "41"], "--trains: must be 4..40, got 41"),
        (["day", "--trains", "10", "--size", "large"], "--size: leave it out with --trains"),
    ],
)
def test_cli_fixed_count_bad_values(tmp_path: Path, args: list[str], expected: str) -> None:
    res = _cli([*args, "--seed", "1", "-o", str(tmp_path / "out")])
    assert res.exit_code == 2, res.output
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ") and expected in lines[0], lines[0]
    assert not (tmp_path / "out").exists()  # nothing written


def test_committed_scale_set_is_what_generate_draws() -> None:
    folder = Path(__file__).resolve().parents[2] / "instances" / "bench" / "scale"
    names = sorted(p.stem for p in folder.glob("*.json"))
    singles = [f"single-c{c:02d}-{s:04d}" for c in (6, 10, 20, 30, 40, 60) for s in (1, 2)]
    days = [
        f"day-t{t:02d}-{s:04d}"
        for t, seeds in ((4, 2), (10, 2), (20, 1), (30, 1), (40, 1))
        for s in range(1, seeds + 1)
    ]
    assert names == sorted(singles + days)
    assert _dump(read_instance(folder / "single-c06-0001.json")) == _dump(
        generate("single", 1, carriages=6)
    )
    assert _dump(read_instance(folder / "day-t04-0002.json")) == _dump(generate("day", 2, trains=4))
    for name in names:  # the size the name says
        inst = read_instance(folder / f"{name}.json")
        family, tag, _ = name.split("-")
        n = int(tag[1:])
        if family == "single":
            assert len(inst.trains) == 1 and len(inst.trains[0].carriages) == n
        else:
            assert len(inst.trains) == n
