#!/usr/bin/env bash
# Support-zip throughput: `logscrub -o out.zip in.zip` against
# `unzip -p in.zip > /dev/null` on the same zip, in the same run.
#
#   benches/zip.sh [SIZE] [REPEATS]     # default 1GB of generated logs, 3 repeats
#
# The zip holds one log of SIZE made by the project's own generator
# (examples/gen-corpus.rs, dense, seed 3); set LOGSCRUB_CORPUS_GEN to the
# path of gen_corpus.py to cross-check with that generator (same seed).
# It is deflated by Info-ZIP `zip` at its default level. Runs alternate
# between the two commands; the medians are printed with their ratio, the
# peak RSS of logscrub, and a check that the redacted zip has every line.
# The machine is shared and noisy: the ratio is the number to quote.
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1GB}
repeats=${2:-3}
work=${LOGSCRUB_BENCH_DIR:-/tmp/logscrub-bench}
pygen=${LOGSCRUB_CORPUS_GEN:-}
mkdir -p "$work"
cargo build --release --quiet --bin logscrub --example gen-corpus
bin=$PWD/target/release/logscrub
if [ -n "$pygen" ]; then kind=py; else kind=own; fi
in=$work/in-$size-$kind.zip
if [ ! -f "$in" ]; then
    if [ -n "$pygen" ]; then
        python3 "$pygen" --bytes "$size" --seed 3 --out "$work/support.log"
    else
        target/release/examples/gen-corpus write "$size" 3 dense "$work/support.log" "$work/truth.tsv"
        rm -f "$work/truth.tsv"
    fi
    (cd "$work" && rm -f "$in" && zip -q "$in" support.log && rm support.log)
fi
export LOGSCRUB_KEY=benchmark-key-0123456789
# Wall seconds and CPU seconds (user + system) of a command.
secs() { /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1, $2 + $3}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
u=(); l=(); uc=(); lc=()
for _ in $(seq "$repeats"); do
    read -r wall cpu < <(secs unzip -p "$in"); u+=("$wall"); uc+=("$cpu")
    rm -f "$work/out.zip"
    read -r wall cpu < <(secs "$bin" -q -o "$work/out.zip" "$in"); l+=("$wall"); lc+=("$cpu")
done
mu=$(printf '%s\n' "${u[@]}" | median)
ml=$(printf '%s\n' "${l[@]}" | median)
muc=$(printf '%s\n' "${uc[@]}" | median)
mlc=$(printf '%s\n' "${lc[@]}" | median)
rm -f "$work/out.zip"
rss=$( { /usr/bin/time -f %M "$bin" -q -o "$work/out.zip" "$in" >/dev/null; } 2>&1 | tail -1)
lines_in=$(unzip -p "$in" | wc -l)
lines_out=$(unzip -p "$work/out.zip" | wc -l)
[ "$lines_in" = "$lines_out" ] || { echo "line count differs: $lines_in in, $lines_out out" >&2; exit 1; }
echo "zip: $(stat -c %s "$in") bytes ($size of logs), $(nproc) cores, $repeats repeats"
echo "unzip -p:            ${u[*]} s, median $mu s (CPU $muc s)"
echo "logscrub -o out.zip: ${l[*]} s, median $ml s (CPU $mlc s), peak RSS ${rss} KiB"
echo "load average after:  $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v a="$ml" -v b="$mu" 'BEGIN { printf "ratio to unzip -p:   %.2f\n", a / b }'
