#!/usr/bin/env bash
# End-to-end throughput of the logscrub binary, against `cat` of the same
# input in the same run (the machines are shared and noisy: ratios are what
# we claim).
#
#   benches/e2e.sh [SIZE] [RUNS]          default: 1GB, 5 runs each
#   KEEP=1 WORK=/tmp/x benches/e2e.sh     keep the generated inputs
#
# What it does, in order:
# 1. builds the release binary and the corpus generator (examples/gen-corpus.rs);
# 2. writes a dense corpus (a sensitive value every 5-20 lines) of SIZE and a
#    sparse one (every 300-700 lines, mostly stack traces) of SIZE/4, both
#    deterministic (seeds 1 and 2);
# 3. checks correctness first: no planted secret survives, at most 0.5% of the
#    canaries are lost, and the report counts at least one replacement per
#    planted secret; a fast but wrong build fails here;
# 4. times `cat IN > OUT`, `logscrub -j1 IN > OUT` and `logscrub -j2 IN > OUT`
#    (hyperfine when installed, else RUNS runs and the median), on both inputs;
# 5. times a folder of the same dense corpus cut into files of 1 MB (what a
#    support bundle looks like) against `cat` of all its files, and checks its
#    output as in step 3; measures
#    peak RSS on the dense input streamed through a pipe, and the start-up
#    time on an empty input;
# 6. runs the peers found here on the dense input: ripgrep with the default
#    rules as one alternation (counting lines only), and sed -E with a few
#    common patterns;
# 7. prints MB/s, the ratio to cat and the -j2/-j1 scaling, and appends a row
#    to benches/results/history.csv.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${1:-1GB}
RUNS=${2:-5}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/logscrub-e2e.XXXXXX")}
mkdir -p "$WORK"
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi

say() { printf '%s\n' "$*" >&2; }

bytes_of() { # 1GB -> 1000000000
  local s=$1
  case $s in
    *GB) echo $(( ${s%GB} * 1000000000 ));;
    *MB) echo $(( ${s%MB} * 1000000 ));;
    *) echo "$s";;
  esac
}

say "building release..."
cargo build --release --quiet --bin logscrub --example gen-corpus
BIN=$PWD/target/release/logscrub
GEN=$PWD/target/release/examples/gen-corpus
export LOGSCRUB_KEY=benchmark-key-material-0001

DENSE=$WORK/dense.log
SPARSE=$WORK/sparse.log
if [ ! -s "$DENSE" ]; then
  say "writing $SIZE dense corpus..."
  "$GEN" write "$SIZE" 1 dense "$DENSE" "$WORK/dense.tsv"
fi
if [ ! -s "$SPARSE" ]; then
  SPARSE_BYTES=$(( $(bytes_of "$SIZE") / 4 ))
  say "writing sparse corpus ($SPARSE_BYTES bytes)..."
  "$GEN" write "$SPARSE_BYTES" 2 sparse "$SPARSE" "$WORK/sparse.tsv"
fi
IN_BYTES=$(stat -c %s "$DENSE")
SPARSE_IN=$(stat -c %s "$SPARSE")

# 3. Correctness before speed.
say "checking correctness..."
"$BIN" -q --report "$WORK/report.json" -o "$WORK/check.log" "$DENSE"
VERIFY=$("$GEN" verify "$WORK/dense.tsv" "$WORK/check.log") || { say "FAIL: $VERIFY"; exit 1; }
SECRETS=$(awk -F'\t' '$2 == 1' "$WORK/dense.tsv" | wc -l)
REPLACEMENTS=$(grep -o '"replacements": *[0-9]*' "$WORK/report.json" | head -1 | grep -o '[0-9]*$')
if [ "${REPLACEMENTS:-0}" -lt "$SECRETS" ]; then
  say "FAIL: $REPLACEMENTS replacements for $SECRETS planted secrets"
  exit 1
fi
say "ok: $VERIFY replacements=$REPLACEMENTS"
rm -f "$WORK/check.log"

# 4. Timing.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
time_cmd() { # NAME COMMAND [PREPARE] -> prints median seconds; PREPARE runs untimed first
  local name=$1 cmd=$2 prep=${3:-true}
  if command -v hyperfine >/dev/null; then
    hyperfine --style none --warmup 1 --runs "$RUNS" --prepare "$prep" --export-csv "$WORK/$name.csv" "$cmd" >/dev/null 2>&1
    awk -F, 'NR==2 {printf "%.3f\n", $4}' "$WORK/$name.csv"
  else
    local t
    for _ in $(seq "$RUNS"); do
      bash -c "$prep" >/dev/null
      t=$( { /usr/bin/time -f %e bash -c "$cmd" >/dev/null; } 2>&1 | tail -1 )
      echo "$t"
    done | median
  fi
}
OUT=$WORK/out.log
say "timing (median of $RUNS)..."
T_CAT=$(time_cmd cat "cat $DENSE > $OUT")
T_J1=$(time_cmd j1 "$BIN -j1 $DENSE > $OUT")
T_J2=$(time_cmd j2 "$BIN -j2 $DENSE > $OUT")
T_PIPE=$(time_cmd pipe "cat $DENSE | $BIN -j2 > $OUT")
T_SCAT=$(time_cmd scat "cat $SPARSE > $OUT")
T_SJ2=$(time_cmd sj2 "$BIN -j2 $SPARSE > $OUT")
FOLDER=$WORK/folder
# A folder left by an earlier run is used only if it holds the same bytes.
if [ "$(cat "$FOLDER"/* 2>/dev/null | cksum)" != "$(cksum < "$DENSE")" ]; then
  rm -rf "$FOLDER"
  mkdir -p "$FOLDER"
  split -C 1000000 -d -a 5 --additional-suffix=.log "$DENSE" "$FOLDER/part-"
fi
FILES=$(find "$FOLDER" -type f | wc -l)
T_FCAT=$(time_cmd fcat "cat '$FOLDER'/* > '$OUT'")
T_FJ2=$(time_cmd fj2 "'$BIN' -q -j2 -o '$WORK/folder-out' '$FOLDER'" "rm -rf '$WORK/folder-out'")
# The folder's output, file after file, must pass the same check as the file's.
cat "$WORK/folder-out"/* > "$WORK/check.log"
VERIFY=$("$GEN" verify "$WORK/dense.tsv" "$WORK/check.log") || { say "FAIL (folder): $VERIFY"; exit 1; }
say "folder ok: $VERIFY"
rm -rf "$WORK/folder-out" "$WORK/check.log"
: > "$WORK/empty.log"
T_START=$(RUNS=20 time_cmd start "$BIN $WORK/empty.log")

# 5. Peak memory on a stream.
RSS_KB=$( { cat "$DENSE" | /usr/bin/time -v "$BIN" -j2 >/dev/null; } 2>&1 | awk '/Maximum resident/ {print $NF}')

# 6. Peers.
RG="-"
SED="-"
if command -v rg >/dev/null; then
  "$GEN" patterns > "$WORK/patterns.txt"
  RG=$( { /usr/bin/time -f %e rg -c --no-unicode -f "$WORK/patterns.txt" "$DENSE" >/dev/null; } 2>&1 | tail -1 )
fi
SED_SCRIPT='s/[0-9]{1,3}(\.[0-9]{1,3}){3}/IP/g; s/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/EMAIL/g; s/(password|secret|token)=[^ &]+/\1=SECRET/g; s/([0-9a-f]{2}:){5}[0-9a-f]{2}/MAC/g; s/AKIA[A-Z0-9]{16}/AWSKEY/g; s/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/JWT/g'
SED=$( { LC_ALL=C /usr/bin/time -f %e sed -E "$SED_SCRIPT" "$DENSE" >/dev/null; } 2>&1 | tail -1 )

# 7. Report.
mbs() { awk -v b="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", b / t / 1e6; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
printf '\n%-34s %9s %9s %9s\n' "dense input: $IN_BYTES bytes" "seconds" "MB/s" "x cat"
printf '%-34s %9s %9s %9s\n' "cat IN > OUT" "$T_CAT" "$(mbs "$IN_BYTES" "$T_CAT")" "1.00"
printf '%-34s %9s %9s %9s\n' "logscrub -j1 IN > OUT" "$T_J1" "$(mbs "$IN_BYTES" "$T_J1")" "$(ratio "$T_J1" "$T_CAT")"
printf '%-34s %9s %9s %9s\n' "logscrub -j2 IN > OUT" "$T_J2" "$(mbs "$IN_BYTES" "$T_J2")" "$(ratio "$T_J2" "$T_CAT")"
printf '%-34s %9s %9s %9s\n' "cat IN | logscrub -j2 > OUT" "$T_PIPE" "$(mbs "$IN_BYTES" "$T_PIPE")" "$(ratio "$T_PIPE" "$T_CAT")"
printf '%-34s %9s %9s %9s\n' "rg -c (rules as one alternation)" "$RG" "$(mbs "$IN_BYTES" "$RG")" "$(ratio "$RG" "$T_CAT")"
printf '%-34s %9s %9s %9s\n' "sed -E (6 patterns)" "$SED" "$(mbs "$IN_BYTES" "$SED")" "$(ratio "$SED" "$T_CAT")"
printf '%-34s %9s %9s %9s\n' "sparse: cat IN > OUT" "$T_SCAT" "$(mbs "$SPARSE_IN" "$T_SCAT")" "1.00"
printf '%-34s %9s %9s %9s\n' "sparse: logscrub -j2 IN > OUT" "$T_SJ2" "$(mbs "$SPARSE_IN" "$T_SJ2")" "$(ratio "$T_SJ2" "$T_SCAT")"
printf '%-34s %9s %9s %9s\n' "folder of $FILES files: cat" "$T_FCAT" "$(mbs "$IN_BYTES" "$T_FCAT")" "1.00"
printf '%-34s %9s %9s %9s\n' "folder: logscrub -j2 -o DIR" "$T_FJ2" "$(mbs "$IN_BYTES" "$T_FJ2")" "$(ratio "$T_FJ2" "$T_FCAT")"
printf '\n-j2/-j1 scaling: %s   peak RSS (stream, -j2): %s KiB   start-up: %s s\n' \
  "$(ratio "$T_J1" "$T_J2")" "$RSS_KB" "$T_START"

mkdir -p benches/results
HIST=benches/results/history.csv
[ -s "$HIST" ] || echo "date,commit,rustc,cores,input_bytes,cat_s,j1_s,j2_s,pipe_s,j2_x_cat,j2_over_j1,sparse_bytes,sparse_cat_s,sparse_j2_s,sparse_x_cat,peak_rss_kib,startup_s,rg_s,sed_s,folder_files,folder_cat_s,folder_j2_s" > "$HIST"
echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$(git rev-parse --short HEAD 2>/dev/null || echo -),$(rustc --version | awk '{print $2}'),$(nproc),$IN_BYTES,$T_CAT,$T_J1,$T_J2,$T_PIPE,$(ratio "$T_J2" "$T_CAT"),$(ratio "$T_J1" "$T_J2"),$SPARSE_IN,$T_SCAT,$T_SJ2,$(ratio "$T_SJ2" "$T_SCAT"),$RSS_KB,$T_START,$RG,$SED,$FILES,$T_FCAT,$T_FJ2" >> "$HIST"
say "appended to $HIST"
