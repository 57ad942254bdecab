"""Loading the benchmark-only baselines from the repository's ``benchmarks/baselines`` folder.

The baselines (today the PyJobShop one) are not part of the installed package: they live in
a plain folder of the repository, whose modules import each other by bare name. Loading puts
that folder on ``sys.path`` and imports the entry module.
"""

from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path
from types import ModuleType

log = logging.getLogger(__name__)

#: The folder searched when none is given, relative to the current directory.
DEFAULT_DIR = Path("benchmarks") / "baselines"
#: The module ``gaugeopt bench -m pyjobshop`` loads from the baselines folder.
PYJOBSHOP_MODULE = "pyjobshop_baseline"
MISSING_PYJOBSHOP = "pyjobshop is not installed (optional dependency: pip install '.[bench]')"


class BaselineUnavailable(RuntimeError):
    """A baseline that cannot be run here; ``str(error)`` is one line saying why."""


def candidate_dirs(directory: Path | None = None) -> list[Path]:
    """Where to look: ``directory`` alone when given, else ``benchmarks/baselines`` under the
    current directory, then beside the package's own source tree (an editable install)."""
    if directory is not None:
        return [Path(directory)]
    repo = Path(__file__).resolve().parents[2]
    return [Path.cwd() / DEFAULT_DIR, repo / DEFAULT_DIR]


def find_dir(directory: Path | None = None, module: str = PYJOBSHOP_MODULE) -> Path:
    """The first candidate folder holding ``module``.py; BaselineUnavailable if none does."""
    tried = candidate_dirs(directory)
    for folder in tried:
        if (folder / f"{module}.py").is_file():
            return folder.resolve()
    where = directory if directory is not None else DEFAULT_DIR
    raise BaselineUnavailable(
        f"no {module}.py in {where} (run from a clone of the repository or give --baselines DIR)"
    )


def import_from(folder: Path, module: str) -> ModuleType:
    """Import ``module`` from ``folder``, putting the folder first on ``sys.path``.

    A module already imported (from any folder) is returned as it is.
    """
    entry = str(Path(folder).resolve())
    if entry not in sys.path:
        sys.path.insert(0, entry)
        log.debug("baselines: %s put on sys.path", entry)
    return importlib.import_module(module)


def load_pyjobshop(directory: Path | None = None) -> ModuleType:
    """The PyJobShop baseline module; BaselineUnavailable (one line) if it cannot run here."""
    folder = find_dir(directory)
    try:
        importlib.import_module("pyjobshop")
    except ImportError:
        raise BaselineUnavailable(MISSING_PYJOBSHOP) from None
    return import_from(folder, PYJOBSHOP_MODULE)
