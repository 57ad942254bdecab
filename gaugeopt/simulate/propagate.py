"""One batch of simulated runs: delays pushed through the plan's network (docs/simulation.md).

Runs are the columns of every array, so each job is visited once per batch, in the
network's topological order, and its start in every run is worked out at once: the latest
of its bounds (:mod:`gaugeopt.simulate.network`), then its crew's shifts. Its end is its
start + its planned duration + the overrun drawn for it in that run.

Which bound set a delayed start is recorded: the minutes a start is later than planned are
credited to the job whose end (or start, or return of units) set it and to that bound's
resource label (``work order``, ``arrival``, ``crew C1``, ``track T1``, ``bogies 1520
heavy``, ...); ties go to the bound listed first (the planned start, the arrival, the work
order, then the resources). Minutes waited for a crew's next shift go to ``shifts of crew
C``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaugeopt.simulate.network import Network, Node, Take

#: Label index of the arrival bound (see :data:`gaugeopt.simulate.network.ARRIVAL`).
_ARRIVAL = 1


@dataclass
class Batch:
    """What a batch of runs gives: per run, and summed over its runs."""

    departure: np.ndarray  # (runs, trains)
    arrival_delay: np.ndarray  # (runs, trains)
    overtime: np.ndarray  # (runs, crews) minutes outside every shift of the crew
    passed_by_job: np.ndarray  # (jobs,) delay minutes each job set on later starts
    passed_by_label: np.ndarray  # (labels,) the same by resource label
    overrun: np.ndarray  # (jobs,) overrun minutes drawn for each job
    start: np.ndarray | None = None  # (jobs, runs): kept when asked for (``times``)
    end: np.ndarray | None = None


class _Run:
    """The arrays of one batch while it is propagated."""

    def __init__(self, net: Network, arrival_delay: np.ndarray, overrun: np.ndarray) -> None:
        self.net = net
        self.runs = arrival_delay.shape[0]
        self.arrival = net.arrival[None, :] + arrival_delay  # (runs, trains)
        self.overrun = overrun  # (jobs, runs)
        self.start = np.zeros((net.size, self.runs), dtype=np.int64)
        self.end = np.zeros((net.size, self.runs), dtype=np.int64)
        self.cols = np.arange(self.runs)
        self.overtime = np.zeros((self.runs, len(net.crews)), dtype=np.int64)
        self.by_job = np.zeros(net.size, dtype=np.float64)
        self.by_label = np.zeros(len(net.labels), dtype=np.float64)

    def _stock(self, take: Take) -> tuple[np.ndarray, np.ndarray]:
        """When enough units are back for ``take``, and the giver whose return made it."""
        back = self.end[take.givers] + take.lags[:, None]  # (givers, runs)
        order = np.argsort(back, axis=0, kind="stable")
        enough = np.cumsum(take.amounts[order], axis=0) >= take.need
        first = np.argmax(enough, axis=0)
        if not enough[-1].all():
            raise RuntimeError("a take on a stock that the plan's returns never cover")
        row = order[first, self.cols]
        return back[row, self.cols], take.givers[row]

    def bounds(self, j: int, node: Node) -> None:
        """Start job ``j`` at the latest of its bounds, credit the delay, apply shifts."""
        net = self.net
        rows = [np.broadcast_to(net.planned_start[j], (self.runs,))]
        srcs, labels = [-1], [-1]
        if node.arrival_of >= 0:
            rows.append(self.arrival[:, node.arrival_of])
            srcs.append(-1)
            labels.append(_ARRIVAL)
        if len(node.ends):
            rows.extend(self.end[node.ends] + node.lags[:, None])
            srcs.extend(node.ends.tolist())
            labels.extend(node.labels.tolist())
        varying: dict[int, np.ndarray] = {}
        for take in node.takes:
            if take.after >= 0:
                rows.append(self.start[take.after])
                srcs.append(take.after)
                labels.append(take.label)
            if take.need > 0:
                when, giver = self._stock(take)
                varying[len(rows)] = giver
                rows.append(when)
                srcs.append(-1)
                labels.append(take.label)
        if len(rows) == 1:
            due = rows[0].copy()
        else:
            stacked = np.vstack(rows)
            pick = np.argmax(stacked, axis=0)
            due = stacked[pick, self.cols]
            self._credit(j, pick, due - net.planned_start[j], srcs, labels, varying)
        self._place(j, node, due)

    def _credit(
        self,
        j: int,
        pick: np.ndarray,
        late: np.ndarray,
        srcs: list[int],
        labels: list[int],
        varying: dict[int, np.ndarray],
    ) -> None:
        sums = np.bincount(pick, weights=late, minlength=len(srcs))
        for k, (src, label) in enumerate(zip(srcs, labels, strict=True)):
            if sums[k] <= 0:
                continue
            if label >= 0:
                self.by_label[label] += sums[k]
            if src >= 0:
                self.by_job[src] += sums[k]
            elif k in varying:
                mask = pick == k
                np.add.at(self.by_job, varying[k][mask], late[mask])

    def _place(self, j: int, node: Node, due: np.ndarray) -> None:
        net = self.net
        length = net.duration[j] + self.overrun[j]
        if node.crew >= 0:
            shifts = net.crew_shifts[node.crew]
            start = shifts.start(due)
            self.by_label[net.shift_labels[node.crew]] += float((start - due).sum())
            self.overtime[:, node.crew] += shifts.overtime(start, start + length)
        else:
            start = due
        self.start[j] = start
        self.end[j] = start + length


def propagate(
    net: Network, arrival_delay: np.ndarray, overrun: np.ndarray, *, times: bool = False
) -> Batch:
    """Simulate one run per row of ``arrival_delay`` (runs × trains, minutes) with the
    overruns ``overrun`` (jobs × runs, minutes added to each job's planned duration);
    ``times``: keep every job's start and end in every run."""
    run = _Run(net, arrival_delay.astype(np.int64), overrun.astype(np.int64))
    for j in net.order:
        run.bounds(j, net.nodes[j])
    departure = np.tile(net.earliest_departure, (run.runs, 1))
    for t, jobs in enumerate(net.departs_after):
        if jobs:
            departure[:, t] = np.maximum(departure[:, t], run.end[jobs].max(axis=0))
    return Batch(
        departure=departure,
        arrival_delay=arrival_delay.astype(np.int64),
        overtime=run.overtime,
        passed_by_job=run.by_job,
        passed_by_label=run.by_label,
        overrun=overrun.sum(axis=1).astype(np.float64),
        start=run.start if times else None,
        end=run.end if times else None,
    )
