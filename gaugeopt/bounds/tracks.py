"""Track bounds of one train's exchange (:mod:`gaugeopt.bounds.train`, "Tracks"): the
fewest blocks, the least span within which the tracks could hold every carriage, and the
span of b blocks on a single track.

Track maintenance windows (``tracks[].unavailable``, v1.1) are ignored: they only forbid
schedules, so a span that bounds every schedule without them bounds every schedule with
them too.
"""

from __future__ import annotations

from collections.abc import Sequence

from gaugeopt.bounds.carriages import Car
from gaugeopt.bounds.skeleton import BOGIE, JACKS, POOL
from gaugeopt.model.instance import Track, Train


def min_blocks(train: Train, tracks: Sequence[Track]) -> int | None:
    """Fewest consecutive blocks, each fitting some track by capacity and mass (greedy:
    a part of a block that fits fits too); None: some carriage fits no track."""
    cars = train.carriages
    i = b = 0
    while i < len(cars):
        size = 0
        heavy = 0.0
        for j in range(i, len(cars)):
            heavy = max(heavy, cars[j].mass_t)
            if not any(t.capacity > j - i and t.max_mass_t >= heavy for t in tracks):
                break
            size = j - i + 1
        if size == 0:
            return None
        i += size
        b += 1
    return b


def track_makespan(
    cars: Sequence[Car],
    tracks: Sequence[Track],
    shunts: int,
    roll: int,
    count: int | None = None,
    forced: Sequence[bool] = (),
) -> int | None:
    """Least span L within which the tracks could hold every carriage
    (:mod:`gaugeopt.bounds.train`, "Tracks"); None: they never can.

    A block of s carriages on a track occupies it at least its ``shunts`` (shunt_in and
    shunt_out) + (individual: the steps before its first jack hold, ⌈s/J⌉ rounds of the
    shortest jack hold (lift-swap-lower) on J jack sets, the steps after its last one;
    roll: the steps before the roll, a roll of at least ``roll`` plus s times the least
    part of a carriage, the steps after it). For a given number of blocks on a
    track, the most carriages they can hold within L has a closed form. Heavy carriages
    only go on tracks that lift them: for each mass level, the carriages at least that heavy
    (with durations at least theirs) must fit on the tracks that lift them.

    With ``count``, only ``count`` of ``cars`` need a place (the others go elsewhere), and
    on the heavier levels only those ``forced`` here.
    """
    n = len(cars)
    levels = []
    limits = sorted({t.max_mass_t for t in tracks})
    below = -1.0
    for limit in limits:
        mine = [c for c in cars if c.mass > below]
        if count is None:
            need = len(mine)
        elif below < 0:
            need = count
        else:
            need = sum(1 for c, f in zip(cars, forced, strict=True) if f and c.mass > below)
        fit = [t for t in tracks if t.max_mass_t >= limit]
        below = limit
        if not mine or need == 0:
            continue
        last = len(mine[0].steps)
        dis = min(c.part(0, JACKS[0]) for c in mine)
        rec = min(c.part(JACKS[1] + 1, last) for c in mine)
        dislift = min(c.part(0, BOGIE) for c in mine)
        lowrec = min(c.part(BOGIE + 1, last) for c in mine)
        hold = min(c.hold for c in mine)
        part = min(c.share for c in mine)
        per_track = []
        for t in fit:
            if t.method == "individual":
                fixed = shunts + dis + rec
                per_track.append((t.capacity, fixed, hold, min(POOL.capacity(t), t.capacity)))
            else:
                fixed = shunts + dislift + roll + lowrec
                per_track.append((t.capacity, fixed, part, 0))
        levels.append((need, per_track))

    def most(cap: int, fixed: int, each: int, jacks: int, span: int) -> int:
        """Most carriages j blocks can hold on one track within ``span``, best j."""
        best = 0
        for j in range(1, (n if fixed == 0 else min(n, span // fixed)) + 1):
            rest = span - j * fixed
            if each == 0:
                s = j * cap
            elif jacks == 0:  # roll: each carriage adds its part to the roll
                s = min(j * cap, rest // each)
            else:  # individual: rounds of lift-swap-lower on the jack sets
                rounds = rest // each
                per_block = -(-cap // jacks)
                full = j * (per_block - 1)
                last = cap - (per_block - 1) * jacks
                if rounds < j:
                    s = 0
                elif rounds <= full:
                    s = rounds * jacks
                else:
                    s = full * jacks + min(rounds - full, j) * last
            if s < j:
                break
            best = max(best, s)
            if best >= n:
                break
        return best

    def fits(span: int) -> bool:
        return all(sum(most(*p, span) for p in per_track) >= need for need, per_track in levels)

    hi = 1
    while not fits(hi):
        hi *= 2
        if hi > 1 << 40:
            return None
    lo = hi // 2
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def one_track(cars: Sequence[Car], track: Track, b: int, shunts: int) -> int:
    """Least span of b blocks one after another on a single track: b times ``shunts``
    (shunt_in and shunt_out) plus each block's longest carriage chain (on a roll track
    the bogie step of a carriage is a roll of it alone, the least a block's roll lasts).
    Sorting the carriages' own times p₁ >= p₂ >= ..., the i-th longest block maximum is
    at least p_{(i-1)·cap+1} (the i-1 longer blocks hold at most (i-1)·cap carriages) and
    at least p_{n-b+i} (the maxima are b distinct carriages)."""
    own = sorted((c.chain for c in cars), reverse=True)
    n = len(own)
    total = b * shunts
    for i in range(b):
        first = own[i * track.capacity] if i * track.capacity < n else 0
        total += max(first, own[n - b + i])
    return total
