"""``gaugeopt generate``: write seeded instances of a family (single, day, scarce, cycling,
congested, roles, random-skills, spread, inspected)."""

from __future__ import annotations

from pathlib import Path

import typer

from gaugeopt.cli.common import (
    EXIT_OK,
    fail,
    out,
    quiet_option,
    set_verbosity,
    verbose_option,
)


def generate(
    family: str = typer.Argument(
        ...,
        metavar="FAMILY",
        help="Instance family: single, day, scarce, cycling, congested, roles, random-skills, "
        "spread, inspected (v1.2).",
    ),
    seed: int = typer.Option(..., "--seed", help="First seed (same seed, same instance)."),
    count: int = typer.Option(1, "--count", "-n", min=1, help="Instances: seeds K..K+N-1."),
    size: str = typer.Option(
        "any", "--size", help="Size class: any, small, medium (day: also large)."
    ),
    carriages: int | None = typer.Option(
        None, "--carriages", help="single only: exactly N carriages (6..60) instead of --size."
    ),
    trains: int | None = typer.Option(
        None, "--trains", help="day only: exactly N trains (4..40) instead of --size."
    ),
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder to write the files into."),
    verbose: bool = verbose_option(),
    quiet: bool = quiet_option(),
) -> None:
    """Write feasible, realistic instances (figures of docs/sources.md) as DIR/<name>.json."""
    set_verbosity(verbose, quiet)
    from gaugeopt.generate import FAMILIES, FIXED, SIZES
    from gaugeopt.generate import generate as draw
    from gaugeopt.model.io import write_instance

    if family not in FAMILIES:
        raise fail(f"FAMILY: must be one of {', '.join(FAMILIES)}, got {family!r}")
    if size not in SIZES[family]:
        raise fail(f"--size: {family} has sizes {', '.join(SIZES[family])}, got {size!r}")
    for option, value in (("carriages", carriages), ("trains", trains)):
        if value is None:
            continue
        owner = next(f for f, (what, _) in FIXED.items() if what == option)
        if family != owner:
            raise fail(f"--{option}: only for family {owner}, got {value} for family {family}")
        lo, hi = SIZES[family]["any"]
        if not lo <= value <= hi:
            raise fail(f"--{option}: must be {lo}..{hi}, got {value}")
        if size != "any":
            raise fail(f"--size: leave it out with --{option} (which fixes the size), got {size!r}")
    if out_dir.exists() and not out_dir.is_dir():
        raise fail(f"--out: {out_dir} is not a folder")
    for k in range(seed, seed + count):
        try:
            inst = draw(family, k, size, carriages=carriages, trains=trains)
        except RuntimeError as exc:  # no feasible draw for this seed
            raise fail(f"--seed: {exc}") from None
        path = out_dir / f"{inst.name}.json"
        write_instance(inst, path)
        cars = sum(len(t.carriages) for t in inst.trains)
        out.print(
            f"{path}: {len(inst.trains)} trains, {cars} carriages, "
            f"{len(inst.station.tracks)} tracks, {len(inst.station.crews)} crews",
            markup=False,
        )
    raise typer.Exit(EXIT_OK)
