"""Shed resources: a track holds one block at a time, never in a maintenance window; jack sets."""

from __future__ import annotations

from gaugeopt.checker.context import Context, label
from gaugeopt.checker.expected import SHUNTER_OPS, block_views
from gaugeopt.checker.intervals import overlaps, peaks
from gaugeopt.checker.violation import block_name


def _blocks(ctx: Context):
    """(train, view) for every block of every exchange plan."""
    for tid, p in ctx.plans.items():
        if p.mode == "exchange":
            for view in block_views(ctx.inst, ctx.trains[tid], p.blocks):
                yield tid, view


def check_track_occupancy(ctx: Context) -> None:
    """A block holds its track over [shunt_in start, shunt_out end); one block at a time."""
    by_track: dict[str, list] = {}
    for tid, view in _blocks(ctx):
        sin = ctx.get(tid, "shunt_in", block=view.index)
        sout = ctx.get(tid, "shunt_out", block=view.index)
        if sin is not None and sout is not None:
            by_track.setdefault(view.track, []).append(
                (sin.start, sout.end, (tid, view.index, sin.start, sout.end))
            )
    for track, items in by_track.items():
        for (ta, ba, sa, ea), (tb, bb, sb, eb) in overlaps(items):
            ctx.add(
                "track-overlap",
                f"track {track} holds train {ta} {block_name(ba)} [{sa}, {ea}) and "
                f"train {tb} {block_name(bb)} [{sb}, {eb}) at once",
                tb,
                f"shunt_in {block_name(bb)}",
                track,
            )


def check_track_windows(ctx: Context) -> None:
    """No block occupies its track [shunt_in start, shunt_out end) during an unavailable window.

    Both are half-open: a block may leave at a window's start or arrive at its end.
    """
    windows = {t.id: t.unavailable for t in ctx.inst.station.tracks}
    for tid, view in _blocks(ctx):
        sin = ctx.get(tid, "shunt_in", block=view.index)
        sout = ctx.get(tid, "shunt_out", block=view.index)
        if sin is None or sout is None:
            continue
        start, end = sin.start, sout.end
        for a, b in windows.get(view.track, []):
            if start < b and a < end and start < end:
                ctx.add(
                    "track-unavailable",
                    f"train {tid}: {block_name(view.index)} occupies track {view.track} "
                    f"[{start}, {end}), during its unavailable window [{a}, {b})",
                    tid,
                    f"shunt_in {block_name(view.index)}",
                    view.track,
                )


def check_jack_sets(ctx: Context) -> None:
    """On an individual track, at most jack_sets carriages held from lift start to lower end."""
    tracks = {t.id: t for t in ctx.inst.station.tracks}
    holds: dict[str, list] = {}
    for tid, view in _blocks(ctx):
        track = tracks.get(view.track)
        if track is None or track.method != "individual":
            continue
        for cid in view.carriages:
            lift = ctx.get(tid, "lift", carriage=cid)
            lower = ctx.get(tid, "lower", carriage=cid)
            if lift is not None and lower is not None:
                holds.setdefault(track.id, []).append((lift.start, lower.end, (tid, cid)))
    for track_id, items in holds.items():
        limit = tracks[track_id].jack_sets
        for t, held in peaks(items, limit):
            names = ", ".join(f"{c} (train {tr})" for tr, c in held)
            ctx.add(
                "jack-sets",
                f"track {track_id} has {len(held)} carriages lifted at t={t} "
                f"({names}), jack_sets is {limit}",
                held[-1][0],
                f"lift {held[-1][1]}",
                track_id,
            )


def check_units(ctx: Context) -> None:
    """Shunters (right ops, known, one task at a time) and the changer (one at a time)."""
    known = {s.id for s in ctx.inst.station.shunters}
    used: dict[str, list] = {}
    for t in ctx.tasks.values():
        d = ctx.duration(t)
        where = f"train {t.train}: task {label(t)}"
        needs = t.op in SHUNTER_OPS and d > 0
        if needs and t.shunter is None:
            ctx.add("shunter", f"{where} has no shunter", t.train, label(t))
        elif not needs and t.shunter is not None:
            why = "lasts 0 min" if t.op in SHUNTER_OPS else "takes no shunter"
            ctx.add(
                "shunter",
                f"{where} {why} but names shunter {t.shunter}",
                t.train,
                label(t),
                t.shunter,
            )
        elif t.shunter is not None and t.shunter not in known:
            ctx.add(
                "shunter",
                f"{where} names unknown shunter {t.shunter}",
                t.train,
                label(t),
                t.shunter,
            )
        elif t.shunter is not None:
            used.setdefault(t.shunter, []).append((t.start, t.end, t))
    for sh, items in used.items():
        for a, b in overlaps(items):
            ctx.add(
                "shunter",
                f"shunter {sh} does train {a.train} {label(a)} [{a.start}, {a.end}) and "
                f"train {b.train} {label(b)} [{b.start}, {b.end}) at once",
                b.train,
                label(b),
                sh,
            )
    changer = ctx.inst.station.changer
    name = changer.id if changer is not None else "changer"
    passes = [(t.start, t.end, t) for t in ctx.tasks.values() if t.op == "changer_pass"]
    for a, b in overlaps(passes):
        ctx.add(
            "changer",
            f"changer {name} passes train {a.train} [{a.start}, {a.end}) and "
            f"train {b.train} [{b.start}, {b.end}) at once",
            b.train,
            label(b),
            name,
        )


def check_resources(ctx: Context) -> None:
    """Tracks (one block at a time, maintenance windows), jack sets, shunters and changer."""
    check_track_occupancy(ctx)
    check_track_windows(ctx)
    check_jack_sets(ctx)
    check_units(ctx)
