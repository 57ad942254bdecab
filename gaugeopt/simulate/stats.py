"""The statistics of a simulation over its runs: per train, per crew, and who passes delay on.

Times are minutes from t = 0. A train's dwell in a run is its simulated departure minus its
simulated (possibly late) arrival; the weighted dwell of a run is Σ weight × dwell, and the
expected weighted dwell its mean over the runs. Percentiles are numpy's (linear
interpolation between runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gaugeopt.simulate.delays import DelayModel
from gaugeopt.simulate.network import ARRIVAL, WORK_ORDER
from gaugeopt.simulate.propagate import Batch

#: Bounds that are not resources: a train's own task graph, and its arrival.
NOT_RESOURCES = (WORK_ORDER, ARRIVAL)
#: Rows of the "passes delay on" lists.
TOP = 10
#: Percentiles kept per train for the dwell plot (box: 25–75, whiskers: 5–95).
QUANTILES = (0, 5, 25, 50, 75, 95, 100)


def _r(x: float, digits: int = 1) -> float:
    return round(float(x), digits)


@dataclass
class Simulation:
    """Every run of a simulation (arrays: one row per run) and what it was run with."""

    instance: str
    runs: int
    seed: int
    delay_scale: float
    delays: DelayModel
    train_ids: list[str]
    arrival: np.ndarray  # planned, per train
    weight: np.ndarray
    planned_departure: np.ndarray
    crews: list[str]
    labels: list[str]
    tasks: list[dict[str, Any]]  # per job: train, op, carriage, block, crew
    departure: np.ndarray  # (runs, trains)
    arrival_delay: np.ndarray  # (runs, trains)
    overtime: np.ndarray  # (runs, crews)
    passed_by_job: np.ndarray
    passed_by_label: np.ndarray
    overrun: np.ndarray
    runtime: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def combine(cls, batches: list[Batch], **fields: Any) -> Simulation:
        """The simulation made of ``batches`` (in chunk order) and its settings."""
        return cls(
            departure=np.vstack([b.departure for b in batches]),
            arrival_delay=np.vstack([b.arrival_delay for b in batches]),
            overtime=np.vstack([b.overtime for b in batches]),
            passed_by_job=np.sum([b.passed_by_job for b in batches], axis=0),
            passed_by_label=np.sum([b.passed_by_label for b in batches], axis=0),
            overrun=np.sum([b.overrun for b in batches], axis=0),
            **fields,
        )

    # -- per run ---------------------------------------------------------------------------

    @property
    def dwell(self) -> np.ndarray:
        """(runs, trains): departure − the run's arrival."""
        return self.departure - (self.arrival[None, :] + self.arrival_delay)

    @property
    def weighted_dwell(self) -> np.ndarray:
        """Σ weight × dwell, per run."""
        return self.dwell @ self.weight

    @property
    def plan_weighted_dwell(self) -> int:
        return int((self.planned_departure - self.arrival) @ self.weight)

    # -- summaries -------------------------------------------------------------------------

    def train_rows(self) -> list[dict[str, Any]]:
        dep, dwell = self.departure, self.dwell
        rows = []
        for t, tid in enumerate(self.train_ids):
            d50, d90 = np.percentile(dep[:, t], [50, 90])
            w50, w90 = np.percentile(dwell[:, t], [50, 90])
            rows.append(
                {
                    "id": tid,
                    "arrival": int(self.arrival[t]),
                    "planned_departure": int(self.planned_departure[t]),
                    "planned_dwell": int(self.planned_departure[t] - self.arrival[t]),
                    "departure_mean": _r(dep[:, t].mean(), 2),
                    "departure_p50": _r(d50),
                    "departure_p90": _r(d90),
                    "dwell_mean": _r(dwell[:, t].mean(), 2),
                    "dwell_p50": _r(w50),
                    "dwell_p90": _r(w90),
                    "arrival_delay_mean": _r(self.arrival_delay[:, t].mean(), 2),
                    "late_share": _r((dep[:, t] > self.planned_departure[t]).mean(), 3),
                    "dwell_quantiles": {
                        f"p{q}": _r(v)
                        for q, v in zip(
                            QUANTILES, np.percentile(dwell[:, t], QUANTILES), strict=True
                        )
                    },
                }
            )
        return rows

    def crew_rows(self) -> list[dict[str, Any]]:
        rows = []
        for c, cid in enumerate(self.crews):
            ot = self.overtime[:, c]
            rows.append(
                {
                    "id": cid,
                    "overtime_mean": _r(ot.mean(), 2),
                    "overtime_p90": _r(np.percentile(ot, 90)),
                    "overtime_max": int(ot.max()) if len(ot) else 0,
                    "runs_with_overtime": _r((ot > 0).mean(), 3),
                }
            )
        return rows

    def per_run(self, label: str) -> float:
        """Minutes per run that bounds of ``label`` set on later starts."""
        return _r(self.passed_by_label[self.labels.index(label)] / self.runs, 2)

    def resource_rows(self) -> list[dict[str, Any]]:
        """The resources (crews, shunters, tracks, stocks, shifts ...) whose order or
        availability delayed starts most; the work order and arrivals are left out."""
        order = [
            k
            for k in np.argsort(-self.passed_by_label, kind="stable")
            if self.labels[k] not in NOT_RESOURCES and self.passed_by_label[k] > 0
        ]
        return [
            {
                "resource": self.labels[k],
                "minutes_per_run": _r(self.passed_by_label[k] / self.runs, 2),
            }
            for k in order[:TOP]
        ]

    def task_rows(self) -> list[dict[str, Any]]:
        order = np.argsort(-self.passed_by_job, kind="stable")
        return [
            {
                **self.tasks[k],
                "minutes_per_run": _r(self.passed_by_job[k] / self.runs, 2),
                "overrun_per_run": _r(self.overrun[k] / self.runs, 2),
            }
            for k in order[:TOP]
            if self.passed_by_job[k] > 0
        ]

    def to_json(self) -> dict[str, Any]:
        """One JSON object: the settings, weighted dwell, trains, crews, who passes delay on."""
        wd = self.weighted_dwell
        w50, w90 = np.percentile(wd, [50, 90])
        return {
            "instance": self.instance,
            "runs": self.runs,
            "seed": self.seed,
            "delay_scale": self.delay_scale,
            "delays": self.delays.model_dump(mode="json"),
            "plan_weighted_dwell": self.plan_weighted_dwell,
            "expected_weighted_dwell": _r(wd.mean(), 2),
            "weighted_dwell_p50": _r(w50),
            "weighted_dwell_p90": _r(w90),
            "trains": self.train_rows(),
            "crews": self.crew_rows(),
            "overtime_mean": _r(self.overtime.sum(axis=1).mean(), 2),
            "passes_delay_on": {
                "resources": self.resource_rows(),
                "tasks": self.task_rows(),
                "work_order_minutes_per_run": self.per_run(WORK_ORDER),
                "arrival_minutes_per_run": self.per_run(ARRIVAL),
            },
            **self.extra,
        }
