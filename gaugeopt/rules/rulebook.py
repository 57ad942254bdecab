"""The rulebook: every operation of docs/model.md, the modes rule, departure and dwell, as data.

This is the one place the solver side reads the rules from. The CP-SAT builder, the
constructive scheduler, both lower bounds, the pre-checks, the explainer, the report and the
benchmark baselines derive their tasks, durations, skills, resources and precedences from
:data:`OPS`, :data:`HOLDS`, :func:`possible_modes`, :func:`ground_options` and
:func:`departure`; :mod:`gaugeopt.rules.taskgraph` turns them into one train's task graph.
The checker keeps its own, deliberately independent, reading of the contract.

An operation is done once per train, once per block, or once per carriage (its ``level``).
It exists in a configuration — (mode, track method of its block, ground-air test or not) —
when its ``modes``, ``methods`` and ``ground`` allow it. It may start after every existing
instance of each operation in ``after`` has ended: the same train, block or carriage at the
same level; the enclosing train or block for a coarser predecessor; every block or carriage
of it for a finer one. An operation absent from the configuration is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from gaugeopt.model.instance import Carriage, Durations, Instance, Track, Train, scaled

Level = Literal["train", "block", "carriage"]
Mode = Literal["through", "exchange", "changer"]
Method = Literal["individual", "roll"]

#: Every mode and every track method (docs/model.md).
MODES: tuple[str, ...] = ("through", "exchange", "changer")
METHODS: tuple[str, ...] = ("individual", "roll")

#: (durations, train, ground-air test chosen) -> the fixed minutes of an operation.
Fixed = Callable[[Durations, Train, bool], int]
#: (durations, carriage) -> the minutes one carriage adds to an operation.
PerCarriage = Callable[[Durations, Carriage], int]
#: (durations, train) -> whether the train has the operation at all (v1.2: some operations
#: exist only where the instance asks for them).
Presence = Callable[[Durations, Train], bool]


def _zero(d: Durations, train: Train, ground: bool) -> int:
    return 0


@dataclass(frozen=True)
class OpRule:
    """One operation of docs/model.md.

    Its duration is ``fixed(d, train, ground)`` plus ``per_carriage(d, c)`` summed over the
    carriages it covers: the whole train (train level), its block, or its own carriage.
    ``present``, when set, says which trains have the operation at all (:meth:`applies`); a
    train without it has no such task, and its successors skip it (as for a configuration
    that lacks it). A consumer that does not look at the train sees 0 minutes for it
    (:meth:`minutes`), so a bound that reads durations only stays valid.
    """

    op: str
    level: Level
    skill: str
    modes: frozenset[str]
    after: tuple[str, ...] = ()
    after_arrival: bool = False
    methods: frozenset[str] = frozenset(METHODS)
    ground: bool | None = None  # True: only with the ground-air test; None: either way
    fixed: Fixed = _zero
    per_carriage: PerCarriage | None = None
    shunter: bool = False
    changer: bool = False
    locomotive: bool = False  # takes the train's outbound locomotive at its start
    bogies: bool = False  # bogies leave at its start and come back at its end + turnaround
    present: Presence | None = None  # None: every train of a configuration has it
    #: The colour the report draws it in (hue families: coupling blues, shunting oranges,
    #: lifting greens, bogie reds, locomotive purples, border greys); "": the report hands
    #: it a spare colour of its own, in rulebook order.
    color: str = ""
    #: What a planner calls the work, in a sentence ("" : the operation's name).
    work: str = ""

    @property
    def words(self) -> str:
        """What a planner calls this operation's work."""
        return self.work or self.op

    def exists(self, mode: str, method: str | None = None, ground: bool = False) -> bool:
        """Whether this operation is part of a configuration (``method``: of its block)."""
        if mode not in self.modes or (self.ground is not None and self.ground != ground):
            return False
        return method is None or self.level == "train" or method in self.methods

    def applies(self, d: Durations, train: Train) -> bool:
        """Whether ``train`` has this operation at all (in the configurations it exists in)."""
        return self.present is None or self.present(d, train)

    def minutes(
        self, d: Durations, train: Train, cars: tuple[Carriage, ...] | list[Carriage], ground: bool
    ) -> int:
        """The duration of one instance covering ``cars`` (see the class docstring); 0 for
        a train that does not have the operation."""
        if self.present is not None and not self.present(d, train):
            return 0
        base = self.fixed(d, train, ground)
        if self.per_carriage is None:
            return base
        return base + sum(self.per_carriage(d, c) for c in cars)


def _border_check(d: Durations, train: Train, ground: bool) -> int:
    """The train's own border_check minutes, else the station's."""
    return train.border_check if train.border_check is not None else d.border_check


def _inspected(d: Durations, train: Train) -> bool:
    """Whether the station inspects ``train`` on arrival (its inspection time is above 0)."""
    return d.inspection + d.inspection_per_carriage * len(train.carriages) > 0


def _brake_test(d: Durations, train: Train, ground: bool) -> int:
    """The abbreviated test after a ground-air test, else the full one (v1.1)."""
    return d.brake_test_short if ground else d.brake_test


_ALL = frozenset(MODES)
_EXCHANGE = frozenset({"exchange"})
_CHANGER = frozenset({"changer"})
_CONVERT = frozenset({"exchange", "changer"})
_INDIVIDUAL = frozenset({"individual"})
_ROLL = frozenset({"roll"})

#: The operations of docs/model.md, in the order a train goes through them (a topological
#: order of every configuration's task graph).
OPS: tuple[OpRule, ...] = (
    OpRule("detach", "train", "coupling", _ALL, after_arrival=True,
           fixed=lambda d, t, g: d.detach, color="#9467bd"),
    OpRule("border_check", "train", "customs", _ALL, after_arrival=True, fixed=_border_check,
           color="#7f7f7f"),
    # v1.2: only where the station inspects trains; the exchange work waits for it.
    OpRule("inspect", "train", "inspection", _ALL, after_arrival=True,
           fixed=lambda d, t, g: d.inspection,
           per_carriage=lambda d, c: d.inspection_per_carriage, present=_inspected),
    OpRule("shunt_in", "block", "shunting", _EXCHANGE, after=("detach", "inspect"),
           fixed=lambda d, t, g: d.shunt, shunter=True, color="#ff7f0e",
           work="shunting into the shed"),
    OpRule("disconnect", "carriage", "coupling", _EXCHANGE, after=("shunt_in",),
           per_carriage=lambda d, c: scaled(d.disconnect, c.work_pct), color="#6baed6"),
    # v1.2: only for trains with coupler_exchange; beside the bogie chain, before reconnect.
    OpRule("coupler", "carriage", "coupling", _EXCHANGE, after=("disconnect",),
           per_carriage=lambda d, c: scaled(d.coupler, c.work_pct),
           present=lambda d, t: t.coupler_exchange),
    OpRule("lift", "carriage", "lifting", _EXCHANGE, after=("disconnect",),
           per_carriage=lambda d, c: scaled(d.lift, c.work_pct), color="#31a354"),
    OpRule("swap", "carriage", "bogie", _EXCHANGE, after=("lift",), methods=_INDIVIDUAL,
           per_carriage=lambda d, c: scaled(d.swap_per_bogie * c.bogies, c.work_pct),
           bogies=True, color="#d62728"),
    OpRule("roll", "block", "bogie", _EXCHANGE, after=("lift",), methods=_ROLL,
           fixed=lambda d, t, g: d.roll_setup,
           per_carriage=lambda d, c: d.roll_per_bogie * c.bogies, shunter=True, bogies=True,
           color="#e377c2", work="rolling in the new bogies"),
    # ``lift`` is implied through swap or roll in every configuration; it is listed so that
    # a model in which swap and roll are optional still keeps each lift before its lower.
    OpRule("lower", "carriage", "lifting", _EXCHANGE, after=("swap", "roll", "lift"),
           per_carriage=lambda d, c: scaled(d.lower, c.work_pct), color="#a1d99b"),
    OpRule("reconnect", "carriage", "coupling", _EXCHANGE, after=("lower", "coupler"),
           per_carriage=lambda d, c: scaled(d.reconnect, c.work_pct), color="#2171b5"),
    OpRule("shunt_out", "block", "shunting", _EXCHANGE, after=("shunt_in", "reconnect"),
           fixed=lambda d, t, g: d.shunt, shunter=True, color="#fdae6b",
           work="shunting out of the shed"),
    OpRule("couple", "train", "coupling", _EXCHANGE, after=("shunt_out",),
           per_carriage=lambda d, c: d.couple_per_carriage, color="#17becf"),
    OpRule("changer_pass", "train", "shunting", _CHANGER, after=("detach", "inspect"),
           fixed=lambda d, t, g: d.changer_setup,
           per_carriage=lambda d, c: d.changer_per_carriage, shunter=True, changer=True,
           color="#bcbd22", work="the changer pass"),
    OpRule("ground_brake_test", "train", "brake", _ALL, after=("detach", "couple", "changer_pass"),
           ground=True, fixed=lambda d, t, g: d.brake_test, color="#6a51a3"),
    OpRule("attach", "train", "coupling", _ALL,
           after=("detach", "inspect", "couple", "changer_pass", "ground_brake_test"),
           fixed=lambda d, t, g: d.attach, locomotive=True, color="#8c564b"),
    OpRule("brake_test", "train", "brake", _ALL, after=("attach",), fixed=_brake_test,
           color="#393b79"),
)  # fmt: skip

#: The rule of each operation by name.
RULES: dict[str, OpRule] = {r.op: r for r in OPS}


#: (track) -> how many instances of a hold the track takes at once.
Capacity = Callable[[Track], int]


def _one(track: Track) -> int:
    return 1


@dataclass(frozen=True)
class Hold:
    """A per-track resource held from the start of ``start_op`` to the end of ``end_op``
    (both operations of ``level``) by each ``level`` instance on a track of ``methods``.

    A track takes ``capacity(track)`` instances at once, and none during its ``unavailable``
    windows when ``closures`` is set. ``label`` names the resource in the CP-SAT model (one
    per track, ``label:track``) and ``task`` its interval there. Every consumer (the CP-SAT
    builder, the constructive scheduler, the bounds) reads these fields, never which hold it
    is, so a new hold is one more entry of :data:`HOLDS`. A block-level hold with capacity 1
    that ``closes`` with the windows and spans every block operation is the block's stay on
    its track (:func:`stay`); holds of one level on one train nest or are disjoint.
    """

    resource: str
    level: Level
    start_op: str
    end_op: str
    methods: frozenset[str] = frozenset(METHODS)
    capacity: Capacity = _one
    closures: bool = False
    label: str = ""
    task: str = ""


#: A block occupies its track from shunt_in start to shunt_out end (one block per track at a
#: time, and never during one of the track's ``unavailable`` windows); a carriage on an
#: ``individual`` track holds one of its jack sets from lift start to lower end.
TRACK_HOLD = Hold(
    "track", "block", "shunt_in", "shunt_out", closures=True, label="track", task="occupy"
)
JACK_HOLD = Hold(
    "jack_set", "carriage", "lift", "lower", _INDIVIDUAL,
    capacity=lambda t: t.jack_sets, label="jacks", task="jack_hold",
)  # fmt: skip
HOLDS: tuple[Hold, ...] = (TRACK_HOLD, JACK_HOLD)


def holds_at(
    level: Level, method: str | None = None, holds: Sequence[Hold] | None = None
) -> list[Hold]:
    """The holds of ``level`` (on tracks of ``method``, when given), in :data:`HOLDS` order
    (``holds``: another list of holds, e.g. a test's)."""
    return [
        h
        for h in (HOLDS if holds is None else holds)
        if h.level == level and (method is None or method in h.methods)
    ]


def stay(holds: Sequence[Hold] | None = None) -> Hold:
    """The hold that is a block's stay on its track: the block-level hold of every method
    with capacity 1 that the track's windows close, over the first and last block operation
    (checked)."""
    block_ops = [r.op for r in OPS if r.level == "block"]
    for h in holds_at("block", holds=holds):
        if (
            h.methods == frozenset(METHODS)
            and h.closures
            and (h.start_op, h.end_op) == (block_ops[0], block_ops[-1])
        ):
            return h
    raise AssertionError("the rulebook has no hold for a block's stay on its track")


def pool(holds: Sequence[Hold] | None = None) -> Hold:
    """The per-carriage pool of ``individual`` tracks that the bounds and the load analysis
    count (the jack sets): the first carriage-level hold of ``individual`` tracks only. Any
    other hold only forbids schedules, so a bound that leaves it out stays valid."""
    for h in holds_at("carriage", "individual", holds):
        if h.methods == _INDIVIDUAL:
            return h
    raise AssertionError("the rulebook has no carriage hold of individual tracks (jack sets)")


#: The operations a departure waits for (besides the train's ``earliest_departure``).
DEPARTS_AFTER: tuple[str, ...] = ("brake_test", "border_check")
#: A train's inbound locomotive is free from the end of this operation + loco_turnaround.
LOCO_FREED_BY = "detach"


def possible_modes(inst: Instance, train: Train) -> list[str]:
    """The modes §4 allows: ``through`` when the gauge does not change; else ``exchange`` if
    every carriage fits some track by mass, and ``changer`` if every carriage is
    variable-gauge and the station has one (:func:`changer_obstacle`). An empty list: the
    train cannot cross at all."""
    st = inst.station
    if train.from_gauge == train.to_gauge:
        return ["through"]
    modes = []
    if st.tracks and all(any(c.mass_t <= t.max_mass_t for t in st.tracks) for c in train.carriages):
        modes.append("exchange")
    if changer_obstacle(inst, train) is None:
        modes.append("changer")
    return modes


def changer_obstacle(inst: Instance, train: Train) -> str | None:
    """Why the changer cannot take ``train``, in words (None: it can)."""
    if inst.station.changer is None:
        return "the station has no changer"
    if not all(c.variable_gauge for c in train.carriages):
        return "not every carriage is variable_gauge"
    if train.coupler_exchange:
        return "its couplers are exchanged (coupler_exchange), which the changer cannot do"
    return None


def ground_options(inst: Instance) -> tuple[bool, ...]:
    """Whether a train may take the ground-air brake test: (False,) or (False, True)."""
    return (False, True) if inst.station.ground_air else (False,)


def departure(train: Train, end_of: Mapping[str, int]) -> int:
    """max(end of each of :data:`DEPARTS_AFTER`, ``earliest_departure``) (docs/model.md)."""
    return max([end_of[op] for op in DEPARTS_AFTER] + [train.earliest_departure or 0])


def dwell(train: Train, departs: int) -> int:
    """Departure − arrival."""
    return departs - train.arrival


def objective(trains: list[Train], departures: list[int]) -> int:
    """Σ weight × dwell, minimised."""
    return sum(t.weight * dwell(t, dep) for t, dep in zip(trains, departures, strict=True))


def track_windows(unavailable: list[tuple[int, int]], horizon: int) -> list[tuple[int, int]] | None:
    """The half-open windows of ``[0, horizon)`` in which a block may occupy a track whose
    maintenance windows are ``unavailable`` (v1.1); None when the track is never closed."""
    if not unavailable:
        return None
    free: list[tuple[int, int]] = []
    t = 0
    for a, b in sorted(unavailable):
        if a > t:
            free.append((t, min(a, horizon)))
        t = max(t, b)
    if t < horizon:
        free.append((t, horizon))
    return [(a, b) for a, b in free if b > a]
