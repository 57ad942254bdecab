"""``gaugeopt validate`` and ``gaugeopt schema``.

``validate`` reads the file (bad input: exit 2), then runs the solver's pre-checks
(:func:`gaugeopt.diagnose.precheck.infeasibility_reasons`): an instance that can never be
scheduled is reported with its root cause and exits 1, as ``solve`` would. Things that look
wrong but rule no schedule out (a crew without skills or shifts) are warnings on stderr.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

import typer

from gaugeopt.cli.common import (
    EXIT_INFEASIBLE,
    EXIT_OK,
    load,
    log,
    out,
    print_json,
    quiet_option,
    set_verbosity,
    verbose_option,
)
from gaugeopt.clock import Clock, duration
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance


def warnings(inst: Instance) -> list[str]:
    """What looks wrong in a valid instance without ruling a schedule out by itself (the
    pre-checks say when it does: a skill no crew has, say)."""
    out = []
    for crew in inst.station.crews:
        if not crew.skills:
            out.append(f"crew {crew.id} has no skills: it can do no task")
        elif not any(a < inst.horizon for a, _ in crew.shifts):
            out.append(f"crew {crew.id} has no shift before the horizon: it can do no task")
    return out


def summary(inst: Instance) -> dict[str, Any]:
    """What ``validate`` reports: sizes and resources of a valid instance."""
    st = inst.station
    clock = Clock.of(inst)
    return {
        "instance": inst.name,
        "valid": True,
        "horizon": inst.horizon,
        "epoch": inst.epoch,
        "start": clock.at(0),
        "end": clock.at(inst.horizon),
        "trains": len(inst.trains),
        "directions": dict(
            sorted(Counter(f"{t.from_gauge}->{t.to_gauge}" for t in inst.trains).items())
        ),
        "carriages": sum(len(t.carriages) for t in inst.trains),
        "tracks": len(st.tracks),
        "methods": dict(sorted(Counter(t.method for t in st.tracks).items())),
        "jack_sets": sum(t.jack_sets for t in st.tracks),
        "crews": len(st.crews),
        "shunters": len(st.shunters),
        "changer": st.changer is not None,
        "station_locomotives": len(st.locomotives),
        "inbound_locomotives": sum(t.inbound_loco is not None for t in inst.trains),
        "bogie_stock": [b.model_dump() for b in st.bogie_stock],
    } | _v12_steps(inst)


def _v12_steps(inst: Instance) -> dict[str, Any]:
    """The v1.2 steps the instance asks for (nothing for an instance without them)."""
    d = inst.station.durations
    out: dict[str, Any] = {}
    if d.inspection or d.inspection_per_carriage:
        out["inspection"] = {"per_train": d.inspection, "per_carriage": d.inspection_per_carriage}
    changing = sum(t.coupler_exchange for t in inst.trains)
    if changing:
        out["coupler_exchange"] = {"trains": changing, "per_carriage": d.coupler}
    return out


def _counts(parts: Iterable[str]) -> str:
    """`` (2 individual, 1 roll)``, or nothing when there is nothing to count."""
    text = ", ".join(parts)
    return f" ({text})" if text else ""


def _print(inst: Instance, s: dict[str, Any], reasons: list[str]) -> None:
    clock = Clock.of(inst)
    verdict = "valid, but no schedule can exist" if reasons else "valid"
    lines = [
        f"{inst.name}: {verdict} (horizon {inst.horizon} min)",
        f"  time         {clock.span(0, inst.horizon)} ({duration(inst.horizon)})",
        f"  trains       {s['trains']}"
        + _counts(f"{n} x {d}" for d, n in s["directions"].items())
        + f", {s['carriages']} carriages",
        f"  tracks       {s['tracks']}"
        + _counts(f"{n} {m}" for m, n in s["methods"].items())
        + f", jack sets {s['jack_sets']}",
        f"  crews        {s['crews']}, shunters {s['shunters']}, "
        f"changer {'yes' if s['changer'] else 'no'}",
        f"  locomotives  {s['station_locomotives']} station, {s['inbound_locomotives']} inbound",
        "  bogie stock  "
        + (
            ", ".join(f"{b['gauge']}/{b['type']}: {b['count']}" for b in s["bogie_stock"]) or "none"
        ),
    ]
    if "inspection" in s:
        i = s["inspection"]
        lines.append(
            f"  inspection   {i['per_train']} min a train + {i['per_carriage']} a carriage"
        )
    if "coupler_exchange" in s:
        c = s["coupler_exchange"]
        lines.append(
            f"  couplers     exchanged on {c['trains']} train(s), {c['per_carriage']} min a carriage"
        )
    lines += [f"  root cause   {r}" for r in reasons]
    for line in lines:
        out.print(line, markup=False)


def validate(
    instance: str = typer.Argument(..., metavar="INSTANCE", help="Instance file (JSON)."),
    as_json: bool = typer.Option(
        False, "--json", help="Print one JSON object (sizes and resources) instead."
    ),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Check an instance file and print a short summary (exit 0), or the error (exit 2).

    The solver's pre-checks run too: an instance that can never be scheduled is reported
    with its root cause, and exits 1 (proven infeasible).
    """
    # The checker's command must not load solver code: the pre-checks load on use.
    from gaugeopt.diagnose.precheck import infeasibility_reasons

    set_verbosity(verbose, quiet)
    inst = load(read_instance, instance, as_json=as_json)
    s = summary(inst)
    reasons = infeasibility_reasons(inst)
    notes = warnings(inst)
    for note in notes:
        log.warning("%s", note)
    if as_json:
        print_json({**s, "schedulable": not reasons, "reasons": reasons, "warnings": notes})
    else:
        _print(inst, s, reasons)
    raise typer.Exit(EXIT_INFEASIBLE if reasons else EXIT_OK)


def schema(verbose: bool = verbose_option(), quiet: bool = quiet_option()) -> None:
    """Print the JSON Schema of the instance file."""
    set_verbosity(verbose, quiet)
    typer.echo(json.dumps(Instance.model_json_schema(), indent=2))
