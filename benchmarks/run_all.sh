#!/bin/sh
# The recorded benchmark runs (benchmarks/README.md), one after the other, one run at a time.
# --jobs 1 --workers 2: the machine has 2 cores; other work on it disturbs the timings.
set -e
cd "$(dirname "$0")/.."
R=benchmarks/results
B=benchmarks/data
ALL=gaugeopt,greedy,pyjobshop
gaugeopt bench instances/bench/small  -t 10 -w 2 -j 1 -m $ALL -o $R/gauge-small.csv  --resume
gaugeopt bench instances/bench/medium -t 10 -w 2 -j 1 -m $ALL -o $R/gauge-medium.csv --resume
gaugeopt bench instances/bench/large  -t 60 -w 2 -j 1 -m $ALL -o $R/gauge-large.csv  --resume
gaugeopt bench benchmarks/j60-sample.txt  -t 10 -w 2 -j 1 -m $ALL -o $R/j60-sample.csv  --resume
gaugeopt bench benchmarks/j120-sample.txt -t 10 -w 2 -j 1 -m $ALL -o $R/j120-sample.csv --resume
gaugeopt bench $B/mmlib -t 10 -w 2 -j 1 -m $ALL -o $R/mmlib.csv --resume
gaugeopt bench $B/psplib/j30 -t 10 -w 2 -j 1 -m gaugeopt,greedy -o $R/j30.csv --resume
gaugeopt bench $B/psplib/j30 -t 10 -w 2 -j 1 -m pyjobshop -o $R/j30-pyjobshop.csv --resume
