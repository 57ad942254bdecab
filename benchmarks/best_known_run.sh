#!/bin/sh
# The best-known refresh recorded in instances/bench/bks.csv (issue 19): on 2 cores shared with
# other work, 120 s per method and instance, smallest first; the direct model only where it can
# find a schedule (up to 70 carriages); then restarts of gaugeopt with another seed.
cd "$(dirname "$0")/.." || exit 2
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
P="benchmarks/figures.txt benchmarks/figures-cycling.txt instances/bench/families"
nice -n 15 python benchmarks/best_known.py -t 120 -m gaugeopt,direct -w 2 --seeds 0 --max-carriages 70 $P
nice -n 15 python benchmarks/best_known.py -t 120 -m gaugeopt -w 2 --seeds 0 --min-carriages 71 $P
nice -n 15 python benchmarks/best_known.py -t 120 -m gaugeopt -w 2 --seeds 1 $P
