"""Crews of the ``roles`` and ``random-skills`` families.

``role_crews``: crews by trade, each holding one or two skills (a coupler, a lifter, a
lifter-fitter, a shunting driver, a brake inspector, a customs officer, ...), on a 12 h
day / 12 h night rotation. ``rotating_crews``: three shift teams (A, B, C) rotating over
12-hour shifts (A works the first and fourth shift of two days, B the second, C the third),
each crew with a random set of skills, every skill held by some crew of every team.
Team sizes follow the work the trains bring (:func:`.work.skill_minutes`).
"""

from __future__ import annotations

import math
import random
from typing import Any

from gaugeopt.generate import ranges as R
from gaugeopt.model.instance import SKILLS

#: Trades of the ``roles`` family: the skills of each (one or two) and which skill's work
#: sizes how many crews of that trade a shift has.
TRADES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("coupler", ("coupling",), "coupling"),
    ("lifter", ("lifting",), "lifting"),
    ("fitter", ("bogie",), "bogie"),
    ("lifter-fitter", ("lifting", "bogie"), "bogie"),
    ("coupler-lifter", ("coupling", "lifting"), "lifting"),
    ("driver", ("shunting",), "shunting"),
    ("inspector", ("brake",), "brake"),
    ("coupler-inspector", ("coupling", "brake"), "brake"),
    ("customs", ("customs",), "customs"),
)


def _shift_pattern(horizon: int, start: int, length: int) -> list[list[int]]:
    """The same shift ``[start, start + length)`` every day of the horizon."""
    out = []
    day = 0
    while day * R.DAY_MINUTES + start < horizon:
        a = day * R.DAY_MINUTES + start
        out.append([a, min(horizon, a + length)])
        day += 1
    return out


def inspector_crews(horizon: int, minutes: int, *, use: float = 0.5) -> list[dict[str, Any]]:
    """Car examiners: crews with the one skill ``inspection`` (v1.2), day / night: enough for
    ``minutes`` of inspections a day over two shifts at about ``use`` of their time, at
    least one per shift (none when nothing is inspected)."""
    if minutes <= 0:
        return []
    count = max(1, math.ceil(minutes / 2 / (R.SHIFT_MINUTES * use)))
    return [
        {"id": f"{tag}-examiner-{k + 1}", "skills": ["inspection"], "shifts": shifts}
        for tag, start in (("D", 0), ("N", R.SHIFT_MINUTES))
        for shifts in [_shift_pattern(horizon, start, R.SHIFT_MINUTES)]
        for k in range(count)
    ]


def role_crews(
    rng: random.Random, horizon: int, need: dict[str, int], *, use: float = 0.5
) -> list[dict[str, Any]]:
    """Crews by trade on a day / night rotation, every skill held on every shift.

    Per shift, each trade gets crews in proportion to the minutes of the skill that sizes
    it: a day's work over two shifts at about ``use`` of their time, split over the trades
    that share that skill, at least one crew for the single-skill trades.
    """
    minutes_per_shift = R.SHIFT_MINUTES * use
    sharing = {s: sum(1 for _, _, k in TRADES if k == s) for s in SKILLS}
    out = []
    for tag, start in (("D", 0), ("N", R.SHIFT_MINUTES)):
        shifts = _shift_pattern(horizon, start, R.SHIFT_MINUTES)
        for trade, skills, sized_by in TRADES:
            share = need[sized_by] / 2 / sharing[sized_by] / minutes_per_shift
            count = math.ceil(share * rng.uniform(0.8, 1.2))
            if len(skills) == 1:
                count = max(1, count)
            for k in range(count):
                out.append(
                    {"id": f"{tag}-{trade}-{k + 1}", "skills": list(skills), "shifts": shifts}
                )
    rng.shuffle(out)
    return out


#: Weights of the skills in a random skill set: exchange work is most of the work.
_SKILL_WEIGHTS = {"coupling": 4, "lifting": 3, "bogie": 3, "shunting": 1, "brake": 1, "customs": 1}


def _random_skills(rng: random.Random) -> set[str]:
    k = rng.choice([1, 2, 2, 3, 3, 4])
    skills: set[str] = set()
    while len(skills) < k:
        skills.add(rng.choices(list(_SKILL_WEIGHTS), weights=list(_SKILL_WEIGHTS.values()))[0])
    return skills


def rotating_crews(
    rng: random.Random, horizon: int, need: dict[str, int], *, use: float = 0.5
) -> list[dict[str, Any]]:
    """Three teams rotating over 12-hour shifts; random skill sets, every skill in every team.

    Shift ``k`` (``[720 k, 720 (k + 1))``) is worked by team ``"ABC"[k % 3]``. A team has
    about as many crews as a day's work needs over two shifts at ``use`` of their time,
    counting a crew with ``m`` skills as ``m`` / 2.4 of a crew per skill (at least 6).
    """
    n_shifts = math.ceil(horizon / R.SHIFT_MINUTES)
    total = sum(need.values())
    size = max(6, math.ceil(total / 2 / (R.SHIFT_MINUTES * use) * rng.uniform(0.9, 1.2)))
    out = []
    for team_index, team in enumerate("ABC"):
        shifts = [
            [k * R.SHIFT_MINUTES, min(horizon, (k + 1) * R.SHIFT_MINUTES)]
            for k in range(n_shifts)
            if k % 3 == team_index
        ]
        if not shifts:
            continue
        sets = [_random_skills(rng) for _ in range(size)]
        for skill in _SKILL_WEIGHTS:  # every skill of the exchange covered in every shift
            if not any(skill in s for s in sets):
                rng.choice(sets).add(skill)
        for k, skills in enumerate(sets):
            ordered = [s for s in SKILLS if s in skills]
            out.append({"id": f"{team}{k + 1:02d}", "skills": ordered, "shifts": shifts})
    rng.shuffle(out)
    return out
