"""Bad instance input is rejected with one line naming the field path and the bad value."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import builders
import pytest
from typer.testing import CliRunner

from gaugeopt.cli import app
from gaugeopt.errors import InputError
from gaugeopt.model.instance import scaled
from gaugeopt.model.io import parse_instance, read_instance

BASE: dict[str, Any] = {
    "name": "base",
    "horizon": 600,
    "station": {
        "name": "S",
        "tracks": [
            {"id": "T1", "capacity": 4, "jack_sets": 2, "max_mass_t": 100.0},
            {"id": "T2", "capacity": 6, "jack_sets": 6, "max_mass_t": 90.0, "method": "roll"},
        ],
        "shunters": [{"id": "SH1"}],
        "changer": None,
        "bogie_stock": [{"gauge": 1520, "type": "p", "count": 20}],
        "bogie_turnaround": 30,
        "loco_turnaround": 20,
        "crews": [
            {
                "id": "C1",
                "skills": ["coupling", "lifting", "bogie"],
                "shifts": [[0, 300], [300, 600]],
            },
            {"id": "C2", "skills": ["shunting", "brake", "customs"], "shifts": [[0, 600]]},
        ],
        "locomotives": [{"id": "L1", "gauge": 1520, "available_from": 0}],
        "durations": builders.durations(builders.TYPICAL),
    },
    "trains": [
        {
            "id": "A",
            "arrival": 0,
            "from_gauge": 1435,
            "to_gauge": 1520,
            "inbound_loco": {"id": "IA", "gauge": 1435},
            "carriages": [
                {"id": "A-1", "mass_t": 50.0, "bogie_type": "p"},
                {"id": "A-2", "mass_t": 55.0, "bogie_type": "p", "work_pct": 150},
            ],
        },
        {
            "id": "B",
            "arrival": 60,
            "from_gauge": 1520,
            "to_gauge": 1520,
            "carriages": [{"id": "B-1", "mass_t": 50.0, "bogie_type": "p"}],
        },
    ],
}

Path_ = tuple[str | int, ...]
Mutator = Callable[[dict[str, Any]], None]


def _parent(data: Any, path: Path_) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def put(path: Path_, value: Any) -> Mutator:
    """Set the field at ``path`` (a new key is added if absent)."""

    def mutate(data: dict[str, Any]) -> None:
        _parent(data, path)[path[-1]] = value

    return mutate


def drop(path: Path_) -> Mutator:
    """Delete the field at ``path``."""

    def mutate(data: dict[str, Any]) -> None:
        del _parent(data, path)[path[-1]]

    return mutate


def append(path: Path_, item: Any) -> Mutator:
    """Append ``item`` to the list at ``path``."""

    def mutate(data: dict[str, Any]) -> None:
        _parent(data, path)[path[-1]].append(item)

    return mutate


CAR1 = ("trains", 0, "carriages", 1)
CREW1 = ("station", "crews", 1)

# (mutation, expected start of the message "path: ", text that must appear in the message)
BAD_CASES: dict[str, tuple[Mutator, str, str]] = {
    # wrong types
    "mass-string": (put((*CAR1, "mass_t"), "50"), "trains[A].carriages[A-2].mass_t: ", '"50"'),
    "mass-bool": (put((*CAR1, "mass_t"), True), "trains[A].carriages[A-2].mass_t: ", "true"),
    "horizon-float": (put(("horizon",), 12.5), "horizon: ", "12.5"),
    "gauge-string": (put(("trains", 0, "from_gauge"), "1435"), "trains[A].from_gauge: ", '"1435"'),
    "earliest-departure-string": (
        put(("trains", 0, "earliest_departure"), "10"),
        "trains[A].earliest_departure: ",
        '"10"',
    ),
    "variable-gauge-string": (
        put((*CAR1, "variable_gauge"), "yes"),
        "trains[A].carriages[A-2].variable_gauge: ",
        '"yes"',
    ),
    "skills-not-list": (
        put(("station", "crews", 0, "skills"), "coupling"),
        "station.crews[C1].skills: ",
        '"coupling"',
    ),
    "changer-string": (put(("station", "changer"), "AGC1"), "station.changer: ", '"AGC1"'),
    "carriage-not-object": (
        put(("trains", 0, "carriages", 0), [1, 2]),
        "trains[A].carriages[0]: ",
        "[1, 2]",
    ),
    "train-not-object": (put(("trains", 0), "A"), "trains[0]: ", '"A"'),
    "shift-not-pair": (put((*CREW1, "shifts"), [5]), "station.crews[C2].shifts[0]: ", "5"),
    "shift-three-items": (
        put((*CREW1, "shifts"), [[0, 300, 5]]),
        "station.crews[C2].shifts[0]: ",
        "[0, 300, 5]",
    ),
    "shift-one-item": (
        put((*CREW1, "shifts"), [[0]]),
        "station.crews[C2].shifts[0]: ",
        "[0]",
    ),
    "shift-end-string": (
        put((*CREW1, "shifts"), [[0, "a"]]),
        "station.crews[C2].shifts[0][1]: ",
        '"a"',
    ),
    # missing required fields
    "missing-station": (drop(("station",)), "station: ", "missing"),
    "missing-bogie-type": (
        drop((*CAR1, "bogie_type")),
        "trains[A].carriages[A-2].bogie_type: ",
        "missing",
    ),
    "missing-duration": (
        drop(("station", "durations", "shunt")),
        "station.durations.shunt: ",
        "missing",
    ),
    "missing-inbound-gauge": (
        put(("trains", 0, "inbound_loco"), {"id": "IA"}),
        "trains[A].inbound_loco.gauge: ",
        "missing",
    ),
    # out-of-range values
    "mass-negative": (put((*CAR1, "mass_t"), -3), "trains[A].carriages[A-2].mass_t: ", "-3"),
    "mass-zero": (put((*CAR1, "mass_t"), 0.0), "trains[A].carriages[A-2].mass_t: ", "0.0"),
    "mass-nan": (put((*CAR1, "mass_t"), float("nan")), "trains[A].carriages[A-2].mass_t: ", "NaN"),
    "mass-absurd": (put((*CAR1, "mass_t"), 1e300), "trains[A].carriages[A-2].mass_t: ", "1e+300"),
    "capacity-zero": (
        put(("station", "tracks", 0, "capacity"), 0),
        "station.tracks[T1].capacity: ",
        "got 0",
    ),
    "capacity-absurd": (
        put(("station", "tracks", 0, "capacity"), 10**9),
        "station.tracks[T1].capacity: ",
        "1000000000",
    ),
    "jack-sets-negative": (
        put(("station", "tracks", 0, "jack_sets"), -2),
        "station.tracks[T1].jack_sets: ",
        "-2",
    ),
    "bogies-zero": (put((*CAR1, "bogies"), 0), "trains[A].carriages[A-2].bogies: ", "got 0"),
    "weight-zero": (put(("trains", 1, "weight"), 0), "trains[B].weight: ", "got 0"),
    "work-pct-below-100": (
        put((*CAR1, "work_pct"), 99),
        "trains[A].carriages[A-2].work_pct: ",
        "99",
    ),
    "horizon-zero": (put(("horizon",), 0), "horizon: ", "got 0"),
    "horizon-negative": (put(("horizon",), -60), "horizon: ", "-60"),
    "horizon-absurd": (put(("horizon",), 10**12), "horizon: ", "1000000000000"),
    "duration-negative": (
        put(("station", "durations", "lift"), -6),
        "station.durations.lift: ",
        "-6",
    ),
    "arrival-negative": (put(("trains", 1, "arrival"), -5), "trains[B].arrival: ", "-5"),
    "border-check-negative": (
        put(("trains", 0, "border_check"), -1),
        "trains[A].border_check: ",
        "-1",
    ),
    "turnaround-negative": (
        put(("station", "bogie_turnaround"), -30),
        "station.bogie_turnaround: ",
        "-30",
    ),
    "available-from-negative": (
        put(("station", "locomotives", 0, "available_from"), -1),
        "station.locomotives[L1].available_from: ",
        "-1",
    ),
    "stock-count-negative": (
        put(("station", "bogie_stock", 0, "count"), -1),
        "station.bogie_stock[0].count: ",
        "-1",
    ),
    "gauge-zero": (
        put(("station", "locomotives", 0, "gauge"), 0),
        "station.locomotives[L1].gauge: ",
        "got 0",
    ),
    "shift-start-negative": (
        put((*CREW1, "shifts"), [[-10, 30]]),
        "station.crews[C2].shifts[0][0]: ",
        "-10",
    ),
    # unknown values and fields
    "unknown-skill": (
        append(("station", "crews", 0, "skills"), "welding"),
        "station.crews[C1].skills[3]: ",
        '"welding"',
    ),
    "unknown-method": (
        put(("station", "tracks", 1, "method"), "crane"),
        "station.tracks[T2].method: ",
        '"crane"',
    ),
    "unknown-field-top": (put(("extra",), 1), "extra: ", "unknown field"),
    "unknown-field-carriage": (
        put((*CAR1, "colour"), "red"),
        "trains[A].carriages[A-2].colour: ",
        '"red"',
    ),
    "unknown-field-changer": (
        put(("station", "changer"), {"id": "AGC1", "speed": 5}),
        "station.changer.speed: ",
        "5",
    ),
    # duplicate ids
    "duplicate-track": (
        put(("station", "tracks", 1, "id"), "T1"),
        "station.tracks[T1].id: ",
        "'T1'",
    ),
    "duplicate-crew": (put((*CREW1, "id"), "C1"), "station.crews[C1].id: ", "'C1'"),
    "duplicate-train": (put(("trains", 1, "id"), "A"), "trains[A].id: ", "'A'"),
    "duplicate-shunter": (
        append(("station", "shunters"), {"id": "SH1"}),
        "station.shunters[SH1].id: ",
        "'SH1'",
    ),
    "duplicate-station-loco": (
        append(("station", "locomotives"), {"id": "L1", "gauge": 1435}),
        "station.locomotives[L1].id: ",
        "'L1'",
    ),
    "duplicate-inbound-vs-station-loco": (
        put(("station", "locomotives", 0, "id"), "IA"),
        "trains[A].inbound_loco.id: ",
        "'IA'",
    ),
    "duplicate-inbound-locos": (
        put(("trains", 1, "inbound_loco"), {"id": "IA", "gauge": 1520}),
        "trains[B].inbound_loco.id: ",
        "'IA'",
    ),
    "duplicate-carriage-across-trains": (
        put(("trains", 1, "carriages", 0, "id"), "A-2"),
        "trains[B].carriages[A-2].id: ",
        "'A-2'",
    ),
    "duplicate-carriage-within-train": (
        put((*CAR1, "id"), "A-1"),
        "trains[A].carriages[A-1].id: ",
        "'A-1'",
    ),
    "duplicate-bogie-stock": (
        append(("station", "bogie_stock"), {"gauge": 1520, "type": "p", "count": 1}),
        "station.bogie_stock[1]: ",
        "(1520, 'p')",
    ),
    "empty-id": (put((*CAR1, "id"), ""), "trains[A].carriages[1].id: ", '""'),
    # shifts
    "shift-empty": (
        put((*CREW1, "shifts"), [[300, 300]]),
        "station.crews[C2].shifts[0]: ",
        "[300, 300]",
    ),
    "shift-reversed": (
        put((*CREW1, "shifts"), [[400, 100]]),
        "station.crews[C2].shifts[0]: ",
        "[400, 100]",
    ),
    "shift-overlap": (
        put((*CREW1, "shifts"), [[0, 300], [200, 500]]),
        "station.crews[C2].shifts[1]: ",
        "[200, 500]",
    ),
    # empty and null sections
    "carriages-empty": (put(("trains", 0, "carriages"), []), "trains[A].carriages: ", "[]"),
    "trains-empty": (put(("trains",), []), "trains: ", "[]"),
    "carriages-null": (put(("trains", 0, "carriages"), None), "trains[A].carriages: ", "null"),
    "carriage-null": (put(("trains", 0, "carriages", 0), None), "trains[A].carriages[0]: ", "null"),
    "durations-null": (put(("station", "durations"), None), "station.durations: ", "null"),
    "tracks-null": (put(("station", "tracks"), None), "station.tracks: ", "null"),
    "roll-setup-null": (
        put(("station", "durations", "roll_setup"), None),
        "station.durations.roll_setup: ",
        "null",
    ),
}


def test_base_instance_is_valid() -> None:
    inst = parse_instance(copy.deepcopy(BASE))
    assert [t.id for t in inst.trains] == ["A", "B"]
    # defaults of DESIGN.md §3
    assert inst.trains[1].weight == 1
    assert inst.trains[1].inbound_loco is None
    car = inst.trains[0].carriages[0]
    assert (car.bogies, car.variable_gauge, car.work_pct) == (2, False, 100)
    assert inst.station.tracks[0].method == "individual"
    assert (inst.station.durations.roll_setup, inst.station.durations.roll_per_bogie) == (10, 1)


def test_shifts_may_touch() -> None:
    data = copy.deepcopy(BASE)
    data["station"]["crews"][1]["shifts"] = [[300, 600], [0, 300]]
    assert parse_instance(data).station.crews[1].shifts == [(300, 600), (0, 300)]


def test_scaled_rounds_up() -> None:
    assert scaled(7, 100) == 7
    assert scaled(7, 150) == 11  # 10.5 -> 11
    assert scaled(6, 150) == 9
    assert scaled(0, 200) == 0


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_input_names_path_and_value(case: str) -> None:
    mutate, prefix, fragment = BAD_CASES[case]
    data = copy.deepcopy(BASE)
    mutate(data)
    with pytest.raises(InputError) as info:
        parse_instance(data)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(prefix), message
    assert fragment in message[len(prefix) :], message


def test_missing_field_says_so() -> None:
    data = copy.deepcopy(BASE)
    del data["station"]["durations"]["shunt"]
    with pytest.raises(InputError, match=r"^station\.durations\.shunt: required field is missing$"):
        parse_instance(data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"name": "x", "horizon": 10,', "<input>: not valid JSON: "),
        ("", "<input>: not valid JSON: "),
        ("[1, 2]", "<root>: must be a JSON object, got [1, 2]"),
        ('"instance"', '<root>: must be a JSON object, got "instance"'),
        (b"\xff\xfe{", "<input>: not "),
    ],
)
def test_bad_json_text(text: str | bytes, expected: str) -> None:
    with pytest.raises(InputError) as info:
        parse_instance(text)
    assert str(info.value).startswith(expected), str(info.value)
    assert "\n" not in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_instance(tmp_path / "absent.json")


# --- the CLI: exit code 2, one line on stderr, never a traceback -------------------------


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def _bad_file(tmp_path: Path, case: str) -> Path:
    mutate, _, _ = BAD_CASES[case]
    data = copy.deepcopy(BASE)
    mutate(data)
    path = tmp_path / f"{case}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "case",
    ["mass-negative", "unknown-skill", "duplicate-carriage-across-trains", "shift-overlap"],
)
def test_cli_validate_bad_instance_exits_2(runner: CliRunner, tmp_path: Path, case: str) -> None:
    path = _bad_file(tmp_path, case)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    # The file is named first, then the field path inside it.
    assert lines[0].startswith(f"error: {path}: " + BAD_CASES[case][1])
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "not valid JSON"),
        ("[]", "<root>: must be a JSON object"),
        (None, "no such file"),
    ],
)
def test_cli_validate_unreadable_exits_2(
    runner: CliRunner, tmp_path: Path, content: str | None, expected: str
) -> None:
    path = tmp_path / "bad.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)
