#!/bin/sh
# Unpack the whole PSPLIB j60 (480 files) and j120 (600 files) sets, shipped as archives, into
# benchmarks/data/psplib/j60/ and j120/ beside the sample files already there (the archives hold
# identical copies of those). git ignores the unpacked files (benchmarks/data/psplib/.gitignore).
# Usage: sh benchmarks/unpack_sets.sh [j60] [j120]    (no argument: both)
# Then, e.g.: gaugeopt bench benchmarks/data/psplib/j60 -t 10 -o j60.csv
set -e
cd "$(dirname "$0")/data/psplib"
for set in ${*:-j60 j120}; do
  case "$set" in
    j60 | j120) ;;
    *) echo "unpack_sets.sh: unknown set '$set' (j60 or j120)" >&2; exit 2 ;;
  esac
  tar -xJf "$set.tar.xz"
  echo "benchmarks/data/psplib/$set: $(find "$set" -name '*.sm' | wc -l | tr -d ' ') files"
done
