"""The exact task set a train must have, given its mode and its blocks' tracks (docs/model.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gaugeopt.model.instance import Instance, Train, scaled

#: (train, op, carriage, block): carriage set for carriage ops only, block for block ops only.
Key = tuple[str, str, str | None, int | None]

#: The skill each operation needs (docs/model.md, read here on its own: the checker does not
#: import the rulebook; tests/rules/test_rulebook.py checks that the two agree).
SKILL: dict[str, str] = {
    "detach": "coupling",
    "border_check": "customs",
    "inspect": "inspection",
    "shunt_in": "shunting",
    "disconnect": "coupling",
    "coupler": "coupling",
    "lift": "lifting",
    "swap": "bogie",
    "roll": "bogie",
    "lower": "lifting",
    "reconnect": "coupling",
    "shunt_out": "shunting",
    "couple": "coupling",
    "changer_pass": "shunting",
    "ground_brake_test": "brake",
    "attach": "coupling",
    "brake_test": "brake",
}
#: Operations done once per block, and once per carriage (the others: once per train).
BLOCK_OPS: tuple[str, ...] = ("shunt_in", "roll", "shunt_out")
CARRIAGE_OPS: tuple[str, ...] = ("disconnect", "coupler", "lift", "swap", "lower", "reconnect")
#: Operations that take one shunting locomotive (when their duration is > 0).
SHUNTER_OPS = frozenset({"shunt_in", "shunt_out", "changer_pass", "roll"})


def key_of(train: str, op: str, carriage: str | None, block: int | None) -> Key:
    """The identity of a task: carriage tasks by carriage, block tasks by block index."""
    return (
        train,
        op,
        carriage if op in CARRIAGE_OPS else None,
        block if op in BLOCK_OPS else None,
    )


@dataclass
class ExpectedTask:
    """A task the train must have: its duration, where it runs and what must end before it."""

    key: Key
    duration: int
    block: int | None = None
    track: str | None = None
    preds: list[Key] = field(default_factory=list)
    #: How the duration was computed, for messages.
    formula: str = ""

    @property
    def op(self) -> str:
        return self.key[1]


@dataclass
class BlockView:
    """A block of a plan as the checker understands it: its own carriages, in plan order."""

    index: int
    track: str
    method: str
    carriages: list[str]


def block_views(inst: Instance, train: Train, blocks: list) -> list[BlockView]:
    """Blocks of a plan with carriages that belong to the train, each counted once (first)."""
    methods = {t.id: t.method for t in inst.station.tracks}
    own = {c.id for c in train.carriages}
    seen: set[str] = set()
    views = []
    for b, block in enumerate(blocks):
        cars = []
        for cid in block.carriages:
            if cid in own and cid not in seen:
                seen.add(cid)
                cars.append(cid)
        views.append(BlockView(b, block.track, methods.get(block.track, "individual"), cars))
    return views


def expected_tasks(
    inst: Instance, train: Train, mode: str, blocks: list, ground: bool = False
) -> dict[Key, ExpectedTask]:
    """Every task the train must have in ``mode`` with ``blocks``, keyed by :func:`key_of`.

    ``ground`` is the plan's ``ground_brake_test``: the train then has a ``ground_brake_test``
    (``brake_test`` minutes) between the train being whole again and ``attach``, and its
    ``brake_test`` is the abbreviated one (``brake_test_short``).
    """
    d = inst.station.durations
    tid = train.id
    cars = {c.id: c for c in train.carriages}
    n = len(train.carriages)
    out: dict[Key, ExpectedTask] = {}

    def add(op: str, dur: int, formula: str, preds: list[Key], **where) -> Key:
        key = key_of(tid, op, where.get("carriage"), where.get("block"))
        out[key] = ExpectedTask(key, dur, where.get("block"), where.get("track"), preds, formula)
        return key

    def per_car(op: str, minutes: int, what: str, preds: list[Key], cid: str, view) -> Key:
        pct = cars[cid].work_pct
        return add(
            op,
            scaled(minutes, pct),
            f"scaled({what}, {pct}%)",
            preds,
            carriage=cid,
            block=view.index,
            track=view.track,
        )

    detach = add("detach", d.detach, "detach", [])
    if train.border_check is None:
        add("border_check", d.border_check, "station border_check", [])
    else:
        add("border_check", train.border_check, "the train's border_check", [])
    # v1.2: the arrival inspection, where it lasts above 0; the exchange work (every
    # shunt_in, the changer_pass, or the attach of a through train) waits for it.
    looked = d.inspection + d.inspection_per_carriage * n
    arrived = [detach]
    if looked > 0:
        formula = f"inspection + inspection_per_carriage x {n}"
        arrived.append(add("inspect", looked, formula, []))
    if mode == "exchange":
        outs = []
        for view in block_views(inst, train, blocks):
            on = {"block": view.index, "track": view.track}
            sin = add("shunt_in", d.shunt, "shunt", arrived, **on)
            lifts = {}
            # v1.2: a train whose couplers are exchanged has a coupler task per carriage,
            # after its disconnect and before its reconnect (beside lift, swap/roll, lower).
            couplers: dict[str, list[Key]] = {cid: [] for cid in view.carriages}
            for cid in view.carriages:
                dis = per_car("disconnect", d.disconnect, "disconnect", [sin], cid, view)
                if train.coupler_exchange:
                    couplers[cid].append(per_car("coupler", d.coupler, "coupler", [dis], cid, view))
                lifts[cid] = per_car("lift", d.lift, "lift", [dis], cid, view)
            if view.method == "roll":
                nb = sum(cars[c].bogies for c in view.carriages)
                roll = add(
                    "roll",
                    d.roll_setup + d.roll_per_bogie * nb,
                    f"roll_setup + roll_per_bogie x {nb}",
                    list(lifts.values()),
                    **on,
                )
                before_lower = dict.fromkeys(view.carriages, roll)
            else:
                before_lower = {
                    cid: per_car(
                        "swap",
                        d.swap_per_bogie * cars[cid].bogies,
                        f"swap_per_bogie x {cars[cid].bogies}",
                        [lifts[cid]],
                        cid,
                        view,
                    )
                    for cid in view.carriages
                }
            recs = []
            for cid in view.carriages:
                low = per_car("lower", d.lower, "lower", [before_lower[cid]], cid, view)
                recs.append(
                    per_car("reconnect", d.reconnect, "reconnect", [low, *couplers[cid]], cid, view)
                )
            outs.append(add("shunt_out", d.shunt, "shunt", recs, **on))
        before = add("couple", d.couple_per_carriage * n, f"couple_per_carriage x {n}", outs)
    elif mode == "changer":
        before = add(
            "changer_pass",
            d.changer_setup + d.changer_per_carriage * n,
            f"changer_setup + changer_per_carriage x {n}",
            arrived,
        )
    else:
        before = detach
    whole = [before] if mode != "through" else arrived
    if not ground:
        attach = add("attach", d.attach, "attach", whole)
        why = " (no ground_brake_test in the plan)" if inst.station.ground_air else ""
        add("brake_test", d.brake_test, f"brake_test{why}", [attach])
        return out
    test = add("ground_brake_test", d.brake_test, "brake_test", [before])
    attach = add("attach", d.attach, "attach", [*whole, test])
    add(
        "brake_test",
        d.brake_test_short,
        "brake_test_short, the train had a ground_brake_test",
        [attach],
    )
    return out
