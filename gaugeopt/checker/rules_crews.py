"""Crews: present on tasks of duration > 0 (only there), known, skilled, in a shift, one at a time."""

from __future__ import annotations

from gaugeopt.checker.context import Context, label
from gaugeopt.checker.expected import SKILL
from gaugeopt.checker.intervals import overlaps


def check_crews(ctx: Context) -> None:
    """Every crew rule of docs/model.md."""
    crews = {c.id: c for c in ctx.inst.station.crews}
    used: dict[str, list] = {}
    for t in ctx.tasks.values():
        d = ctx.duration(t)
        name = label(t)
        where = f"train {t.train}: task {name}"
        if t.crew is None:
            if d > 0:
                ctx.add("crew-missing", f"{where} lasts {d} min and has no crew", t.train, name)
            continue
        if d <= 0:
            ctx.add(
                "crew-extra",
                f"{where} lasts 0 min but names crew {t.crew} (must be null)",
                t.train,
                name,
                t.crew,
            )
            continue
        crew = crews.get(t.crew)
        if crew is None:
            ctx.add("crew-unknown", f"{where} names unknown crew {t.crew}", t.train, name, t.crew)
            continue
        skill = SKILL[t.op]
        if skill not in crew.skills:
            ctx.add(
                "crew-skill",
                f"{where} needs skill {skill}; crew {crew.id} has {', '.join(crew.skills) or 'none'}",
                t.train,
                name,
                crew.id,
            )
        if t.end > t.start and not any(a <= t.start and t.end <= b for a, b in crew.shifts):
            shifts = ", ".join(f"[{a}, {b})" for a, b in crew.shifts)
            ctx.add(
                "crew-shift",
                f"{where} [{t.start}, {t.end}) lies in no shift of crew {crew.id} ({shifts})",
                t.train,
                name,
                crew.id,
            )
        used.setdefault(crew.id, []).append((t.start, t.end, t))
    for cid, items in used.items():
        for a, b in overlaps(items):
            ctx.add(
                "crew-overlap",
                f"crew {cid} does train {a.train} {label(a)} [{a.start}, {a.end}) and "
                f"train {b.train} {label(b)} [{b.start}, {b.end}) at once",
                b.train,
                label(b),
                cid,
            )
