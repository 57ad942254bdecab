#!/bin/sh
# The best-known refresh recorded in instances/bench/bks.csv (issue 19), on 2 cores shared with
# other work: 120 s per method and instance, smallest first; the direct model only where it can
# find a schedule (up to 70 carriages); the greedy given 60 s (it beats gaugeopt on some days);
# then restarts of gaugeopt with another seed, smallest first, as long as time allowed.
cd "$(dirname "$0")/.." || exit 2
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
P="benchmarks/figures.txt benchmarks/figures-cycling.txt instances/bench/families"
run() { nice -n 15 python benchmarks/best_known.py -w 2 "$@" $P; }
run -t 120 -m gaugeopt,direct --seeds 0 --max-carriages 70
run -t 120 -m gaugeopt --seeds 0 --min-carriages 71
run -t 60 -m greedy --seeds 0
run -t 120 -m gaugeopt --seeds 1
# (6 December: the last line was stopped at 13:48 UTC after the 8 smallest instances.)
