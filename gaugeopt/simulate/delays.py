"""The delay model of a simulation: what is drawn, from which distribution, with which seed.

Two kinds of delay (docs/simulation.md), each drawn independently per run:

* **arrival**: each train arrives late with probability ``probability``; how late is
  exponential with mean ``mean`` minutes, cut at ``max``;
* **tasks**: each task (of duration > 0) runs long with probability ``probability``; by how
  much is exponential with mean ``mean_pct`` % of its planned duration, cut at ``max_pct`` %.

``trains.<id>`` and ``ops.<op>`` override any of these fields for one train, or for every task
of one operation. Every drawn delay is multiplied by the delay scale, then rounded to whole
minutes (scale 0: the plan itself). The defaults and why they are what they are: see
docs/simulation.md. A file (TOML or JSON) overrides the defaults field by field; an unknown
field, a value out of range, a train or an operation that does not exist is an
:class:`~gaugeopt.errors.InputError` naming the field path.

Draws depend only on the seed and the run's chunk (:func:`chunk_rng`): chunk ``k`` of a
simulation always draws the same delays, whichever process runs it.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gaugeopt.errors import InputError, short_value
from gaugeopt.model.instance import Instance
from gaugeopt.rules import RULES


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArrivalDelay(_Strict):
    """How late trains arrive."""

    probability: float = Field(0.5, ge=0, le=1, description="Share of trains that are late.")
    mean: float = Field(20.0, ge=0, description="Mean minutes late, of a late train.")
    max: float = Field(180.0, ge=0, description="Minutes late at most.")


class TaskDelay(_Strict):
    """How much longer than planned tasks take."""

    probability: float = Field(0.3, ge=0, le=1, description="Share of tasks that run long.")
    mean_pct: float = Field(20.0, ge=0, description="Mean overrun, % of the planned duration.")
    max_pct: float = Field(100.0, ge=0, description="Overrun at most, % of the duration.")


class ArrivalOverride(_Strict):
    probability: float | None = Field(None, ge=0, le=1)
    mean: float | None = Field(None, ge=0)
    max: float | None = Field(None, ge=0)


class TaskOverride(_Strict):
    probability: float | None = Field(None, ge=0, le=1)
    mean_pct: float | None = Field(None, ge=0)
    max_pct: float | None = Field(None, ge=0)


class DelayModel(_Strict):
    """Every distribution a simulation draws from (the defaults: docs/simulation.md)."""

    arrival: ArrivalDelay = Field(default_factory=lambda: ArrivalDelay.model_validate({}))
    tasks: TaskDelay = Field(default_factory=lambda: TaskDelay.model_validate({}))
    trains: dict[str, ArrivalOverride] = Field(default_factory=dict)
    ops: dict[str, TaskOverride] = Field(default_factory=dict)

    def for_train(self, train_id: str) -> ArrivalDelay:
        over = self.trains.get(train_id)
        if over is None:
            return self.arrival
        return self.arrival.model_copy(update=over.model_dump(exclude_none=True))

    def for_op(self, op: str) -> TaskDelay:
        over = self.ops.get(op)
        if over is None:
            return self.tasks
        return self.tasks.model_copy(update=over.model_dump(exclude_none=True))

    def check_names(self, instance: Instance, source: str = "delays") -> None:
        """An :class:`InputError` for a train or an operation ``instance`` does not have."""
        ids = {t.id for t in instance.trains}
        for tid in self.trains:
            if tid not in ids:
                raise InputError(
                    f"no train {tid!r} in instance {instance.name!r}", path=f"{source}: trains"
                )
        for op in self.ops:
            if op not in RULES:
                known = ", ".join(RULES)
                raise InputError(f"no operation {op!r} (one of {known})", path=f"{source}: ops")


def _first_error(exc: ValidationError, source: str) -> InputError:
    err = exc.errors(include_url=False)[0]
    where = ".".join(str(p) for p in err["loc"])
    if err["type"] == "extra_forbidden":
        what = "unknown field"
    else:
        what = err["msg"].lower().replace("input should be", "must be")
    return InputError(f"{what}, got {short_value(err.get('input'))}", path=f"{source}: {where}")


def parse_delays(data: Any, source: str = "<delays>") -> DelayModel:
    """A :class:`DelayModel` from a parsed file; :class:`InputError` naming the field."""
    if not isinstance(data, dict):
        raise InputError(f"must be an object (a table), got {short_value(data)}", path=source)
    try:
        return DelayModel.model_validate(data)
    except ValidationError as exc:
        raise _first_error(exc, source) from None


def read_delays(path: str | os.PathLike[str]) -> DelayModel:
    """Read a delay model from a ``.toml`` or ``.json`` file (by suffix; else tried as
    TOML, then as JSON)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror or exc})", path=source) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", path=source) from None
    if Path(path).suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"not valid JSON: {exc.msg} at line {exc.lineno}", path=source
            ) from None
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"not valid TOML: {exc}", path=source) from None
    return parse_delays(data, source)


def chunk_rng(seed: int, chunk: int) -> np.random.Generator:
    """The random stream of chunk ``chunk`` of a simulation seeded ``seed``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, chunk])))


def _draw(
    rng: np.random.Generator,
    shape: tuple[int, int],
    p: np.ndarray,
    mean: np.ndarray,
    cap: np.ndarray,
) -> np.ndarray:
    """Minutes (floats): 0, or with probability ``p`` exponential(``mean``) cut at ``cap``;
    ``p``, ``mean`` and ``cap`` broadcast along the last axis."""
    hit = rng.random(shape) < p
    size = np.minimum(rng.exponential(1.0, shape) * mean, cap)
    return np.where(hit, size, 0.0)


def _minutes(x: np.ndarray, scale: float) -> np.ndarray:
    return np.rint(x * scale).astype(np.int64)


def draw_delays(
    model: DelayModel,
    train_ids: list[str],
    ops: list[str],
    durations: np.ndarray,
    rng: np.random.Generator,
    runs: int,
    scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(arrival delays: runs × trains, overruns: jobs × runs), in whole minutes."""
    arr = [model.for_train(t) for t in train_ids]
    arrival = _draw(
        rng,
        (runs, len(train_ids)),
        np.array([a.probability for a in arr]),
        np.array([a.mean for a in arr]),
        np.array([a.max for a in arr]),
    )
    per_op = {op: model.for_op(op) for op in set(ops)}
    task = [per_op[op] for op in ops]
    dur = durations.astype(np.float64)
    overrun = _draw(
        rng,
        (runs, len(ops)),
        np.array([d.probability for d in task]) * (dur > 0),
        np.array([d.mean_pct for d in task]) * dur / 100,
        np.array([d.max_pct for d in task]) * dur / 100,
    )
    return _minutes(arrival, scale), _minutes(overrun, scale).T
