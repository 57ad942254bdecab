#!/bin/sh
# Regenerate the gauge-change benchmark sets under instances/bench/ (deterministic).
set -e
cd "$(dirname "$0")/.."
rm -rf instances/bench/small instances/bench/medium instances/bench/large instances/bench/scale
gaugeopt generate single --size small  --seed 1 --count 10 --out instances/bench/small
gaugeopt generate day    --size small  --seed 1 --count 4  --out instances/bench/small
gaugeopt generate scarce --size small  --seed 1 --count 4  --out instances/bench/small
gaugeopt generate single --size medium --seed 1 --count 6  --out instances/bench/medium
gaugeopt generate day    --size medium --seed 1 --count 4  --out instances/bench/medium
gaugeopt generate scarce --size medium --seed 1 --count 2  --out instances/bench/medium
gaugeopt generate day    --size large  --seed 1 --count 3  --out instances/bench/large
# scale/: instances by exact size, for the scaling figures of issue 7 (benchmarks/run_scale.sh):
# single trains of 6, 10, 20, 30, 40 and 60 carriages (seeds 1-2 each), named
# single-cNN-SEED.json, and days of 4, 10, 20, 30 and 40 trains (seed 1; seeds 1-2 for 4
# and 10), named day-tNN-SEED.json. Everything but the count is drawn as for --size any.
for c in 6 10 20 30 40 60; do
  gaugeopt generate single --carriages "$c" --seed 1 --count 2 --out instances/bench/scale
done
for t in 4 10; do
  gaugeopt generate day --trains "$t" --seed 1 --count 2 --out instances/bench/scale
done
for t in 20 30 40; do
  gaugeopt generate day --trains "$t" --seed 1 --count 1 --out instances/bench/scale
done
