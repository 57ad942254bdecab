"""The generator sizes its teams from the rulebook: a new operation is counted without an
edit to the generator, and the shipped generated instances come back byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from gaugeopt.generate import generate, work
from gaugeopt.model.io import write_instance
from gaugeopt.rules import OPS, OpRule

BENCH = Path(__file__).resolve().parents[2] / "instances" / "bench"

#: A made-up carriage step of the exchange, done by the examiners: 7 minutes a carriage.
WHEEL_CHECK = OpRule(
    "wheel_check", "carriage", "inspection", frozenset({"exchange"}), after=("lift",),
    per_carriage=lambda d, c: 7,
)  # fmt: skip


def _day() -> tuple[list[dict], dict[str, int]]:
    """Two trains of 10 carriages: one through, one changing gauge with two heavy cars."""
    cars = [
        {"id": f"C{k}", "mass_t": 50, "bogie_type": "b", "work_pct": 150 if k < 2 else 100}
        for k in range(10)
    ]
    trains = [
        {"id": "T", "arrival": 0, "from_gauge": 1520, "to_gauge": 1520, "carriages": cars},
        {"id": "X", "arrival": 0, "from_gauge": 1520, "to_gauge": 1435, "carriages": cars},
    ]
    dur = {
        "detach": 10, "attach": 10, "brake_test": 20, "border_check": 30, "shunt": 15,
        "couple_per_carriage": 2, "disconnect": 5, "lift": 9, "swap_per_bogie": 7, "lower": 9,
        "reconnect": 5, "changer_setup": 20, "changer_per_carriage": 3,
    }  # fmt: skip
    return trains, dur


def test_the_estimate_adds_up_the_rulebooks_minutes_by_skill() -> None:
    trains, dur = _day()
    need = work.skill_minutes(trains, dur)
    # through: detach + attach; exchange: the same, coupling 2 × 10, and per carriage
    # disconnect + reconnect (10 min, 15 for the two carriages at 150 %).
    assert need["coupling"] == 2 * 20 + 20 + 8 * 10 + 2 * 15
    assert need["shunting"] == 2 * 15 * 2  # shunt in and out of two blocks (9 + 1 carriages)
    assert need["customs"] == 2 * 30 and need["brake"] == 2 * 20
    assert need["bogie"] == 8 * 14 + 2 * 21
    assert work.exchange_minutes(trains, dur) == 8 * 42 + 2 * 63


def test_an_operation_the_rulebook_gains_is_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    trains, dur = _day()
    before = work.skill_minutes(trains, dur)
    monkeypatch.setattr(work, "OPS", (*OPS, WHEEL_CHECK))
    after = work.skill_minutes(trains, dur)
    # only the gauge-changing train has it: 7 min a carriage, 11 at 150 %
    assert after["inspection"] - before["inspection"] == 8 * 7 + 2 * 11
    assert {s: m for s, m in after.items() if s != "inspection"} == {
        s: m for s, m in before.items() if s != "inspection"
    }


@pytest.mark.parametrize("family", ["roles", "random-skills", "spread"])
def test_a_shipped_instance_of_a_crewed_family_comes_back_byte_for_byte(
    family: str, tmp_path: Path
) -> None:
    shipped = BENCH / "families" / family / f"{family}-small-0001.json"
    out = tmp_path / shipped.name
    write_instance(generate(family, 1, "small"), out)
    assert out.read_bytes() == shipped.read_bytes()
