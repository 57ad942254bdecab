"""Per-train plan rules: allowed mode, blocks covering the train in order, track fit, ground air."""

from __future__ import annotations

from collections import Counter

from gaugeopt.checker.context import Context
from gaugeopt.checker.violation import block_name


def check_mode(ctx: Context) -> None:
    """through iff from == to; changer only for all-variable-gauge trains at a changer station
    whose couplers stay as they are (v1.2)."""
    has_changer = ctx.inst.station.changer is not None
    for tid, p in ctx.plans.items():
        tr = ctx.trains[tid]
        same = tr.from_gauge == tr.to_gauge
        gauges = f"{tr.from_gauge} -> {tr.to_gauge}"
        why = None
        if same and p.mode != "through":
            why = f"must be through ({gauges})"
        elif not same and p.mode == "through":
            why = f"cannot be through ({gauges})"
        elif p.mode == "changer" and not has_changer:
            why = "needs a changer, and the station has none"
        elif p.mode == "changer":
            fixed = [c.id for c in tr.carriages if not c.variable_gauge]
            if fixed:
                why = f"needs every carriage variable-gauge, not {', '.join(fixed)}"
            elif tr.coupler_exchange:
                why = "cannot exchange the train's couplers (coupler_exchange)"
        if why:
            ctx.add("mode", f"train {tid}: mode {p.mode} {why}", tid, resource=None)


def check_blocks(ctx: Context) -> None:
    """Blocks: empty unless exchange; else consecutive, in train order, each carriage once."""
    tracks = {t.id for t in ctx.inst.station.tracks}
    for tid, p in ctx.plans.items():
        tr = ctx.trains[tid]
        if p.mode != "exchange":
            if p.blocks:
                ctx.add("blocks", f"train {tid}: mode {p.mode} must have no blocks", tid)
            continue
        if not p.blocks:
            ctx.add("blocks", f"train {tid}: exchange mode needs at least one block", tid)
            continue
        for b, block in enumerate(p.blocks):
            if block.track not in tracks:
                ctx.add(
                    "blocks",
                    f"train {tid}: {block_name(b)} is on unknown track {block.track}",
                    tid,
                    resource=block.track,
                )
            if not block.carriages:
                ctx.add("blocks", f"train {tid}: {block_name(b)} is empty", tid)
        listed = [c for block in p.blocks for c in block.carriages]
        order = [c.id for c in tr.carriages]
        if listed == order:
            continue
        own = set(order)
        for cid in dict.fromkeys(listed):
            if cid not in ctx.carriages:
                ctx.add("blocks", f"train {tid}: blocks name unknown carriage {cid}", tid)
            elif cid not in own:
                other = ctx.carriages[cid][0].id
                ctx.add("blocks", f"train {tid}: blocks name carriage {cid} of train {other}", tid)
        for cid, n in Counter(listed).items():
            if n > 1 and cid in own:
                ctx.add("blocks", f"train {tid}: carriage {cid} is in the blocks {n} times", tid)
        missing = [c for c in order if c not in set(listed)]
        if missing:
            ctx.add("blocks", f"train {tid}: carriages {', '.join(missing)} are in no block", tid)
        if Counter(listed) == Counter(order):
            ctx.add(
                "blocks",
                f"train {tid}: blocks list {', '.join(listed)}, not the train order "
                f"{', '.join(order)}",
                tid,
            )


def check_track_fit(ctx: Context) -> None:
    """A block fits its track: capacity >= carriages, max_mass_t >= every carriage's mass."""
    tracks = {t.id: t for t in ctx.inst.station.tracks}
    for tid, p in ctx.plans.items():
        if p.mode != "exchange":
            continue
        for b, block in enumerate(p.blocks):
            track = tracks.get(block.track)
            if track is None:
                continue
            if len(block.carriages) > track.capacity:
                ctx.add(
                    "track-capacity",
                    f"train {tid}: {block_name(b)} has {len(block.carriages)} carriages, track "
                    f"{track.id} holds {track.capacity}",
                    tid,
                    f"{block_name(b)}",
                    track.id,
                )
            for cid in block.carriages:
                if cid in ctx.carriages:
                    mass = ctx.carriages[cid][1].mass_t
                    if mass > track.max_mass_t:
                        ctx.add(
                            "track-mass",
                            f"train {tid}: carriage {cid} ({mass:g} t) in {block_name(b)} exceeds "
                            f"track {track.id} max_mass_t {track.max_mass_t:g}",
                            tid,
                            f"{block_name(b)}",
                            track.id,
                        )


def check_ground_air(ctx: Context) -> None:
    """A plan with ``ground_brake_test: true`` needs a station with ``ground_air``."""
    if ctx.inst.station.ground_air:
        return
    for tid, ground in ctx.ground.items():
        if ground:
            ctx.add(
                "ground-air",
                f"train {tid}: plan has ground_brake_test true, but station "
                f"{ctx.inst.station.name} has no ground_air",
                tid,
                "ground_brake_test",
            )


def check_plans(ctx: Context) -> None:
    """All plan rules."""
    check_mode(ctx)
    check_blocks(ctx)
    check_track_fit(ctx)
    check_ground_air(ctx)
