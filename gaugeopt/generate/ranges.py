"""Realistic parameter ranges for generated instances, with their basis.

Every range comes from the team's domain research, docs/sources.md
("Proposed parameter ranges for instance generation"), which cites the public sources
(§1–6). Where §7 marks a range as an estimate, so does this module (**[E]**). A range is
``(low, high, typical)``; draws are triangular around the typical value.
"""

from __future__ import annotations

import random

Range = tuple[int, int, int]

# --- durations (minutes), docs/sources.md --------------------------------------------------
DETACH: Range = (5, 15, 10)  # [E]; a loco change totals 30-40 min (weak source)
ATTACH: Range = (5, 15, 10)  # [E]
BRAKE_TEST: Range = (15, 40, 25)  # derived: charge 5 min / 10 cars + ~10 min test
STATION_BORDER_CHECK: Range = (30, 90, 45)  # sourced range 30-180; the station default
SHUNT: Range = (10, 30, 15)  # [E]
COUPLE_PER_CARRIAGE: Range = (1, 3, 2)  # [E]
DISCONNECT: Range = (5, 20, 10)  # [E] (the operation list is sourced, the minutes are not)
LIFT: Range = (4, 8, 6)  # derived: 1-1.5 m at 240 mm/min
SWAP_PER_BOGIE: Range = (3, 8, 7)  # [E]
LOWER: Range = (4, 8, 6)  # derived, as lift
RECONNECT: Range = (5, 20, 10)  # [E]
CHANGER_SETUP: Range = (10, 20, 15)  # derived: Talgo branch handling, Strizh ~20 min/train
CHANGER_PER_CARRIAGE: Range = (1, 2, 1)  # derived: 10-15 km/h passage (0.5 rounds up to 1)
ROLL_SETUP: Range = (10, 20, 15)  # [E]; batch roll per track is sourced (Erenhot, Brest)
BOGIE_TURNAROUND: Range = (30, 120, 60)  # [E]; outbound bogies are inspected one by one
LOCO_TURNAROUND: Range = (20, 60, 30)  # [E]

# --- trains, docs/sources.md -----------------------------------------------------------------
PASSENGER_CARS: Range = (8, 18, 12)  # sourced: Strizh 18, Paris-Moscow 9, Erlian ~12
SPECIAL_CARS: Range = (10, 21, 14)  # sourced: leader's trains 10-15, 17 or 21 carriages
# Freight trains are 40-71 wagons (sourced: Cerbère 44, RU average 71); single trains are
# capped at 60 carriages, and days use shorter block trains [E] (as the erenhot-day example):
SHORT_FREIGHT_CARS: Range = (16, 44, 24)
LARGE_DAY_FREIGHT_CARS: Range = (24, 44, 32)  # [E] busier days, longer blocks
PASSENGER_MASS: Range = (46, 60, 52)  # sourced 46-52 t; upper bound [E]
HEAVY_MASS: Range = (70, 120, 95)  # armoured / vehicle-carrying cars [E]
HEAVY_WORK_PCT: Range = (120, 200, 150)  # [E]
FREIGHT_MASS_EMPTY: Range = (22, 28, 24)  # [E] (as the erenhot-day example)
FREIGHT_MASS_LOADED: Range = (80, 92, 88)  # [E]
PASSENGER_BORDER_CHECK: Range = (60, 120, 90)  # sourced range 30-180, typical 60-90
SPECIAL_BORDER_CHECK: Range = (90, 180, 120)  # sourced: Khasan ~1 h, Sinuiju ~2 h
FREIGHT_BORDER_CHECK: Range = (30, 60, 45)  # [E]
TIMETABLED_STOP: Range = (120, 180, 132)  # sourced: 132-min timetable stop at Brest

# --- station, docs/sources.md ----------------------------------------------------------------
TRACKS: Range = (2, 4, 3)  # sourced: Brest 2 in use, Erenhot 3
TRACK_CAPACITY: Range = (6, 12, 9)  # [E] ~ jack positions per track
MAX_MASS_NORMAL = 100.0  # derived: 4 x 25 t jacks
MAX_MASS_HEAVY = 140.0  # derived: 4 x 35 t jacks
SHIFT_MINUTES = 720  # sourced: 12 h day / 12 h night rotation (shunting crews)
NARROW_SHIFT_MINUTES = 480  # [E] an 8-hour shift, for the scarce family
DAY_MINUTES = 1440


def draw(rng: random.Random, r: Range) -> int:
    """An integer in ``[low, high]``, triangular around the typical value."""
    low, high, typical = r
    if low == high:
        return low
    return max(low, min(high, round(rng.triangular(low, high, typical))))
