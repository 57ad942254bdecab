"""The generic scheduling problem: tasks, modes, resources, reservoirs, precedences.

This module knows nothing of trains. A :class:`Problem` is built through its ``add_*``
methods, which return integer handles (indices), and is then solved by a backend
(:mod:`gaugeopt.core.cpsat`). Its meaning:

* **Literals.** ``new_bool()`` creates a free Boolean decision; :class:`Lit` refers to it,
  possibly negated (``~lit``). Logical constraints over literals: clauses, implications,
  exactly/at-most one, ``result == AND(lits)`` definitions and small linear constraints.
* **Tasks.** A task is *present* always, or exactly when its ``present`` literal is true
  (an optional task). A present task has integer ``start`` and ``end`` with
  ``end = start + duration``, ``start >= release`` and ``end <= deadline`` (default the
  horizon); it is never interrupted. A task runs in exactly one of its :class:`Mode` s.
  A mode fixes the duration (a constant, or a constant plus a weighted sum of literals)
  and what the task takes while it runs: fixed :class:`Demand` s on resources, and
  :class:`Choice` s, each of which takes ``amount`` of exactly one resource out of a list.
  A task of duration 0 takes nothing (its demands and choices are void).
* **Resources.** ``renewable``: at every instant the demands of the running tasks sum to at
  most ``capacity``; with ``windows`` the resource exists only inside those half-open
  windows, and every task using it lies wholly inside one window. ``nonrenewable``: the
  total demand of all present tasks over the whole schedule is at most ``capacity``.
  A ``profile`` lowers the capacity over given time segments (tasks may straddle them).
  ``available_from`` and ``available_after=(task, lag)`` delay every task using the
  resource: its start is at least ``available_from`` and at least ``end(task) + lag``.
* **Reservoirs.** A level starting at ``initial``; :class:`ReservoirEvent` s change it by
  ``delta`` at ``start``/``end`` of a task plus ``offset``, when the task is present and
  every literal of ``when`` is true. The level, counting every event at or before ``t``,
  never drops below ``minimum`` (at any ``t``), nor exceeds ``maximum`` if given.
* **Precedences.** ``after.<at_after> >= before.<at_before> + lag``, enforced when both
  tasks are present and every literal of ``when`` holds. ``Span(task, first, last)``:
  ``start(task) == start(first)`` and ``end(task) == end(last)`` when all three are present.
* **Objective.** Minimise ``offset + Σ weight × end(task)`` over present tasks
  (weights must be non-negative for the bound to be meaningful).
* **Intervals are half-open** ``[start, end)``: a resource freed at ``t`` may be taken at
  ``t``. All times lie in ``[0, horizon]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Anchor = Literal["start", "end"]
ResourceKind = Literal["renewable", "nonrenewable"]


@dataclass(frozen=True)
class Lit:
    """A Boolean decision (``index`` into :attr:`Problem.bool_names`), maybe negated."""

    index: int
    negated: bool = False

    def __invert__(self) -> Lit:
        return Lit(self.index, not self.negated)


@dataclass
class Demand:
    """Take ``amount`` of resource ``resource`` for the whole task."""

    resource: int
    amount: int = 1


@dataclass
class Choice:
    """Take ``amount`` of exactly one of ``resources`` for the whole task."""

    resources: list[int]
    amount: int = 1


@dataclass
class Duration:
    """``constant + Σ coef × lit`` (for tasks whose length depends on decisions)."""

    constant: int
    terms: list[tuple[Lit, int]] = field(default_factory=list)

    @property
    def min(self) -> int:
        return self.constant + sum(c for _, c in self.terms if c < 0)

    @property
    def max(self) -> int:
        return self.constant + sum(c for _, c in self.terms if c > 0)


@dataclass
class Mode:
    """One way to run a task: its duration (``None``: free, for span tasks) and what it takes."""

    duration: int | Duration | None
    demands: list[Demand] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


@dataclass
class Task:
    """An activity (see module docstring). ``duration=None`` on a span task."""

    name: str
    modes: list[Mode]
    release: int = 0
    deadline: int | None = None
    present: Lit | None = None


@dataclass
class Resource:
    """A renewable or non-renewable resource (see module docstring)."""

    name: str
    capacity: int
    kind: ResourceKind = "renewable"
    windows: list[tuple[int, int]] | None = None
    available_from: int = 0
    available_after: tuple[int, int] | None = None
    #: A capacity that changes over time: ``(start, end, level)`` segments, level <=
    #: ``capacity``; outside every segment the level is ``capacity`` (renewable only).
    profile: list[tuple[int, int, int]] | None = None


@dataclass
class Reservoir:
    """A stock level over time, never below ``minimum``."""

    name: str
    initial: int
    minimum: int = 0
    maximum: int | None = None


@dataclass
class ReservoirEvent:
    """Change a reservoir by ``delta`` at a task's start/end + ``offset``."""

    reservoir: int
    task: int
    at: Anchor
    delta: int
    offset: int = 0
    when: list[Lit] = field(default_factory=list)


@dataclass
class Precedence:
    """``after.at_after >= before.at_before + lag`` (when both present and ``when`` holds)."""

    before: int
    after: int
    lag: int = 0
    at_before: Anchor = "end"
    at_after: Anchor = "start"
    when: list[Lit] = field(default_factory=list)


@dataclass
class Span:
    """``task`` starts with ``first`` and ends with ``last`` (when all are present)."""

    task: int
    first: int
    last: int


@dataclass
class BoolConstraint:
    """A logical constraint over literals.

    ``kind``: ``clause`` (at least one true), ``exactly_one``, ``at_most_one``,
    ``implies`` (``lits[0] -> lits[1]``), ``and`` (``lits[0] == AND(lits[1:])``),
    ``linear`` (``lo <= Σ coef × lit <= hi`` with ``coefs``).
    """

    kind: Literal["clause", "exactly_one", "at_most_one", "implies", "and", "linear"]
    lits: list[Lit]
    coefs: list[int] | None = None
    lo: int = 0
    hi: int = 0


@dataclass
class Problem:
    """A generic scheduling problem; build it with the ``add_*`` methods."""

    horizon: int
    name: str = "problem"
    bool_names: list[str] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    reservoirs: list[Reservoir] = field(default_factory=list)
    events: list[ReservoirEvent] = field(default_factory=list)
    precedences: list[Precedence] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    constraints: list[BoolConstraint] = field(default_factory=list)
    objective: list[tuple[int, int]] = field(default_factory=list)
    objective_offset: int = 0
    _true: Lit | None = None

    # --- literals -------------------------------------------------------------------
    def new_bool(self, name: str) -> Lit:
        self.bool_names.append(name)
        return Lit(len(self.bool_names) - 1)

    def true(self) -> Lit:
        """A literal fixed to true (created once)."""
        if self._true is None:
            self._true = self.new_bool("TRUE")
            self.add_clause([self._true])
        return self._true

    def add_clause(self, lits: list[Lit]) -> None:
        self.constraints.append(BoolConstraint("clause", list(lits)))

    def add_implication(self, a: Lit, b: Lit) -> None:
        self.constraints.append(BoolConstraint("implies", [a, b]))

    def add_exactly_one(self, lits: list[Lit]) -> None:
        self.constraints.append(BoolConstraint("exactly_one", list(lits)))

    def add_at_most_one(self, lits: list[Lit]) -> None:
        self.constraints.append(BoolConstraint("at_most_one", list(lits)))

    def add_and(self, result: Lit, lits: list[Lit]) -> None:
        self.constraints.append(BoolConstraint("and", [result, *lits]))

    def new_and(self, name: str, lits: list[Lit]) -> Lit:
        """A new literal defined as the conjunction of ``lits``."""
        r = self.new_bool(name)
        self.add_and(r, lits)
        return r

    def add_linear(self, terms: list[tuple[Lit, int]], lo: int, hi: int) -> None:
        self.constraints.append(
            BoolConstraint("linear", [t[0] for t in terms], [t[1] for t in terms], lo, hi)
        )

    # --- resources, tasks, relations --------------------------------------------------
    def add_resource(self, resource: Resource) -> int:
        self.resources.append(resource)
        return len(self.resources) - 1

    def add_reservoir(self, reservoir: Reservoir) -> int:
        self.reservoirs.append(reservoir)
        return len(self.reservoirs) - 1

    def add_task(
        self,
        name: str,
        duration: int | Duration | None = None,
        *,
        demands: list[Demand] | None = None,
        choices: list[Choice] | None = None,
        modes: list[Mode] | None = None,
        release: int = 0,
        deadline: int | None = None,
        present: Lit | None = None,
    ) -> int:
        """Add a task with one mode (``duration``/``demands``/``choices``) or ``modes``.

        ``duration=None`` without modes makes a span task whose length is free (set it with
        :meth:`add_span`).
        """
        if modes is None:
            modes = [Mode(duration, list(demands or []), list(choices or []))]
        task = Task(name, modes, release, deadline, present)
        self.tasks.append(task)
        return len(self.tasks) - 1

    def add_precedence(
        self,
        before: int,
        after: int,
        lag: int = 0,
        *,
        at_before: Anchor = "end",
        at_after: Anchor = "start",
        when: list[Lit] | None = None,
    ) -> None:
        self.precedences.append(
            Precedence(before, after, lag, at_before, at_after, list(when or []))
        )

    def add_span(self, task: int, first: int, last: int) -> None:
        self.spans.append(Span(task, first, last))

    def add_event(
        self,
        reservoir: int,
        task: int,
        at: Anchor,
        delta: int,
        offset: int = 0,
        when: list[Lit] | None = None,
    ) -> None:
        self.events.append(ReservoirEvent(reservoir, task, at, delta, offset, list(when or [])))

    def add_objective(self, task: int, weight: int) -> None:
        """Add ``weight × end(task)`` to the objective."""
        self.objective.append((task, weight))
