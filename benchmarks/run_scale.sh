#!/bin/sh
# The scaling runs of issue 7 on instances/bench/scale (benchmarks/make_sets.sh): time to first
# schedule, and gap at 10 s and at 60 s, by train length and by trains per day (about 25 min).
# --jobs 1 --workers 2: the machine has 2 cores; other work on it disturbs the timings.
# Table: python benchmarks/tables.py benchmarks/results/scale-10s.csv benchmarks/results/scale-60s.csv
set -e
cd "$(dirname "$0")/.."
R=benchmarks/results
S=instances/bench/scale
gaugeopt bench $S -t 10 -w 2 -j 1 -m gaugeopt -o $R/scale-10s.csv --resume
gaugeopt bench $S -t 60 -w 2 -j 1 -m gaugeopt -o $R/scale-60s.csv --resume
