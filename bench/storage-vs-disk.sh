#!/usr/bin/env bash
# Log append/read throughput (JMH LogBenchmark) beside the raw sequential write
# speed of the same disk (dd), interleaved so both see the same machine load.
#
#   bench/storage-vs-disk.sh [DIR] [ROUNDS]
#
# DIR (default: ./target/storage-bench) must be on the disk to measure. Prints a
# Markdown table of medians and ratios; raw outputs stay in DIR/results.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$(mkdir -p "${1:-$root/target/storage-bench}" && cd "${1:-$root/target/storage-bench}" && pwd)
rounds=${2:-2}
results="$dir/results"
mkdir -p "$results"
jar="$root/benchmarks/target/benchmarks.jar"

(cd "$root" && mvn -B -q -Dstyle.color=never -Pbench -pl benchmarks -am package -DskipTests)

# MB/s (10^6 bytes/s) from dd's summary line, whatever unit dd chose.
dd_mbps() {
  LC_ALL=C dd if=/dev/zero of="$dir/dd.bin" bs=1M count=2048 "$@" 2>&1 |
    awk '/copied/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9.]+$/ && $(i+1) == "s,") s = $i;
                    b = $1 } END { printf "%.0f\n", b / s / 1e6 }'
  rm -f "$dir/dd.bin"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

: > "$results/dd-direct" ; : > "$results/dd-fdatasync"
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds: dd" >&2
  dd_mbps oflag=direct >> "$results/dd-direct"
  dd_mbps conv=fdatasync >> "$results/dd-fdatasync"
  echo "round $r/$rounds: LogBenchmark" >&2
  java -jar "$jar" LogBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s \
    -jvmArgs "-Djava.io.tmpdir=$dir -Xmx1g" -rf csv -rff "$results/jmh-$r.csv" > "$results/jmh-$r.log"
done

direct=$(median < "$results/dd-direct")
fdatasync=$(median < "$results/dd-fdatasync")
echo
echo "| measurement | MB/s (median of $rounds) | vs dd oflag=direct |"
echo "|---|---:|---:|"
echo "| dd bs=1M oflag=direct (raw sequential write) | $direct | 1.00 |"
echo "| dd bs=1M conv=fdatasync | $fdatasync | $(awk -v a="$fdatasync" -v b="$direct" 'BEGIN { printf "%.2f", a / b }') |"
# JMH csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: batchBytes"
for bench in append appendAndFlush read; do
  for size in 1048576 16384; do
    mbps=$(cat "$results"/jmh-*.csv | tr -d '\r' | awk -F, -v b="\"io.weir.bench.LogBenchmark.$bench:bytes\"" -v s="$size" \
      '$1 == b && $8 == s { printf "%.0f\n", $5 / 1e6 }' | median)
    echo "| Log.$bench, batches of $((size / 1024)) KiB | $mbps | $(awk -v a="$mbps" -v b="$direct" 'BEGIN { printf "%.2f", a / b }') |"
  done
done
