"""Every code block of the README runs, or (where it cannot run as written) agrees with the
command line it documents.

What runs, and how:

* the Python block, with ``time_limit=30`` cut to 2 s (it must run, not find a good plan);
* the first bash block's ``gaugeopt solve`` with ``--time-limit 2`` (its ``pip install .``
  is not run: the tests run on the installed package);
* the replanning block, with ``--time-limit 2``: the edit its comment describes (B2 an hour
  late, 660 -> 720) is made by the test, and ``--now 640`` is kept;
* the usage block: each line's command exists and takes every option the line names;
* the test-command block: it is the command ``.ci/run`` runs (not run here: it is this suite);
* the architecture block: every path it names exists.

Everything that writes runs in a temporary folder with a copy of ``instances/``, so no run
writes into the repository.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gaugeopt.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
#: (language, text) of every fenced block of the README, in order.
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.S | re.M)
SECONDS = "2"  # every time limit of a block, cut to this


def blocks(language: str) -> list[str]:
    return [text for lang, text in BLOCKS if lang == language]


def short(text: str) -> str:
    """A block with every time limit cut to :data:`SECONDS`."""
    text = re.sub(r"--time-limit \d+", f"--time-limit {SECONDS}", text)
    return re.sub(r"time_limit=\d+", f"time_limit={SECONDS}", text)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder with a copy of the repository's instances, to run the blocks in."""
    shutil.copytree(ROOT / "instances" / "examples", tmp_path / "instances" / "examples")
    return tmp_path


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A README command line, ``gaugeopt`` run as ``python -m gaugeopt`` of this checkout."""
    if args[0] == "gaugeopt":
        args = [sys.executable, "-m", "gaugeopt", *args[1:]]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_readme_has_the_blocks_this_test_knows() -> None:
    assert [lang for lang, _ in BLOCKS] == ["bash", "bash", "bash", "bash", "python", ""]


def test_the_python_block_runs(workdir: Path) -> None:
    (code,) = blocks("python")
    script = workdir / "readme.py"
    script.write_text(short(code), encoding="utf-8")
    done = run([sys.executable, str(script)], workdir)
    assert done.returncode == 0, done.stderr
    assert (workdir / "brest.solution.json").exists() and (workdir / "brest-gantt.png").exists()
    status = done.stdout.split()[0]
    assert status in ("optimal", "feasible"), done.stdout


def test_the_first_command_solves_and_writes_beside_the_instance(workdir: Path) -> None:
    first = blocks("bash")[0].strip()
    install, solve = (part.strip() for part in first.split("&&"))
    assert install == "python3 -m pip install ."
    done = run(shlex.split(short(solve)), workdir)
    assert done.returncode == 0, done.stderr
    written = workdir / "instances" / "examples" / "khasan-armoured.solution.json"
    assert json.loads(written.read_text())["status"] in ("optimal", "feasible")
    assert f"solution written to {written.relative_to(workdir)}" in done.stdout


def test_the_test_command_is_what_ci_runs() -> None:
    command = blocks("bash")[1].strip()
    assert command == "python3 -m pip install '.[test]' && python3 -m pytest -q -p no:cacheprovider"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m pip install -q '.[test]' && python3 -m pytest -q -p no:cacheprovider" in ci


def _usage_lines() -> list[list[str]]:
    usage = blocks("bash")[2]
    return [shlex.split(line.split("#")[0]) for line in usage.splitlines() if line.strip()]


def test_every_usage_line_names_a_command_and_its_options() -> None:
    names = {name for name, *_ in COMMANDS}
    seen = set()
    for words in _usage_lines():
        assert words[0] == "gaugeopt" and words[1] in names, words
        seen.add(words[1])
        helped = run(["gaugeopt", words[1], "--help"], ROOT)
        assert helped.returncode == 0, helped.stderr
        for word in words[2:]:
            for option in re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", word):
                assert option in helped.stdout, (words[1], option)
    assert seen == names  # the block lists every command


def test_the_generate_line_lists_every_family() -> None:
    from gaugeopt.generate import FAMILIES

    (line,) = [w for w in _usage_lines() if w[1] == "generate"]
    assert line[2].split("|") == list(FAMILIES)


def test_the_replanning_block_runs(workdir: Path) -> None:
    block = short(blocks("bash")[3])
    commands = [shlex.split(line) for line in block.splitlines() if line.startswith("gaugeopt")]
    assert [c[1] for c in commands] == ["solve", "replan"]
    solved = run(commands[0], workdir)
    assert solved.returncode == 0, solved.stderr
    # the edit the block's comment describes: B2 arrives an hour late (660 -> 720)
    assert "B2 arrives an hour late: edit its arrival (660 -> 720) in a copy, late.json" in block
    data = json.loads((workdir / "instances/examples/brest-ground-air.json").read_text())
    (b2,) = [t for t in data["trains"] if t["id"] == "B2"]
    assert b2["arrival"] == 660
    b2["arrival"] = 720
    (workdir / "late.json").write_text(json.dumps(data))
    replanned = run(commands[1], workdir)
    assert replanned.returncode == 0, replanned.stderr
    assert json.loads((workdir / "plan2.json").read_text())["status"] in ("optimal", "feasible")


def test_every_path_of_the_architecture_block_exists() -> None:
    (tree,) = blocks("")
    for line in tree.splitlines():
        for path in re.findall(r"^(\S+/)|\b(\w+\.py)\b", line):
            folder, module = path
            if folder:
                assert (ROOT / folder).is_dir(), folder
            elif module:
                assert list(ROOT.glob(f"gaugeopt/**/{module}")), module
