"""The station's calendars during construction: crews, shunters, changer, tracks, the pools
of the other holds, bogies and locomotives, all reverted through one
:class:`~gaugeopt.construct.timeline.Ledger`. A track's maintenance windows (v1.1) are busy
from the start and never reverted."""

from __future__ import annotations

import random
from dataclasses import dataclass

from gaugeopt.construct.timeline import Ledger, Pool, Stock, Unary
from gaugeopt.model.instance import SKILLS, Instance, Track
from gaugeopt.rules import Hold


@dataclass(frozen=True)
class Placement:
    """Where a task with resources can start, and which resources it takes."""

    start: int
    crew: Unary | None
    shunter: Unary | None


class Calendar:
    """Every station resource with its reservations so far."""

    def __init__(self, inst: Instance, rng: random.Random | None = None) -> None:
        st = inst.station
        self.horizon = inst.horizon
        self.ledger = Ledger()
        self.rng = rng
        crews = [Unary(c.id, [(a, b) for a, b in c.shifts]) for c in st.crews]
        n_skills = {c.id: len(set(c.skills)) for c in st.crews}
        # Specialists first: they are tried before crews other tasks may need.
        self.crews_by_skill: dict[str, list[Unary]] = {
            skill: sorted(
                (u for u, c in zip(crews, st.crews, strict=True) if skill in c.skills),
                key=lambda u: n_skills[u.id],
            )
            for skill in SKILLS
        }
        self.shunters = [Unary(s.id) for s in st.shunters]
        self.changer = Unary(st.changer.id) if st.changer is not None else None
        self.tracks = {t.id: Unary(t.id) for t in st.tracks}
        closed = Ledger()  # maintenance windows are never rolled back
        for t in st.tracks:
            for a, b in merged(t.unavailable):
                self.tracks[t.id].reserve(a, b, closed)
        #: The pool of each (hold, track) other than the stay's (:meth:`pool`).
        self.pools: dict[tuple[str, str], Pool] = {}
        self.stock: dict[tuple[int, str], Stock] = {
            (b.gauge, b.type): Stock(b.count) for b in st.bogie_stock
        }
        # Locomotive pool: id -> (gauge, time it can be attached); used ones are removed.
        self.locos: dict[str, tuple[int, int]] = {
            lo.id: (lo.gauge, lo.available_from) for lo in st.locomotives
        }

    # ---- holds --------------------------------------------------------------------------
    def pool(self, hold: Hold, track: Track) -> Pool:
        """The pool of ``hold`` on ``track``: its capacity there, closed in the track's
        maintenance windows when the hold closes with them."""
        key = (hold.resource, track.id)
        if key not in self.pools:
            closed = merged(track.unavailable) if hold.closures else []
            self.pools[key] = Pool(hold.capacity(track), closed, self.horizon + 1)
        return self.pools[key]

    # ---- bogies -------------------------------------------------------------------------
    def stock_of(self, gauge: int, btype: str) -> Stock:
        key = (gauge, btype)
        if key not in self.stock:
            self.stock[key] = Stock(0)
        return self.stock[key]

    def earliest_take(self, t: int, need: dict[tuple[int, str], int]) -> int | None:
        """Earliest time >= t at which every (gauge, type) count in `need` can leave."""
        # Each stock gives max(t, its own threshold), so one pass reaches the common time.
        for key, k in need.items():
            s = self.stock_of(*key).earliest_take(t, k)
            if s is None:
                return None
            t = s
        return t

    # ---- locomotives --------------------------------------------------------------------
    def add_loco(self, loco_id: str, gauge: int, available: int) -> None:
        self.locos[loco_id] = (gauge, available)

        def undo() -> None:
            del self.locos[loco_id]

        self.ledger.record(undo)

    def pick_loco(self, gauge: int, t: int) -> tuple[str, int] | None:
        """A locomotive of `gauge` for an attach due at t: the latest one already free by t
        (best fit), else the earliest to become free. Returns (id, available)."""
        ready = [(a, lid) for lid, (g, a) in self.locos.items() if g == gauge]
        if not ready:
            return None
        before = [p for p in ready if p[0] <= t]
        a, lid = max(before) if before else min(ready)
        return lid, a

    def take_loco(self, loco_id: str) -> None:
        value = self.locos.pop(loco_id)
        self.ledger.record(lambda: self.locos.__setitem__(loco_id, value))

    # ---- tasks --------------------------------------------------------------------------
    def place(
        self,
        t: int,
        d: int,
        skill: str,
        *,
        shunter: bool = False,
        changer: bool = False,
        need: dict[tuple[int, str], int] | None = None,
    ) -> Placement | None:
        """Earliest start >= t at which a crew with `skill` (and a shunter, the changer and
        the bogies in `need`, when asked) can do a task of duration d; None when nothing fits
        by the horizon. A task of duration 0 takes no crew, shunter or changer."""
        if d == 0:
            if need:
                s = self.earliest_take(t, need)
                if s is None or s > self.horizon:
                    return None
                t = s
            return Placement(t, None, None) if t <= self.horizon else None
        crews = self.crews_by_skill[skill]
        if not crews or (shunter and not self.shunters):
            return None
        every = self.rng is not None  # all ties are needed only to pick one at random
        while True:
            if t + d > self.horizon:
                return None
            moved = False
            if need:
                s = self.earliest_take(t, need)
                if s is None:
                    return None
                if s > t:
                    t, moved = s, True
            s, crew_fits = _earliest_of(crews, t, d, every)
            if s is None:
                return None
            if s > t:
                t, moved = s, True
            shunter_fits: list[Unary] = []
            if shunter:
                s, shunter_fits = _earliest_of(self.shunters, t, d, every)
                assert s is not None  # shunters work around the clock
                if s > t:
                    t, moved = s, True
            if changer:
                assert self.changer is not None
                s = self.changer.earliest(t, d)
                assert s is not None
                if s > t:
                    t, moved = s, True
            if not moved:
                break
        # No move in the last pass: every list was computed at this very t.
        crew = self._choose(crew_fits)
        shu = self._choose(shunter_fits) if shunter else None
        return Placement(t, crew, shu)

    def _choose(self, fitting: list[Unary]) -> Unary:
        if self.rng is not None and len(fitting) > 1 and self.rng.random() < 0.3:
            return self.rng.choice(fitting)
        return fitting[0]

    def commit(self, p: Placement, d: int, *, changer: bool = False) -> None:
        """Reserve the crew, shunter and changer of a placement for [start, start + d)."""
        if d == 0:
            return
        end = p.start + d
        if p.crew is not None:
            p.crew.reserve(p.start, end, self.ledger)
        if p.shunter is not None:
            p.shunter.reserve(p.start, end, self.ledger)
        if changer and self.changer is not None:
            self.changer.reserve(p.start, end, self.ledger)


def merged(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open windows with overlapping or touching ones joined, in time order."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(windows):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _earliest_of(units: list[Unary], t: int, d: int, every: bool) -> tuple[int | None, list[Unary]]:
    """The earliest start >= t any unit offers, and the units (in order) offering it; unless
    `every`, the search stops at the first unit free at t (so only that one is listed)."""
    best: int | None = None
    fits: list[Unary] = []
    for u in units:
        s = u.earliest(t, d)
        if s is None:
            continue
        if best is None or s < best:
            best, fits = s, [u]
            if s == t and not every:
                break
        elif s == best:
            fits.append(u)
    return best, fits
