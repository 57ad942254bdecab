"""The instance model (docs/file-formats.md): a station and the trains that cross it.

Types and ranges are enforced by pydantic in strict mode (no silent string-to-number
coercion, no unknown fields); rules that span several fields (unique ids, known skills in
use, non-overlapping shifts) are checked by :func:`semantic_errors`. Both kinds of failure
surface as one-line :class:`~gaugeopt.errors.InputError` messages through
:func:`gaugeopt.model.io.parse_instance`.
"""

from __future__ import annotations

import itertools
import unicodedata
from datetime import datetime
from typing import Annotated, Literal, NamedTuple, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from gaugeopt.errors import id_label, ordinal

#: Upper bound for any time or duration (minutes): about 19 years. Larger values are
#: rejected as absurd rather than risking integer overflow in the solver.
MAX_TIME = 10_000_000
#: Upper bound for any count (capacity, jack sets, bogies, stock, weight, ...).
MAX_COUNT = 1_000_000
#: Upper bound for masses in tonnes.
MAX_MASS = 1_000_000.0

Skill = Literal["coupling", "lifting", "bogie", "shunting", "brake", "customs", "inspection"]
#: Every skill of the contract, in a stable order (``inspection`` since v1.2).
SKILLS: tuple[str, ...] = get_args(Skill)


def _printable(value: str) -> str:
    """An id or name without control characters (tab, newline, NUL, ...): they would break
    every table, calendar and spreadsheet it is written to."""
    bad = next((c for c in value if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise ValueError(f"must not contain control characters (U+{ord(bad):04X})")
    return value


Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)]
Time = Annotated[int, Field(ge=0, le=MAX_TIME)]
Duration = Annotated[int, Field(ge=0, le=MAX_TIME)]
Gauge = Annotated[int, Field(gt=0, le=10_000)]
PosCount = Annotated[int, Field(gt=0, le=MAX_COUNT)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Mass = Annotated[float, Field(gt=0, le=MAX_MASS, allow_inf_nan=False)]
# JSON has no tuples: accept a two-element list for a shift, keep strict ints inside.
Shift = Annotated[
    tuple[Time, Time], BeforeValidator(lambda v: tuple(v) if isinstance(v, list) else v)
]


def _check_epoch(value: str) -> str:
    """An ISO 8601 date and time with its UTC offset (docs/file-formats.md, v1.1)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            "must be an ISO 8601 date and time, e.g. 2025-09-02T00:00:00+08:00"
        ) from None
    if moment.utcoffset() is None:
        raise ValueError("must carry its UTC offset, e.g. 2025-09-02T00:00:00+08:00")
    return value


#: The wall-clock moment of t = 0, kept as written (it round-trips unchanged).
#: Fields added in contract v1.1 are left out of a written file while at their default,
#: so a v1 instance is written as the v1 file it was (``exclude_if`` below).
Epoch = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_check_epoch)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=False)


class Track(_Model):
    """An exchange-shed track: holds one block at a time."""

    id: Id
    capacity: PosCount = Field(description="Most carriages a block on this track may have.")
    jack_sets: PosCount = Field(
        description="Carriages lifted at once (only binding on `individual` tracks)."
    )
    max_mass_t: Mass = Field(description="Heaviest carriage this track's jacks can lift.")
    method: Literal["individual", "roll"] = Field(
        "individual",
        description="`individual`: per-carriage swaps on jack sets; `roll`: one whole-block roll.",
    )
    unavailable: list[Shift] = Field(
        default_factory=list,
        exclude_if=lambda v: not v,
        description="Maintenance windows [start, end): no block occupies the track then (v1.1).",
    )


class Shunter(_Model):
    """A shunting locomotive (shunt_in, shunt_out, changer_pass and roll each take one)."""

    id: Id


class Changer(_Model):
    """An automatic gauge changer for variable-gauge trains."""

    id: Id


class BogieStock(_Model):
    """Bogies of one (gauge, type) in the station's stock at t = 0."""

    gauge: Gauge
    type: Id
    count: Count


class Crew(_Model):
    """An indivisible team; works one task at a time, each task inside one shift."""

    id: Id
    skills: list[Skill]
    shifts: list[Shift] = Field(description="[start, end) pairs, end > start.")


class Locomotive(_Model):
    """A station locomotive that can take an outbound train of its gauge."""

    id: Id
    gauge: Gauge
    available_from: Time = 0


class InboundLoco(_Model):
    """The locomotive a train arrives behind; free at detach end + loco_turnaround."""

    id: Id
    gauge: Gauge


class Durations(_Model):
    """Minutes per operation (docs/model.md); per-carriage ones are scaled by work_pct."""

    detach: Duration
    attach: Duration
    brake_test: Duration
    border_check: Duration
    shunt: Duration
    couple_per_carriage: Duration
    disconnect: Duration
    lift: Duration
    swap_per_bogie: Duration
    lower: Duration
    reconnect: Duration
    changer_setup: Duration
    changer_per_carriage: Duration
    roll_setup: Duration = 10
    roll_per_bogie: Duration = 1
    brake_test_short: Duration = Field(
        10,
        exclude_if=lambda v: v == 10,
        description="The abbreviated brake test after a ground-air test (v1.1).",
    )
    inspection: Duration = Field(
        0,
        exclude_if=lambda v: v == 0,
        description="Arrival inspection of a train, fixed minutes (v1.2; with "
        "inspection_per_carriage 0: no inspection).",
    )
    inspection_per_carriage: Duration = Field(
        0,
        exclude_if=lambda v: v == 0,
        description="Arrival inspection, minutes per carriage of the train (v1.2).",
    )
    coupler: Duration = Field(
        15,
        exclude_if=lambda v: v == 15,
        description="Coupler exchange of one carriage, scaled by its work_pct (v1.2; only "
        "for trains with coupler_exchange).",
    )


class Station(_Model):
    """The border station: shed tracks, shunters, crews, stock and locomotives."""

    name: Id
    tracks: list[Track]
    shunters: list[Shunter]
    changer: Changer | None = None
    ground_air: bool = Field(
        False,
        exclude_if=lambda v: not v,
        description="A compressor can charge a train's brakes before attach (v1.1).",
    )
    bogie_stock: list[BogieStock]
    bogie_turnaround: Duration = 0
    loco_turnaround: Duration = 0
    crews: list[Crew]
    locomotives: list[Locomotive]
    durations: Durations


class Carriage(_Model):
    """One carriage; listed in train order."""

    id: Id
    mass_t: Mass
    bogies: PosCount = 2
    bogie_type: Id
    variable_gauge: bool = False
    work_pct: Annotated[int, Field(ge=100, le=MAX_COUNT)] = 100


class Train(_Model):
    """A train crossing the station from `from_gauge` to `to_gauge`."""

    id: Id
    arrival: Time
    from_gauge: Gauge
    to_gauge: Gauge
    weight: PosCount = 1
    earliest_departure: Time | None = None
    border_check: Duration | None = Field(
        None, description="This train's border-check minutes; null = the station's."
    )
    inbound_loco: InboundLoco | None = None
    carriages: Annotated[list[Carriage], Field(min_length=1)]
    coupler_exchange: bool = Field(
        False,
        exclude_if=lambda v: not v,
        description="Its carriages' couplers are exchanged in the shed (v1.2): a coupler "
        "task per carriage between disconnect and reconnect; it cannot use the changer.",
    )


class Instance(_Model):
    """A whole problem: one station, a planning horizon and one or more trains."""

    name: Id
    epoch: Epoch | None = Field(
        None,
        exclude_if=lambda v: v is None,
        description="Wall-clock date and time, with UTC offset, of t = 0 (v1.1).",
    )
    horizon: Annotated[int, Field(gt=0, le=MAX_TIME)]
    station: Station
    trains: Annotated[list[Train], Field(min_length=1)]

    # Convenience lookups used by solver, checker and report alike.
    def train(self, train_id: str) -> Train:
        for t in self.trains:
            if t.id == train_id:
                return t
        raise KeyError(train_id)


def scaled(minutes: int, work_pct: int) -> int:
    """ceil(minutes * work_pct / 100) in integer arithmetic (docs/model.md)."""
    return (minutes * work_pct + 99) // 100


class CarriageMinutes(NamedTuple):
    """How long each operation of one carriage lasts (swap: on an ``individual`` track)."""

    disconnect: int
    lift: int
    swap: int
    lower: int
    reconnect: int


def carriage_minutes(d: Durations, car: Carriage) -> CarriageMinutes:
    """The station's per-carriage durations scaled by the carriage's ``work_pct``."""
    w = car.work_pct
    return CarriageMinutes(
        scaled(d.disconnect, w),
        scaled(d.lift, w),
        scaled(d.swap_per_bogie * car.bogies, w),
        scaled(d.lower, w),
        scaled(d.reconnect, w),
    )


def semantic_errors(inst: Instance) -> list[tuple[str, str]]:
    """Rules that span fields: (field path, message) for each one broken, in file order."""
    errors: list[tuple[str, str]] = []

    def unique(items: list, path: str) -> None:
        """Each id once; a duplicate is named by its id (the index tells nobody which)."""
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            key = item.id
            if key in seen:
                errors.append(
                    (
                        f"{path}[{id_label(key)}].id",
                        f"duplicate id {key!r} (the {ordinal(seen[key] + 1)} and the "
                        f"{ordinal(i + 1)} of {path})",
                    )
                )
            else:
                seen[key] = i

    st = inst.station
    unique(st.tracks, "station.tracks")
    unique(st.shunters, "station.shunters")
    unique(st.crews, "station.crews")
    unique(inst.trains, "trains")

    stock_seen: dict[tuple[int, str], int] = {}
    for i, b in enumerate(st.bogie_stock):
        key = (b.gauge, b.type)
        if key in stock_seen:
            errors.append(
                (
                    f"station.bogie_stock[{i}]",
                    f"duplicate (gauge, type) ({b.gauge}, {b.type!r}) "
                    f"(also at station.bogie_stock[{stock_seen[key]}])",
                )
            )
        else:
            stock_seen[key] = i

    for c_i, crew in enumerate(st.crews):
        for s_i, (start, end) in enumerate(crew.shifts):
            if end <= start:
                errors.append(
                    (
                        f"station.crews[{c_i}].shifts[{s_i}]",
                        f"end must be > start, got [{start}, {end}]",
                    )
                )
        ordered = sorted(enumerate(crew.shifts), key=lambda p: p[1])
        for (a_i, sa), (b_i, sb) in itertools.pairwise(ordered):
            if sb[0] < sa[1] and sa[1] > sa[0] and sb[1] > sb[0]:
                errors.append(
                    (
                        f"station.crews[{c_i}].shifts[{b_i}]",
                        f"overlaps shifts[{a_i}], got [{sb[0]}, {sb[1]}] and [{sa[0]}, {sa[1]}]",
                    )
                )

    for t_i, track in enumerate(st.tracks):
        for w_i, (start, end) in enumerate(track.unavailable):
            if end <= start:
                errors.append(
                    (
                        f"station.tracks[{t_i}].unavailable[{w_i}]",
                        f"end must be > start, got [{start}, {end}]",
                    )
                )

    # Locomotive ids name one pool: station locomotives and inbound ones together.
    loco_seen: dict[str, str] = {}
    for i, loco in enumerate(st.locomotives):
        path = f"station.locomotives[{id_label(loco.id)}].id"
        if loco.id in loco_seen:
            errors.append(
                (
                    path,
                    f"duplicate locomotive id {loco.id!r} (the {ordinal(i + 1)} of "
                    f"station.locomotives, also {loco_seen[loco.id]})",
                )
            )
        else:
            loco_seen[loco.id] = f"the {ordinal(i + 1)}"
    for t_i, train in enumerate(inst.trains):
        if train.inbound_loco is not None:
            path = f"trains[{t_i}].inbound_loco.id"
            lid = train.inbound_loco.id
            if lid in loco_seen:
                errors.append((path, f"duplicate locomotive id {lid!r} (also at {loco_seen[lid]})"))
            else:
                loco_seen[lid] = path

    car_seen: dict[str, str] = {}
    for t_i, train in enumerate(inst.trains):
        for car in train.carriages:
            path = f"trains[{t_i}].carriages[{id_label(car.id)}].id"
            if car.id in car_seen:
                errors.append(
                    (path, f"duplicate carriage id {car.id!r} (also at {car_seen[car.id]})")
                )
            else:
                car_seen[car.id] = path
    return errors
