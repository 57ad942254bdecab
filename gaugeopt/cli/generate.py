"""``gaugeopt generate``: write seeded instances of a family (single, day, scarce)."""

from __future__ import annotations

from pathlib import Path

import typer

from gaugeopt.cli import app
from gaugeopt.cli.common import EXIT_OK, fail, out


@app.command()
def generate(
    family: str = typer.Argument(..., help="Instance family: single, day or scarce."),
    seed: int = typer.Option(..., "--seed", help="First seed (same seed, same instance)."),
    count: int = typer.Option(1, "--count", "-n", min=1, help="Instances: seeds K..K+N-1."),
    size: str = typer.Option(
        "any", "--size", help="Size class: any, small, medium (day: also large)."
    ),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder to write the files into."),
) -> None:
    """Write feasible, realistic instances (figures of domain.md §7) as DIR/<name>.json."""
    from gaugeopt.generate import FAMILIES, SIZES
    from gaugeopt.generate import generate as draw
    from gaugeopt.model.io import write_instance

    if family not in FAMILIES:
        raise fail(f"FAMILY: must be one of {', '.join(FAMILIES)}, got {family!r}")
    if size not in SIZES[family]:
        raise fail(f"--size: {family} has sizes {', '.join(SIZES[family])}, got {size!r}")
    if out_dir.exists() and not out_dir.is_dir():
        raise fail(f"--out: {out_dir} is not a folder")
    for k in range(seed, seed + count):
        inst = draw(family, k, size)
        path = out_dir / f"{inst.name}.json"
        write_instance(inst, path)
        cars = sum(len(t.carriages) for t in inst.trains)
        out.print(
            f"{path}: {len(inst.trains)} trains, {cars} carriages, "
            f"{len(inst.station.tracks)} tracks, {len(inst.station.crews)} crews",
            markup=False,
        )
    raise typer.Exit(EXIT_OK)
