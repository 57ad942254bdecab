"""The harder families of issues 13, 19 and 21 are seeded, valid, schedulable, and each shows
the trait it is named for: cycling, congested, roles, random-skills, spread, inspected."""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaugeopt.checker import check
from gaugeopt.cli import app
from gaugeopt.construct import construct
from gaugeopt.generate import SIZES, UNCHECKED, generate
from gaugeopt.generate.variants import CYCLING_STOCK
from gaugeopt.model.instance import SKILLS, Instance
from gaugeopt.model.io import parse_instance, read_instance

NEW = ["cycling", "congested", "roles", "random-skills", "spread"]


def _dump(inst: Instance) -> str:
    return json.dumps(inst.model_dump(mode="json"), sort_keys=True)


@pytest.mark.parametrize("family", NEW)
def test_seeded_deterministic_and_valid(family: str) -> None:
    inst = generate(family, 5, "small")
    assert _dump(inst) == _dump(generate(family, 5, "small"))
    assert _dump(inst) != _dump(generate(family, 6, "small"))
    assert _dump(parse_instance(inst.model_dump(mode="json"))) == _dump(inst)
    assert inst.name == f"{family}-small-0005"
    lo, hi = SIZES[family]["small"]
    assert lo - 1 <= len(inst.trains) <= hi  # cycling: pairs, an odd draw rounds down


@pytest.mark.parametrize("family", [f for f in NEW if f not in UNCHECKED])
def test_constructive_scheduler_schedules_them(family: str) -> None:
    inst = generate(family, 2, "small")
    sol = construct(inst, time_limit=math.inf, seed=0)
    assert sol is not None and check(inst, sol) == []


def test_spread_trains_never_meet_in_the_greedy_schedule() -> None:
    inst = generate("spread", 1, "small")
    sol = construct(inst, time_limit=math.inf, seed=0)
    assert sol is not None
    stays = sorted((t.arrival, p.departure) for t, p in zip(inst.trains, sol.trains, strict=True))
    assert all(dep <= nxt for (_, dep), (nxt, _) in itertools.pairwise(stays))


def test_cycling_bogies_must_cycle_between_directions() -> None:
    inst = generate("cycling", 3, "small")
    stock = {(b.gauge, b.type): b.count for b in inst.station.bogie_stock}
    need: Counter[tuple[int, str]] = Counter()
    back: Counter[tuple[int, str]] = Counter()
    for t in inst.trains:
        assert t.from_gauge != t.to_gauge
        for c in t.carriages:
            need[t.to_gauge, c.bogie_type] += c.bogies
            back[t.from_gauge, c.bogie_type] += c.bogies
    for key, n in need.items():
        assert stock[key] == CYCLING_STOCK and n >= 4 * CYCLING_STOCK  # well below one direction
        assert back[key] == n  # the other direction sets free exactly as many
    assert all(t.method == "individual" for t in inst.station.tracks)


def test_congested_trains_wait_into_the_next_day() -> None:
    inst = generate("congested", 1, "small")
    assert inst.horizon >= 3 * 1440
    assert max(t.arrival for t in inst.trains) < 1440  # every train arrives on day 1
    sol = construct(inst, time_limit=math.inf, seed=0)
    assert sol is not None and check(inst, sol) == []
    assert max(p.departure for p in sol.trains) > 1440


#: The skills these families' stations need: the v1.2 skill ``inspection`` only where the
#: station inspects trains (the ``inspected`` family).
EXCHANGE_SKILLS = set(SKILLS) - {"inspection"}


def _on_duty(inst: Instance, a: int, b: int) -> list[set[str]]:
    return [
        set(c.skills) for c in inst.station.crews if any(s <= a and b <= e for s, e in c.shifts)
    ]


def test_roles_crews_hold_one_or_two_skills_and_cover_every_shift() -> None:
    inst = generate("roles", 1, "small")
    assert all(1 <= len(c.skills) <= 2 for c in inst.station.crews)
    for start in range(0, inst.horizon, 720):
        on = _on_duty(inst, start, start + 720)
        assert set().union(*on) == EXCHANGE_SKILLS


def test_random_skills_three_rotating_teams_cover_every_skill() -> None:
    inst = generate("random-skills", 1, "small")
    assert inst.horizon == 2880
    teams: list[frozenset[str]] = []
    for k in range(4):
        a, b = 720 * k, 720 * (k + 1)
        crews = [c for c in inst.station.crews if (a, b) in c.shifts]
        assert crews and set().union(*(set(c.skills) for c in crews)) == EXCHANGE_SKILLS
        teams.append(frozenset(c.id for c in crews))
    assert len({teams[0], teams[1], teams[2]}) == 3 and teams[3] == teams[0]  # A B C A
    assert len({frozenset(c.skills) for c in inst.station.crews}) > 3  # random, not by trade


def test_cli_writes_a_family_and_rejects_bad_input(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["generate", "roles", "--seed", "1", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    inst = read_instance(tmp_path / "roles-any-0001.json")
    assert _dump(inst) == _dump(generate("roles", 1))
    bad = runner.invoke(app, ["generate", "cycling", "--seed", "1", "--size", "large", "-o", "x"])
    assert bad.exit_code == 2 and "--size" in bad.output and len(bad.output.splitlines()) == 1
    bad = runner.invoke(app, ["generate", "roles", "--seed", "1", "--trains", "5", "-o", "x"])
    assert bad.exit_code == 2 and "--trains" in bad.output
