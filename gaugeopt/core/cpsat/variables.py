"""CP-SAT variables of a :class:`~gaugeopt.core.problem.Problem`.

Every task has one start and one end variable shared by all its modes and choices; each mode
has an (optional) interval over them whose presence is the mode literal, and each choice with
several resources has one optional interval per resource whose presence is the selection
literal. A literal of ``None`` means "always true" and saves a variable.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model as cp
from ortools.sat.python.cp_model_helper import Literal as CpLit  # a Boolean var or its negation

from gaugeopt.core.problem import Duration, Lit, Mode, Problem, Task


@dataclass
class ChoiceVars:
    """Selection literal and interval per candidate resource of one choice."""

    resources: list[int]
    amount: int
    literals: list[CpLit | None]
    intervals: list[cp.IntervalVar]


@dataclass
class ModeVars:
    """One mode of a task: its literal (``None``: always), size and interval."""

    literal: CpLit | None
    size: cp.IntVar | int
    size_min: int
    size_max: int
    interval: cp.IntervalVar
    takes: bool  # False for a mode of constant duration 0: it takes nothing
    choices: list[ChoiceVars] = field(default_factory=list)


@dataclass
class TaskVars:
    """Start/end variables, presence (``None``: always) and modes of one task."""

    start: cp.IntVar
    end: cp.IntVar
    present: CpLit | None
    modes: list[ModeVars]
    lo: int  # lower bound of start
    hi: int  # upper bound of end
    shortest: int  # smallest duration over the modes
    objective_end: cp.IntVar | None = None  # end if present else 0 (optional weighted tasks)


def size_range(duration: int | Duration | None, horizon: int) -> tuple[int, int]:
    """Smallest and largest duration of a mode."""
    if duration is None:
        return 0, horizon
    if isinstance(duration, Duration):
        return duration.min, duration.max
    return duration, duration


class Variables:
    """Creates and holds all decision variables of a problem in one linear pass."""

    def __init__(self, model: cp.CpModel, problem: Problem) -> None:
        self.model = model
        self.problem = problem
        self.bools: list[cp.IntVar] = [model.new_bool_var(n) for n in problem.bool_names]
        self._true: cp.IntVar | None = None
        self._conjunctions: dict[tuple[int, ...], CpLit] = {}
        # (result, operands) of every conjunction literal created here, for hint completion.
        self.conjunction_defs: list[tuple[cp.IntVar, list[CpLit]]] = []
        self.tasks: list[TaskVars] = [self._task(i, t) for i, t in enumerate(problem.tasks)]

    # --- literals -----------------------------------------------------------------------
    def lit(self, lit: Lit) -> CpLit:
        var = self.bools[lit.index]
        return var.Not() if lit.negated else var

    def lits(self, lits: list[Lit]) -> list[CpLit]:
        return [self.lit(x) for x in lits]

    def true(self) -> cp.IntVar:
        """A literal fixed to true."""
        if self._true is None:
            self._true = self.model.new_constant(1)
        return self._true

    def conjunction(self, lits: list[CpLit]) -> CpLit | None:
        """A literal equal to ``AND(lits)`` (``None`` if empty), shared between callers."""
        if not lits:
            return None
        if len(lits) == 1:
            return lits[0]
        key = tuple(sorted({x.index for x in lits}))
        found = self._conjunctions.get(key)
        if found is None:
            found = self.model.new_bool_var(f"and{len(self.conjunction_defs)}")
            self.model.add_bool_and(lits).only_enforce_if(found)
            self.model.add_bool_or([x.Not() for x in lits] + [found])
            self.conjunction_defs.append((found, list(lits)))
            self._conjunctions[key] = found
        return found

    def forbid(self, literal: CpLit | None) -> None:
        """Make ``literal`` false (``None``, always true, makes the model infeasible)."""
        self.model.add_bool_or([] if literal is None else [literal.Not()])

    # --- tasks --------------------------------------------------------------------------
    def _task(self, index: int, task: Task) -> TaskVars:
        model, horizon = self.model, self.problem.horizon
        name = f"t{index}"
        present = None if task.present is None else self.lit(task.present)
        release = max(task.release, 0)
        deadline = horizon if task.deadline is None else min(task.deadline, horizon)
        ranges = [size_range(m.duration, deadline - release) for m in task.modes]
        shortest = min((r[0] for r in ranges), default=0)
        if not task.modes or release + shortest > deadline:
            self.forbid(present)  # cannot fit: absent (or infeasible if mandatory)
            lo, hi, shortest = 0, horizon, 0
            start = model.new_int_var(lo, hi, f"{name}s")
            end = model.new_int_var(lo, hi, f"{name}e")
        else:
            lo, hi = release, deadline
            start = model.new_int_var(lo, hi - shortest, f"{name}s")
            end = model.new_int_var(lo + shortest, hi, f"{name}e")

        if len(task.modes) == 1:
            literals: list[CpLit | None] = [present]
        else:
            chosen = [model.new_bool_var(f"{name}m{k}") for k in range(len(task.modes))]
            if present is None:
                model.add_exactly_one(chosen)
            else:
                model.add(sum(chosen) == present)
            literals = list(chosen)
        modes = []
        for k, (mode, literal, (smin, smax)) in enumerate(
            zip(task.modes, literals, ranges, strict=True)
        ):
            if literal is not None and lo + smin > hi:
                self.forbid(literal)
            modes.append(self._mode(f"{name}m{k}", mode, literal, smin, smax, start, end))
        return TaskVars(start, end, present, modes, lo, hi, shortest)

    def _mode(
        self,
        name: str,
        mode: Mode,
        literal: CpLit | None,
        smin: int,
        smax: int,
        start: cp.IntVar,
        end: cp.IntVar,
    ) -> ModeVars:
        model = self.model
        size: cp.IntVar | int
        duration = mode.duration
        if isinstance(duration, Duration) and not duration.terms:
            duration = duration.constant
        if isinstance(duration, int):
            size = duration
        else:
            size = model.new_int_var(smin, max(smin, smax), f"{name}d")
            if isinstance(duration, Duration):
                model.add(
                    size == duration.constant + sum(c * self.lit(x) for x, c in duration.terms)
                )
        interval = self._interval(name, start, size, end, literal)
        takes = not (isinstance(size, int) and size == 0)
        mv = ModeVars(literal, size, smin, smax, interval, takes)
        if takes:
            for c, choice in enumerate(mode.choices):
                mv.choices.append(
                    self._choice(f"{name}c{c}", choice.resources, choice.amount, mv, start, end)
                )
        return mv

    def _choice(
        self,
        name: str,
        resources: list[int],
        amount: int,
        mode: ModeVars,
        start: cp.IntVar,
        end: cp.IntVar,
    ) -> ChoiceVars:
        if len(resources) == 1:  # the mode's own interval serves
            return ChoiceVars(list(resources), amount, [mode.literal], [mode.interval])
        if not resources:
            self.forbid(mode.literal)
            return ChoiceVars([], amount, [], [])
        model = self.model
        literals: list[CpLit] = []
        intervals = []
        for r in resources:
            x = model.new_bool_var(f"{name}r{r}")
            literals.append(x)
            intervals.append(
                model.new_optional_interval_var(start, mode.size, end, x, f"{name}r{r}")
            )
        model.add(sum(literals) == (1 if mode.literal is None else mode.literal))
        return ChoiceVars(list(resources), amount, list(literals), intervals)

    def _interval(
        self,
        name: str,
        start: cp.IntVar,
        size: cp.IntVar | int,
        end: cp.IntVar,
        literal: CpLit | None,
    ) -> cp.IntervalVar:
        if literal is None:
            return self.model.new_interval_var(start, size, end, name)
        return self.model.new_optional_interval_var(start, size, end, literal, name)
