"""The instance generator: deterministic, valid, within its stated sizes, feasible."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.checker import check
from gaugeopt.cli import _register, app
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
    folder = Path(__file__).resolve().parents[1] / "instances" / "bench" / "large"
    files = sorted(folder.glob("*.json"))
    assert len(files) >= 3
    for f in files:
        inst = read_instance(f)
        assert len(inst.trains) >= 30
        assert sum(len(t.carriages) for t in inst.trains) >= LARGE_DAY_CARRIAGES


def test_cli_generate(tmp_path: Path) -> None:
    _register()
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
    folder = Path(__file__).resolve().parents[1] / "instances" / "bench" / "small"
    for name in ("single-small-0001", "day-small-0002", "scarce-small-0003"):
        family, size, seed = name.rsplit("-", 2)
        assert _dump(read_instance(folder / f"{name}.json")) == _dump(
            generate(family, int(seed), size)
        )
