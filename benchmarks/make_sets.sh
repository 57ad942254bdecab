#!/bin/sh
# Regenerate the gauge-change benchmark sets under instances/bench/ (deterministic).
set -e
cd "$(dirname "$0")/.."
rm -rf instances/bench/small instances/bench/medium instances/bench/large
gaugeopt generate single --size small  --seed 1 --count 10 --out instances/bench/small
gaugeopt generate day    --size small  --seed 1 --count 4  --out instances/bench/small
gaugeopt generate scarce --size small  --seed 1 --count 4  --out instances/bench/small
gaugeopt generate single --size medium --seed 1 --count 6  --out instances/bench/medium
gaugeopt generate day    --size medium --seed 1 --count 4  --out instances/bench/medium
gaugeopt generate scarce --size medium --seed 1 --count 2  --out instances/bench/medium
gaugeopt generate day    --size large  --seed 1 --count 3  --out instances/bench/large
