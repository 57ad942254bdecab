"""``gaugeopt validate`` and ``gaugeopt schema``."""

from __future__ import annotations

import json
from collections import Counter

import typer

from gaugeopt.cli import app
from gaugeopt.cli.common import load, out
from gaugeopt.model.instance import Instance
from gaugeopt.model.io import read_instance


@app.command()
def validate(instance: str = typer.Argument(..., help="Instance file (JSON).")) -> None:
    """Check an instance file and print a short summary (exit 0), or the error (exit 2)."""
    inst = load(read_instance, instance)
    st = inst.station
    n_car = sum(len(t.carriages) for t in inst.trains)
    directions = Counter(f"{t.from_gauge}->{t.to_gauge}" for t in inst.trains)
    methods = Counter(t.method for t in st.tracks)
    out.print(f"{inst.name}: valid (horizon {inst.horizon} min)", markup=False)
    out.print(
        f"  trains       {len(inst.trains)} ("
        + ", ".join(f"{n} x {d}" for d, n in sorted(directions.items()))
        + f"), {n_car} carriages",
        markup=False,
    )
    out.print(
        f"  tracks       {len(st.tracks)} ("
        + ", ".join(f"{n} {m}" for m, n in sorted(methods.items()))
        + f"), jack sets {sum(t.jack_sets for t in st.tracks)}",
        markup=False,
    )
    out.print(
        f"  crews        {len(st.crews)}, shunters {len(st.shunters)}, "
        f"changer {'yes' if st.changer else 'no'}",
        markup=False,
    )
    out.print(
        f"  locomotives  {len(st.locomotives)} station, "
        f"{sum(t.inbound_loco is not None for t in inst.trains)} inbound",
        markup=False,
    )
    stock = ", ".join(f"{b.gauge}/{b.type}: {b.count}" for b in st.bogie_stock) or "none"
    out.print(f"  bogie stock  {stock}", markup=False)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the instance file."""
    typer.echo(json.dumps(Instance.model_json_schema(), indent=2))
