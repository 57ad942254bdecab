"""Regenerate the malformed-input corpus: ``python tests/data/bad/make_corpus.py``.

Every case is the valid instance ``tests/data/checker/instance.json`` broken in one way
(or raw bytes). ``expected.json`` maps each file to a substring of its one-line error
message, field path included; :mod:`tests.test_bad_inputs` runs them through the CLI.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BASE: dict[str, Any] = json.loads((HERE.parent / "checker" / "instance.json").read_text())
BASE_SOLUTION: dict[str, Any] = json.loads((HERE.parent / "checker" / "solution.json").read_text())

Edit = Callable[[dict[str, Any]], Any]


def edit(fn: Edit) -> str:
    """The base instance changed by ``fn`` (which may return a replacement document)."""
    data = copy.deepcopy(BASE)
    out = fn(data)
    return json.dumps(data if out is None else out, indent=1)


def put(path: str, value: Any) -> Edit:
    """Set a dotted path (``station.tracks.0.capacity``) to ``value``."""

    def fn(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return fn


def drop(path: str) -> Edit:
    def fn(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[int(last) if isinstance(node, list) else last]

    return fn


def raw(path: str, literal: str) -> str:
    """The base instance with ``path`` set to a raw JSON literal (NaN, 1e308, ...)."""
    marker = "__RAW_LITERAL__"
    return edit(put(path, marker)).replace(json.dumps(marker), literal)


def dup_list_item(path: str) -> Edit:
    def fn(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
        node.append(copy.deepcopy(node[0]))

    return fn


def _rename(path: str, old: str, new: str) -> Edit:
    """Rename the field ``old`` of the object at ``path`` ("" for the top) to ``new``."""

    def fn(data: dict[str, Any]) -> None:
        node: Any = data
        for part in filter(None, path.split(".")):
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[new] = node.pop(old)

    return fn


def _dup_loco(data: dict[str, Any]) -> None:
    data["trains"][0]["inbound_loco"]["id"] = "L-S1"


def _deep(depth: int) -> str:
    return edit(put("name", "X")).replace('"X"', "[" * depth + "]" * depth)


VALID = json.dumps(BASE, indent=1)

# file name -> (content, expected message substring)
CASES: dict[str, tuple[str | bytes, str]] = {
    "broken_json.json": ('{"name": "x", "horizon": 600,, }', "not valid JSON"),
    "truncated.json": (VALID[: len(VALID) // 2], "not valid JSON"),
    "empty.json": ("", "not valid JSON: Expecting value (line 1, column 1)"),
    "whitespace_only.json": ("  \n\t\n", "not valid JSON: Expecting value"),
    "binary.json": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not UTF-8 text"),
    "binary_nul.json": (bytes(range(256)) * 4, "not valid JSON"),
    "latin1.json": (
        VALID.replace('"Testgrenze"', '"Br\u00e9st"').encode("latin-1"),
        "not UTF-8 text",
    ),
    "top_level_array.json": (json.dumps([BASE]), "<root>: must be a JSON object, got ["),
    "top_level_string.json": ('"instance"', '<root>: must be a JSON object, got "instance"'),
    "top_level_null.json": ("null", "<root>: must be a JSON object, got null"),
    "top_level_number.json": ("42", "<root>: must be a JSON object, got 42"),
    "deeply_nested.json": (_deep(100_000), "deeply_nested.json: not valid JSON: nested too deeply"),
    "nested_junk.json": (_deep(300), "name: must be a string"),
    "missing_name.json": (edit(drop("name")), "name: required field is missing"),
    "missing_station.json": (edit(drop("station")), "station: required field is missing"),
    "missing_duration.json": (
        edit(drop("station.durations.lift")),
        "station.durations.lift: required field is missing",
    ),
    "missing_carriages.json": (
        edit(drop("trains.1.carriages")),
        "trains[B].carriages: required field is missing",
    ),
    "missing_inbound_gauge.json": (
        edit(drop("trains.0.inbound_loco.gauge")),
        "trains[A].inbound_loco.gauge: required field is missing",
    ),
    "horizon_string.json": (edit(put("horizon", "600")), 'horizon: must be an integer, got "600"'),
    "horizon_bool.json": (edit(put("horizon", True)), "horizon: must be an integer, got true"),
    "horizon_float.json": (edit(put("horizon", 600.5)), "horizon: must be an integer, got 600.5"),
    "horizon_zero.json": (edit(put("horizon", 0)), "horizon: must be > 0, got 0"),
    "horizon_negative.json": (edit(put("horizon", -600)), "horizon: must be > 0, got -600"),
    "horizon_1e308.json": (raw("horizon", "1e308"), "horizon: must be an integer, got 1e+308"),
    "horizon_10e30.json": (
        edit(put("horizon", 10**30)),
        "horizon: must be <= 10000000, got 1000000000000000000000000000000",
    ),
    "horizon_infinity.json": (raw("horizon", "Infinity"), "horizon: must be an integer"),
    "mass_nan.json": (
        raw("trains.0.carriages.1.mass_t", "NaN"),
        "trains[A].carriages[A2].mass_t: must be a finite number",
    ),
    "mass_neg_infinity.json": (
        raw("trains.0.carriages.0.mass_t", "-Infinity"),
        "trains[A].carriages[A1].mass_t: must be a finite number",
    ),
    "mass_zero.json": (
        edit(put("trains.1.carriages.2.mass_t", 0.0)),
        "trains[B].carriages[B3].mass_t: must be > 0.0, got 0.0",
    ),
    "mass_negative.json": (
        edit(put("trains.1.carriages.0.mass_t", -40.0)),
        "trains[B].carriages[B1].mass_t: must be > 0.0, got -40.0",
    ),
    "mass_1e308.json": (
        raw("trains.1.carriages.0.mass_t", "1e308"),
        "trains[B].carriages[B1].mass_t: must be <= 1000000.0, got 1e+308",
    ),
    "unknown_skill.json": (
        edit(put("station.crews.1.skills.2", "welding")),
        "station.crews[C2].skills[2]: must be one of",
    ),
    "skills_not_list.json": (
        edit(put("station.crews.2.skills", "customs")),
        'station.crews[C3].skills: must be a list, got "customs"',
    ),
    "duplicate_track_id.json": (
        edit(put("station.tracks.2.id", "T1")),
        "station.tracks[T1].id: duplicate id 'T1' (the 1st and the 3rd of station.tracks)",
    ),
    "duplicate_crew_id.json": (
        edit(dup_list_item("station.crews")),
        "station.crews[C1].id: duplicate id 'C1' (the 1st and the 4th of station.crews)",
    ),
    "duplicate_train_id.json": (
        edit(put("trains.3.id", "A")),
        "trains[A].id: duplicate id 'A' (the 1st and the 4th of trains)",
    ),
    "duplicate_carriage_id.json": (
        edit(put("trains.1.carriages.1.id", "A2")),
        "trains[B].carriages[A2].id: duplicate carriage id 'A2'",
    ),
    "duplicate_loco_id.json": (
        edit(_dup_loco),
        "trains[A].inbound_loco.id: duplicate locomotive id 'L-S1'",
    ),
    "duplicate_key.json": (
        VALID.replace('"horizon": 600', '"horizon": -5, "horizon": 600', 1),
        'not valid JSON: duplicate key "horizon"',
    ),
    "integer_5000_digits.json": (
        raw("horizon", "9" * 5000),
        "not valid JSON: an integer of 5,000 digits (at most 4,300)",
    ),
    "control_character_id.json": (
        edit(put("station.crews.0.id", "C1\u0007")),
        'station.crews["C1\\u0007"].id: must not contain control characters (U+0007)',
    ),
    "duplicate_bogie_stock.json": (
        edit(put("station.bogie_stock.1.gauge", 1520)),
        "station.bogie_stock[1]: duplicate (gauge, type) (1520, 'heavy')",
    ),
    "overlapping_shifts.json": (
        edit(put("station.crews.0.shifts", [[0, 120], [100, 600]])),
        "station.crews[C1].shifts[1]: overlaps shifts[0]",
    ),
    "shift_end_before_start.json": (
        edit(put("station.crews.1.shifts", [[600, 0]])),
        "station.crews[C2].shifts[0]: end must be > start, got [600, 0]",
    ),
    "shift_three_numbers.json": (
        edit(put("station.crews.2.shifts", [[0, 300, 600]])),
        "station.crews[C3].shifts[0]: must be a [start, end] pair",
    ),
    "shift_one_number.json": (
        edit(put("station.crews.2.shifts", [[0]])),
        "station.crews[C3].shifts[0]: must be a [start, end] pair",
    ),
    "shift_strings.json": (
        edit(put("station.crews.2.shifts", [["0", "600"]])),
        'station.crews[C3].shifts[0][0]: must be an integer, got "0"',
    ),
    "negative_duration.json": (
        edit(put("station.durations.lift", -4)),
        "station.durations.lift: must be >= 0, got -4",
    ),
    "duration_float.json": (
        edit(put("station.durations.shunt", 10.5)),
        "station.durations.shunt: must be an integer, got 10.5",
    ),
    "work_pct_below_100.json": (
        edit(put("trains.0.carriages.0.work_pct", 99)),
        "trains[A].carriages[A1].work_pct: must be >= 100, got 99",
    ),
    "capacity_zero.json": (
        edit(put("station.tracks.0.capacity", 0)),
        "station.tracks[T1].capacity: must be > 0, got 0",
    ),
    "jack_sets_negative.json": (
        edit(put("station.tracks.1.jack_sets", -1)),
        "station.tracks[T2].jack_sets: must be > 0, got -1",
    ),
    "bogies_zero.json": (
        edit(put("trains.1.carriages.0.bogies", 0)),
        "trains[B].carriages[B1].bogies: must be > 0, got 0",
    ),
    "stock_negative.json": (
        edit(put("station.bogie_stock.0.count", -4)),
        "station.bogie_stock[0].count: must be >= 0, got -4",
    ),
    "stock_10e30.json": (
        edit(put("station.bogie_stock.0.count", 10**30)),
        "station.bogie_stock[0].count: must be <= 1000000",
    ),
    "weight_zero.json": (edit(put("trains.0.weight", 0)), "trains[A].weight: must be > 0, got 0"),
    "weight_float.json": (
        edit(put("trains.0.weight", 1.5)),
        "trains[A].weight: must be an integer, got 1.5",
    ),
    "gauge_zero.json": (
        edit(put("trains.2.to_gauge", 0)),
        "trains[C].to_gauge: must be > 0, got 0",
    ),
    "gauge_string.json": (
        edit(put("trains.2.from_gauge", "1520 mm")),
        'trains[C].from_gauge: must be an integer, got "1520 mm"',
    ),
    "arrival_negative.json": (
        edit(put("trains.3.arrival", -30)),
        "trains[D].arrival: must be >= 0, got -30",
    ),
    "available_from_10e30.json": (
        edit(put("station.locomotives.1.available_from", 10**30)),
        "station.locomotives[L-S2].available_from: must be <= 10000000",
    ),
    "earliest_departure_string.json": (
        edit(put("trains.1.earliest_departure", "noon")),
        'trains[B].earliest_departure: must be an integer, got "noon"',
    ),
    "border_check_negative.json": (
        edit(put("trains.1.border_check", -5)),
        "trains[B].border_check: must be >= 0, got -5",
    ),
    "empty_trains.json": (edit(put("trains", [])), "trains: must not be empty, got []"),
    "null_trains.json": (edit(put("trains", None)), "trains: must be a list, got null"),
    "empty_carriages.json": (
        edit(put("trains.2.carriages", [])),
        "trains[C].carriages: must not be empty, got []",
    ),
    "carriages_object.json": (
        edit(put("trains.2.carriages", {"id": "C01"})),
        "trains[C].carriages: must be a list",
    ),
    "null_station.json": (edit(put("station", None)), "station: must be an object, got null"),
    "null_durations.json": (
        edit(put("station.durations", None)),
        "station.durations: must be an object, got null",
    ),
    "null_mass.json": (
        edit(put("trains.0.carriages.0.mass_t", None)),
        "trains[A].carriages[A1].mass_t: must be a number, got null",
    ),
    "changer_string.json": (
        edit(put("station.changer", "AGC1")),
        'station.changer: must be an object, got "AGC1"',
    ),
    "variable_gauge_string.json": (
        edit(put("trains.3.carriages.0.variable_gauge", "yes")),
        'trains[D].carriages[D1].variable_gauge: must be true or false, got "yes"',
    ),
    "id_integer.json": (
        edit(put("station.tracks.0.id", 1)),
        "station.tracks[0].id: must be a string, got 1",
    ),
    "id_empty.json": (
        edit(put("trains.0.id", "")),
        'trains[0].id: must not be empty, got ""',
    ),
    "bogie_type_empty.json": (
        edit(put("trains.1.carriages.2.bogie_type", "")),
        'trains[B].carriages[B3].bogie_type: must not be empty, got ""',
    ),
    "unknown_top_field.json": (
        edit(put("colour", "blue")),
        'colour: unknown field, got "blue"',
    ),
    "unknown_field_typo.json": (
        edit(_rename("trains.1.carriages.2", "mass_t", "mas_t")),
        "trains[B].carriages[B3].mas_t: unknown field; did you mean 'mass_t'?",
    ),
    "unknown_shift_field_typo.json": (
        edit(_rename("station.crews.1", "shifts", "shift")),
        "station.crews[C2].shift: unknown field; did you mean 'shifts'?",
    ),
    "unknown_top_field_typo.json": (
        edit(_rename("", "horizon", "horizn")),
        "horizn: unknown field; did you mean 'horizon'?",
    ),
    "unknown_track_field.json": (
        edit(put("station.tracks.0.lenght", 300)),
        "station.tracks[T1].lenght: unknown field, got 300",
    ),
    "method_wrong.json": (
        edit(put("station.tracks.1.method", "magnetic")),
        "station.tracks[T2].method: must be one of 'individual' or 'roll', got \"magnetic\"",
    ),
    "method_case.json": (
        edit(put("station.tracks.0.method", "Individual")),
        "station.tracks[T1].method: must be one of 'individual' or 'roll', got \"Individual\"; "
        "did you mean 'individual'?",
    ),
    "method_null.json": (
        edit(put("station.tracks.0.method", None)),
        "station.tracks[T1].method: must be one of",
    ),
}

# Bad solution files for ``gaugeopt check`` (the instance is the valid base).
SOLUTIONS: dict[str, tuple[str | bytes, str]] = {}


def _sol(fn: Edit) -> str:
    data = copy.deepcopy(BASE_SOLUTION)
    out = fn(data)
    return json.dumps(data if out is None else out, indent=1)


SOLUTIONS = {
    "sol_broken_json.json": ('{"instance": "checker-rich", "status": ', "not valid JSON"),
    "sol_empty.json": ("", "not valid JSON"),
    "sol_top_level_array.json": ("[]", "<root>: must be a JSON object, got []"),
    "sol_objective_string.json": (
        _sol(put("objective", "752")),
        'objective: must be an integer, got "752"',
    ),
    "sol_start_float.json": (
        _sol(put("tasks.0.start", 1.5)),
        "tasks[0].start: must be an integer, got 1.5",
    ),
    "sol_unknown_op.json": (
        _sol(put("tasks.3.op", "teleport")),
        "tasks[3].op: must be one of",
    ),
    "sol_unknown_status.json": (
        _sol(put("status", "great")),
        "status: must be one of",
    ),
    "sol_missing_status.json": (_sol(drop("status")), "status: required field is missing"),
    "sol_unknown_field.json": (_sol(put("score", 3)), "score: unknown field, got 3"),
    "sol_unknown_field_typo.json": (
        _sol(_rename("", "objective", "objectve")),
        "objectve: unknown field; did you mean 'objective'?",
    ),
    "sol_departure_string.json": (
        _sol(put("trains.1.departure", "noon")),
        'trains[B].departure: must be an integer, got "noon"',
    ),
    "sol_null_tasks.json": (_sol(put("tasks", None)), "tasks: must be a list, got null"),
}


def main() -> None:
    expected: dict[str, str] = {}
    for name, (content, message) in {**CASES, **SOLUTIONS}.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (HERE / name).write_bytes(data)
        expected[name] = message
    (HERE / "expected.json").write_text(json.dumps(expected, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
