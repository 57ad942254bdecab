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
from dataclasses import dataclass

from gaugeopt.model.instance import Carriage, Durations, Track, scaled

#: One block of a cut: the track id and the carriage indices (consecutive, in train order).
Cut = list[tuple[str, list[int]]]


@dataclass(frozen=True)
class _TrackInfo:
    track: Track
    ready: int


def exchange_possible(carriages: list[Carriage], tracks: list[Track]) -> bool:
    """True when every carriage fits alone on some track (mass limit)."""
    return all(any(t.max_mass_t >= c.mass_t for t in tracks) for c in carriages)


def _block_minutes(cars: list[Carriage], track: Track, dur: Durations) -> int:
    """A rough length of a block's stay on its track, used to spread blocks over tracks."""
    work = sum(
        scaled(dur.disconnect, c.work_pct)
        + scaled(dur.lift, c.work_pct)
        + scaled(dur.lower, c.work_pct)
        + scaled(dur.reconnect, c.work_pct)
        for c in cars
    )
    if track.method == "roll":
        work += dur.roll_setup + dur.roll_per_bogie * sum(c.bogies for c in cars)
        parallel = 1
    else:
        work += sum(scaled(dur.swap_per_bogie * c.bogies, c.work_pct) for c in cars)
        parallel = min(track.jack_sets, len(cars))
    return 2 * dur.shunt + math.ceil(work / max(1, parallel))


def greedy_cut(
    carriages: list[Carriage],
    tracks: list[Track],
    ready: dict[str, int],
    k: int,
    dur: Durations,
) -> Cut | None:
    """A cut aiming at k balanced blocks; None when some carriage fits no track."""
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
        free[tid] += _block_minutes([carriages[j] for j in idx], track, dur)
        i += best_len
    return cut


def candidate_cuts(
    carriages: list[Carriage],
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
    if not tracks or not exchange_possible(carriages, tracks):
        return []
    n = len(carriages)
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
        cut = greedy_cut(carriages, tracks, ready, k, dur)
        if cut is not None and cut not in cuts:
            cuts.append(cut)
    return cuts
