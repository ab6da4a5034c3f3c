#!/usr/bin/env bash
# Speed benchmark: `mpi dedup` of ~1.7 million synthetic records (1,000,000 people).
# Usage: benches/dedup_1m.sh [PEOPLE] [SEED]    (writes into benches/out/)
# Prints the run summary (phase times, peak memory, accuracy against the truth file)
# and /usr/bin/time's wall clock, CPU share and maximum resident set size.
set -euo pipefail
cd "$(dirname "$0")/.."
people=${1:-1000000}
seed=${2:-2026}
mkdir -p benches/out
cargo build --release --quiet
bin=target/release/mpi
data=benches/out/synth_${people}_${seed}.csv
truth=benches/out/synth_${people}_${seed}.truth.csv
[ -f "$data" ] || "$bin" synth --people "$people" --seed "$seed" --out "$data" --truth "$truth"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
/usr/bin/time -f "wall %e s, CPU %P, max RSS %M KiB" \
  "$bin" dedup "$data" --out benches/out/clusters.csv --truth "$truth"
