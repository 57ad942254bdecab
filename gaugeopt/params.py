"""Tuning of :func:`gaugeopt.solve`: how the time limit is shared between its phases.

:class:`SolveParams` holds every tuning constant of the solve pipeline (warm start,
neighbourhood search, the last whole-model search, reproducible runs). The defaults are
the measured values the solver has always used; a run changes them through
``gaugeopt.solve(..., params=SolveParams(lns_share=0.7))`` or a TOML file of the same keys
(``gaugeopt solve --params FILE.toml``; ``docs/solve-params.toml`` lists them all).
Limits of the input itself (horizon, sizes) stay with the models.
"""

from __future__ import annotations

import difflib
import functools
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gaugeopt.errors import InputError, short_value

#: How a pydantic error type reads in a one-line message.
_EXPECTED = {
    "int_type": "must be an integer",
    "float_type": "must be a number",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "tuple_type": "must be a list of strings",
    "greater_than": "must be > {gt:g}",
    "greater_than_equal": "must be >= {ge:g}",
    "less_than_equal": "must be <= {le:g}",
    "too_short": "must not be empty",
    "finite_number": "must be a finite number",
}


#: Some of the full-problem subsolvers CP-SAT 9.x knows (named in refusals).
SUBSOLVER_EXAMPLES = ("default_lp", "max_lp", "core", "objective_lb_search", "quick_restart")


@functools.cache
def cpsat_knows_subsolver(name: str) -> bool:
    """Whether the installed CP-SAT runs ``name`` as a subsolver: asked of CP-SAT itself on
    an empty model (an unknown name makes the model invalid), so the list is always the
    installed version's."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    model.new_bool_var("x")
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.catch_sigint_signal = False
    solver.parameters.subsolvers.append(name)
    return bool(solver.solve(model) != cp_model.MODEL_INVALID)


class SolveParams(BaseModel):
    """Every tuning constant of the solve pipeline, with the solver's measured defaults.

    Frozen: a run's parameters cannot change under it. Types are strict (``"5"`` is not a
    number; an integer is accepted where a number is asked for) and unknown keys are
    refused, so a misspelt key in a TOML file is an error rather than silently ignored.

    Parameters
    ----------
    **fields
        Any field by keyword, e.g. ``SolveParams(lns_share=0.7, portfolio=False)``; a field
        left out keeps its default. Each field's type, default, range and meaning are in its
        ``Field(description=...)`` (listed on docs/api.md and in docs/solve-params.toml).

    Raises
    ------
    pydantic.ValidationError
        An unknown field, a value of the wrong type or out of range (:meth:`from_toml` and
        :meth:`from_mapping` turn it into a one-line :class:`~gaugeopt.errors.InputError`).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    # -- warm start (the constructive scheduler) ------------------------------------------
    warm_share_large: float = Field(
        default=0.3,
        ge=0,
        le=1,
        description=(
            "Share of the time limit for the warm start's randomised restarts on a day (more"
            " than one train) or on a train of more than warm_small_carriages carriages. On"
            " large models they pay: a 32-train day went from 36,187 (one pass) to 32,077"
            " with 10 s of restarts, a 49-carriage train from 694 to 548 in 3 s."
        ),
    )
    warm_share_small: float = Field(
        default=0.03,
        ge=0,
        le=1,
        description="Share of the time limit for the warm start on a small single train "
        "(CP-SAT does better with the time there).",
    )
    warm_small_carriages: int = Field(
        default=30,
        ge=0,
        le=100_000,
        description="A single train of up to this many carriages counts as small.",
    )
    warm_min_seconds: float = Field(
        default=0.05,
        ge=0,
        le=3600,
        description="Least time given to the warm start, whatever the shares.",
    )
    warm_max_cuts: int = Field(
        default=3,
        ge=1,
        le=20,
        description="How many block counts the warm start tries for each train in exchange mode.",
    )
    deterministic_restarts: int = Field(
        default=4,
        ge=0,
        le=1000,
        description="Randomised restarts of the warm start when the run must be reproducible"
        " (one worker): a fixed count instead of as many as the clock allows.",
    )
    # -- honest time limits ----------------------------------------------------------------
    build_min_left_passes: float = Field(
        default=2.0,
        ge=0,
        le=1e6,
        description="The CP-SAT model is built only when the time left after the warm start"
        " is at least this many times the constructive scheduler's first pass (building the"
        " model of a 60-train day takes about one pass: 1.2 s against 1.6 s); otherwise the"
        " warm schedule is returned as it is, within the time limit.",
    )
    finish_reserve_passes: float = Field(
        default=0.6,
        ge=0,
        le=1e6,
        description="The searches end this many first constructive passes before the time"
        " limit, which the finish phase needs to decode and left-justify the schedule (0.96 s"
        " against a 1.6 s pass on a 60-train day).",
    )
    # -- large-neighbourhood search -------------------------------------------------------
    lns_min_seconds: float = Field(
        default=5.0,
        ge=0,
        le=3600,
        description="Neighbourhood search runs only if more than this many seconds are left"
        " after the warm start (unless the whole model is too large to search, see"
        " full_search_max_tasks).",
    )
    lns_share: float = Field(
        default=0.85,
        ge=0,
        le=1,
        description="Share of the time left after the warm start that a day spends in"
        " neighbourhood search; the rest goes to one search over the whole model (on a day"
        " of 30 trains that search barely moves, while each neighbourhood still pays).",
    )
    lns_share_single: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="The same share for a single train: its whole model is small enough for"
        " CP-SAT to search, and that search is the only one that can prove optimality (0.2"
        " against 0.5: geometric mean of the objective 3 % lower on six single trains at 10 s,"
        " better on 2 and equal on 2 of four at 20 s).",
    )
    probe_share_single: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Share of the search time (after the warm start) that a single train of"
        " at most probe_max_tasks model tasks first spends in one search over its whole"
        " model, before the neighbourhoods: a schedule it proves optimal ends the searches,"
        " else it becomes the neighbourhoods' incumbent (0 switches it off). Without it"
        " single-c06-0001 at 60 s with 2 workers proved its optimum after 13.6 s, the"
        " neighbourhoods' share first; with it after 2.1 s (the direct model of the"
        " benchmarks: 1.2 s). One worker, 20 s (deterministic), against 0 and 0.25:"
        " single-c10-0001 432 and 438 (0: 438, 448; 0.25: 432, 432) for seeds 0 and 1.",
    )
    probe_max_tasks: int = Field(
        default=150,
        ge=0,
        le=10_000_000,
        description="The probe runs only on a model of at most this many tasks: on a larger"
        " one its share goes mostly to CP-SAT's presolve, which the full search then repeats"
        " (single-c20-0001, 268 tasks: 3.5 s of presolve on the shared 2-core machine). With"
        " the probe on every size, single-c30-0001 (337 tasks, 2 workers) gained nothing in"
        " its probe at 10 s and 455 -> 453 in 6 s at 60 s. single-c06-0001 (78 tasks) and"
        " single-c10-0001 (116) are the trains it is for.",
    )
    lns_step_seconds: float = Field(
        default=2.0,
        gt=0,
        le=3600,
        description="Time cap of each neighbourhood's sub-solve; with one worker the count of"
        " sub-solves is the neighbourhood time divided by this.",
    )
    decompose_share: float = Field(
        default=0.9,
        ge=0,
        le=1,
        description="Share of the search time that a day of several waves (no train still in"
        " the station when the next wave arrives) spends solving each wave on its own, against"
        " the bogies and locomotives the waves before it left; the searches go on from the"
        " joined schedule where it is better (0 switches it off). At 10 s with 2 workers"
        " spread-small-0001 went from 4,996 (off) to 4,913 with 0.6 and 4,723 with 0.9,"
        " day-t04-0001 from 2,412 to 2,375 and 2,372.",
    )
    warm_share_split: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Share of the time limit for the warm start's restarts on a day that"
        " splits into waves (see decompose_share): the waves' own solves use the time better"
        " (spread-small-0001 at 10 s with 2 workers: 4,838 against 5,036 with 0.3).",
    )
    warm_handoff: bool = Field(
        default=True,
        description="On a day whose restarts go on in a process of their own"
        " (background_restarts), the warm start hands its passes to that process as soon as"
        " the process is ready (after the priority rules) rather than at the end of its"
        " share of the limit: the process makes the same passes, and the solve's own time"
        " goes to the portfolio (the order search and the neighbourhoods) seconds earlier.",
    )
    decompose_max_wave: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Largest share of the day's carriages one wave may have for the day to be"
        " decomposed: a wave that is most of the day is searched better as part of it.",
    )
    decompose_min_seconds: float = Field(
        default=0.5,
        ge=0,
        le=3600,
        description="Least budget a wave's own solve is worth: with less per wave the day is"
        " not decomposed.",
    )
    sweep_share: float = Field(
        default=0.0,
        ge=0,
        le=1,
        description="Share of a day's neighbourhood-search time that first goes to the train"
        " sweep: each train re-solved on its own against the others, in order of arrival,"
        " until a whole sweep improves nothing (0 switches it off). Off by default: at 10-20 s"
        " on the spread family (trains that never compete) its 1-3 s sub-solves did not reach"
        " a train's optimum and it did worse than the portfolio (11,708-11,819 against"
        " 11,761-11,782).",
    )
    sweep_step_seconds: float = Field(
        default=1.0,
        gt=0,
        le=3600,
        description="Time cap of each train's sub-solve in the train sweep (with one worker:"
        " deterministic_rate units of CP-SAT's deterministic time per second of it).",
    )
    lns_window_tasks: int = Field(
        default=600,
        ge=1,
        le=1_000_000,
        description="Tasks a time-window neighbourhood frees at full intensity.",
    )
    # -- portfolio: neighbourhood search and constructive restarts, by measured progress ----
    portfolio: bool = Field(
        default=True,
        description="Share the neighbourhood search's time, round by round, between"
        " neighbourhoods and more of the warm start's constructive restarts, giving each round"
        " to the one whose recent rounds improved the best schedule faster; a better"
        " constructive schedule becomes the neighbourhoods' incumbent. Off: neighbourhoods"
        " only. On the family days at 10 s the restarts alone had beaten the neighbourhood"
        " search on 6 of 9 days, by up to 18 %.",
    )
    background_restarts: bool = Field(
        default=True,
        description="On a day (more than one train) with more than one worker, go on with"
        " the warm start's constructive restarts in a process of their own beside CP-SAT"
        " (which then has one worker fewer) from the end of the warm start to the searches'"
        " end, continuing the seeded sequence of passes the greedy method makes; their best"
        " becomes the incumbent before each round of neighbourhoods and the fallback of the"
        " finish phase, so the solve is never worse than the restarts' schedule. The"
        " portfolio's restart arm then does not run. No effect with one worker (the run"
        " counts its passes, to stay reproducible) or on a single train (CP-SAT needs every"
        " worker there). In a thread (before the process) the restarts took"
        " random-skills-small-0001 from 6,742 to 6,195 at 10 s with 2 workers but made far"
        " fewer passes than the greedy (the interpreter lock).",
    )
    background_halt_seconds: float = Field(
        default=2.0,
        gt=0,
        le=60,
        description="Seconds the solve waits for the background restarts' process to end"
        " once asked (its pass gives up at its next check) before it kills it.",
    )
    order_search: bool = Field(
        default=True,
        description="On a day, a third arm of the neighbourhood search's portfolio:"
        " iterated greedy over the constructive scheduler's train order (moves of one train,"
        " swaps of two, a new seed for one train's random choices; a restart order after a"
        " stall), from the order of the warm start's best pass and of the background"
        " restarts' best. It runs only beside the background restarts (several workers),"
        " which keep the greedy's own passes; no effect with one worker. At 10 s with 2"
        " workers the figure days went from 1.2 % to 3.1 % better than the greedy on"
        " average (congested-small-0001 14,289 to 12,496).",
    )
    order_search_reach: int = Field(
        default=3,
        ge=1,
        le=1000,
        description="How many places the order search moves a train at most in one step.",
    )
    order_search_stall: float = Field(
        default=3.0,
        gt=0,
        le=1000,
        description="Steps without a new best, per train of the day, before the order search"
        " starts again from a randomised restart order.",
    )
    order_search_revisit: int = Field(
        default=4,
        ge=1,
        le=1000,
        description="The order search gets a round when it has not had one for this many"
        " rounds, whatever the rates say: its rate is measured again (on day-t20-0001 at 10 s"
        " its first round only placed its start order, the neighbourhoods then gained 2 and"
        " kept every later round).",
    )
    portfolio_restart_seconds: float = Field(
        default=0.5,
        gt=0,
        le=3600,
        description="Length of a round of constructive restarts (at least one pass runs); a"
        " round of neighbourhoods lasts up to lns_step_seconds (one neighbourhood with one"
        " worker).",
    )
    portfolio_window_seconds: float = Field(
        default=3.0,
        gt=0,
        le=3600,
        description="An arm's rate is the improvement of the best schedule per second over"
        " its last rounds that took this long (with one worker each round counts as"
        " lns_step_seconds); the warm start counts as the restarts' first round. While"
        " neither arm improved in its window, the better rate over all its rounds decides"
        " (the restarts on a tie; turns if neither ever improved).",
    )
    portfolio_deterministic_restarts: int = Field(
        default=4,
        ge=1,
        le=1000,
        description="Randomised restarts in a round of restarts when the run must be"
        " reproducible (one worker); a round of either kind then counts as one neighbourhood"
        " in the count of neighbourhoods the time limit allows.",
    )
    # -- the last search over the whole model ---------------------------------------------
    full_search_max_tasks: int = Field(
        default=5000,
        ge=0,
        le=10_000_000,
        description="Above this many tasks the whole-model search is skipped and the"
        " neighbourhood search keeps all the time: building and presolving the whole model of"
        " a 30-train day takes seconds and the search over it found nothing.",
    )
    full_search_min_seconds: float = Field(
        default=0.1,
        gt=0,
        le=60,
        description="Least time given to the whole-model search, even past the time limit.",
    )
    probing_off_above_tasks: int = Field(
        default=1000,
        ge=0,
        le=10_000_000,
        description="Above this many tasks CP-SAT's presolve probing is switched off: on a day"
        " of 11 trains (2,200 tasks) it spent 28 s probing and left no time to search.",
    )
    single_train_subsolvers: tuple[str, ...] = Field(
        default=("objective_lb_search",),
        min_length=1,
        strict=False,  # a list (TOML array, Python list) becomes the tuple
        description="CP-SAT subsolvers of the whole-model search on a single train with 2"
        " workers or more (the search for the objective's lower bound: bounds 800 -> 975 on"
        " single-small-0006 at 30 s). Days keep CP-SAT's default.",
    )
    # -- the time-indexed bound (gaugeopt.bounds.timeindexed) ------------------------------
    bucket_bound_share: float = Field(
        default=0.25,
        ge=0,
        le=1,
        description="Share of the time limit for the time-indexed bound on a day (CP-SAT on"
        " the bottleneck resources, departures in whole buckets, one worker in a thread"
        " beside the warm start's restarts); 0 switches it off. It raised the bound of"
        " random-skills-small-0002 from 2,475 to 2,780 in 0.1 s.",
    )
    bucket_bound_max_seconds: float = Field(
        default=5.0,
        ge=0,
        le=3600,
        description="Most time the time-indexed bound takes, whatever the share.",
    )
    bucket_bound_buckets: int = Field(
        default=600,
        ge=1,
        le=100_000,
        description="Train-buckets of the time-indexed bound at most (Σ over trains of the"
        " buckets a departure may fall in): the bucket length is the shortest of 5, 10, 15,"
        " 20, 30, 45, 60, ... minutes within it. 600 solves the family days in under a second"
        " each; 1,500 (10-minute buckets) adds about 1 % in seconds.",
    )
    bucket_bound_deterministic_rate: float = Field(
        default=0.5,
        gt=0,
        le=1000,
        description="With one worker, the time-indexed bound is budgeted in CP-SAT's"
        " deterministic time at this many units per second of its share (its models run at"
        " about 0.6 units/s: 0.45 units in 0.7 s on roles-small-0001), so that the run is"
        " reproducible.",
    )
    bucket_bound_resources: int = Field(
        default=6,
        ge=1,
        le=1000,
        description="Resources in the time-indexed bound at most: those the station bound's"
        " linear programme prices, dearest first.",
    )
    # -- reproducible runs and infeasibility ----------------------------------------------
    deterministic_rate: float = Field(
        default=0.03,
        gt=0,
        le=1000,
        description="With one worker, CP-SAT is budgeted in deterministic time at this many"
        " units per second of the time limit (measured 0.06 units/s on single trains), so the"
        " budget rather than the clock ends the search and the run is reproducible.",
    )
    clock_slack: float = Field(
        default=1.0,
        ge=1,
        le=1000,
        description="With one worker the deterministic budgets (all derived from the time"
        " limit) end the search and the clock is only a safety net: the pipeline reads it"
        " this many times slower, so the run ends at the latest at time limit × clock_slack"
        " seconds and a machine up to this many times slower than expected gives the same"
        " schedule. 1: the clock stops the run at the time limit, as it always has. Ignored"
        " with several workers, where the clock is the budget.",
    )
    explain_min_seconds: float = Field(
        default=2.0,
        ge=0,
        le=3600,
        description="Least time given to naming the rules behind a proof of infeasibility.",
    )

    @field_validator("single_train_subsolvers")
    @classmethod
    def _known_subsolvers(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        for name in names:
            if not cpsat_knows_subsolver(name):
                raise ValueError(
                    f"{name!r} is not a CP-SAT subsolver (e.g. {', '.join(SUBSOLVER_EXAMPLES)})"
                )
        return names

    def slack(self, workers: int) -> float:
        """How many times slower than the time limit the clock may run before it ends a
        search of ``workers`` workers.

        Parameters
        ----------
        workers : int
            CP-SAT search workers of the search.

        Returns
        -------
        float
            ``clock_slack`` with one worker (a reproducible run: its deterministic budgets
            end the search, the clock is a safety net), else 1.
        """
        return self.clock_slack if workers == 1 else 1.0

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> SolveParams:
        """Read parameters from a TOML file of top-level ``key = value`` lines.

        Parameters
        ----------
        path : str or path
            The TOML file (``gaugeopt solve --params FILE.toml`` reads it the same way).

        Returns
        -------
        SolveParams
            The file's values; keys left out keep their defaults.

        Raises
        ------
        InputError
            A file that cannot be read or parsed, an unknown key, a value of the wrong type
            or out of range: one line naming the file, the key and the value.
        """
        source = str(path)
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"cannot read ({exc.strerror or exc})", path=source) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"not valid TOML: {exc}", path=source) from None
        return cls.from_mapping(data, source=source)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], *, source: str = "<params>") -> SolveParams:
        """Validate parameters given as a dict (e.g. parsed TOML); see :meth:`from_toml`.

        Parameters
        ----------
        data : dict
            Field name -> value.
        source : str
            Names the origin in error messages (a file name).

        Returns
        -------
        SolveParams
            The values given; keys left out keep their defaults.

        Raises
        ------
        InputError
            An unknown key (with the closest known one), a value of the wrong type or out of
            range: one line naming ``source``, the key and the value.
        """
        for key, value in data.items():
            if key not in cls.model_fields:
                close = difflib.get_close_matches(key, list(cls.model_fields), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise InputError(
                    f"unknown parameter, got {short_value(value)}{hint}", path=f"{source}: {key}"
                )
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise _one_line(exc, source) from None


def _one_line(exc: ValidationError, source: str) -> InputError:
    """The first validation error as ``FILE: key: must be ..., got VALUE``."""
    err = exc.errors(include_url=False)[0]
    key = ".".join(str(p) for p in err["loc"][:1])
    if len(err["loc"]) > 1:  # an item of the subsolver list
        key += f"[{err['loc'][1]}]"
    if err["type"] == "value_error":  # a validator's own words, naming the value
        return InputError(err["msg"].removeprefix("Value error, "), path=f"{source}: {key}")
    template = _EXPECTED.get(err["type"])
    what = template.format(**err.get("ctx", {})) if template else err["msg"].lower()
    return InputError(f"{what}, got {short_value(err['input'])}", path=f"{source}: {key}")
