"""Choosing block cuts and tracks for an exchange-mode train (a planner's greedy).

A cut is built for a target number of blocks k: walking the train from its head, each next
block aims at an equal share of the carriages still to place (``ceil(rest / blocks left)``),
and goes to the track that can take the longest run of the next carriages (capacity and
mass limit), ties broken by the track that is free soonest. A carriage too heavy for the
chosen track ends the block early, so heavy carriages always land on tracks that can lift
them; a track may get several blocks (one after the other). Several k are proposed and the
scheduler keeps whichever departs earliest.
"""

from __future__ import annotations

import math

from gaugeopt.model.instance import Durations, Track, Train
from gaugeopt.rules import OPS, holds_at, stay

#: One block of a cut: the track id and the carriage indices (consecutive, in train order).
Cut = list[tuple[str, list[int]]]


def usable(tracks: list[Track]) -> list[Track]:
    """The tracks a block may stand on: those where every hold of their method has room
    for one. A hold with capacity 0 on a track keeps every block off it, whether or not the
    block's train has the hold's operations (cautious: it only forbids schedules)."""
    return [
        t
        for t in tracks
        if all(h.capacity(t) >= 1 for lvl in ("block", "carriage") for h in holds_at(lvl, t.method))
    ]


def block_minutes(train: Train, idx: list[int], track: Track, dur: Durations) -> int:
    """A rough length of a block's stay on its track, used to spread blocks over tracks:
    the operations that bound its track hold, plus the rest of its work shared among the
    carriage holds' least capacity on the track (the jack sets) or done one at a time."""
    cars = [train.carriages[j] for j in idx]
    bounds = work = 0
    ends = stay()
    for rule in OPS:
        if rule.level == "train" or not rule.exists("exchange", track.method):
            continue
        minutes = rule.minutes(dur, train, cars, False)
        if rule.op in (ends.start_op, ends.end_op):
            bounds += minutes
        else:
            work += minutes
    pools = [h.capacity(track) for h in holds_at("carriage", track.method)]
    parallel = min(*pools, len(cars)) if pools else 1
    return bounds + math.ceil(work / max(1, parallel))


def greedy_cut(
    train: Train,
    tracks: list[Track],
    ready: dict[str, int],
    k: int,
    dur: Durations,
) -> Cut | None:
    """A cut aiming at k balanced blocks; None when some carriage fits no track."""
    carriages = train.carriages
    n = len(carriages)
    free = dict(ready)
    cut: Cut = []
    i = 0
    while i < n:
        left = max(1, k - len(cut))
        target = math.ceil((n - i) / left)
        best: tuple[int, int, str] | None = None
        best_len = 0
        for tr in tracks:
            length = 0
            while (
                length < min(target, tr.capacity)
                and i + length < n
                and carriages[i + length].mass_t <= tr.max_mass_t
            ):
                length += 1
            if length == 0:
                continue
            key = (-length, free[tr.id], tr.id)
            if best is None or key < best:
                best, best_len = key, length
        if best is None:
            return None
        tid = best[2]
        idx = list(range(i, i + best_len))
        cut.append((tid, idx))
        track = next(t for t in tracks if t.id == tid)
        free[tid] += block_minutes(train, idx, track, dur)
        i += best_len
    return cut


def candidate_cuts(
    train: Train,
    tracks: list[Track],
    ready: dict[str, int],
    dur: Durations,
    max_cuts: int = 4,
    extra_k: int | None = None,
) -> list[Cut]:
    """Distinct greedy cuts for a spread of block counts, fewest blocks first.

    k runs from the fewest blocks the largest track allows up to one block per track (or
    per carriage); at most `max_cuts` values of k are tried, evenly spread, plus `extra_k`.
    """
    if not tracks:
        return []
    n = len(train.carriages)
    k_lo = math.ceil(n / max(t.capacity for t in tracks))
    k_hi = max(k_lo, min(n, len(tracks)))
    if max_cuts <= 1 or k_hi == k_lo:
        ks = [k_lo]
    else:
        span = k_hi - k_lo
        ks = sorted({k_lo + round(span * j / (max_cuts - 1)) for j in range(max_cuts)})
    if extra_k is not None:
        ks.append(max(1, min(n, extra_k)))
    cuts: list[Cut] = []
    for k in ks:
        cut = greedy_cut(train, tracks, ready, k, dur)
        if cut is not None and cut not in cuts:
            cuts.append(cut)
    return cuts
