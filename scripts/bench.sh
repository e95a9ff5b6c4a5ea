#!/usr/bin/env bash
# Whole-program benchmark (not part of the test suite; see docs/performance.md).
#
# Builds JSONL corpora of ~100, 250 and 500 MB from the PolNeAR train texts (repeated with unique ids) in a
# work folder outside the repository, runs `slantscope analyze` with --jobs 1 and --jobs 2 on each, and
# prints throughput (MB/s of JSONL input) and peak RSS from /usr/bin/time -v, then the wall time of
# `slantscope score` on one article (start-up included).
#
# Environment:
#   SLANTSCOPE_SHARED  folder holding datasets/ (default: ../shared beside the repo, else /work/shared)
#   BENCH_WORK         work folder for corpora and outputs (default: ${TMPDIR:-/tmp}/slantscope-bench)
#   BENCH_SIZES        corpus sizes in MB (default: "100 250 500")
#   BENCH_JOBS         thread counts (default: "1 2")
#   BENCH_RUNS         runs per (size, jobs) (default: 1)
#   BENCH_CHARTS       --charts for analyze (default: none, as the performance targets are stated)
#   BENCH_BIN          use this binary instead of building target/release/slantscope
#   CARGO_TARGET_DIR   honoured when building
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

shared=${SLANTSCOPE_SHARED:-}
if [ -z "$shared" ]; then
  if [ -d "$repo/../shared/datasets" ]; then shared="$repo/../shared"; else shared=/work/shared; fi
fi
texts="$shared/datasets/polnear/train/text"
[ -d "$texts" ] || { echo "bench: no PolNeAR texts at $texts (set SLANTSCOPE_SHARED)" >&2; exit 2; }

work=${BENCH_WORK:-${TMPDIR:-/tmp}/slantscope-bench}
sizes=${BENCH_SIZES:-"100 250 500"}
jobs_list=${BENCH_JOBS:-"1 2"}
runs=${BENCH_RUNS:-1}
charts=${BENCH_CHARTS:-none}
mkdir -p "$work"

if ! [ -x /usr/bin/time ]; then
  echo "bench: /usr/bin/time missing; install it with: apt-get install -y time" >&2
  exit 2
fi

# The target folder may be shared with other builds: copy the binary so the whole run uses one build.
if [ -n "${BENCH_BIN:-}" ]; then
  cp "$BENCH_BIN" "$work/slantscope"
else
  cargo build --release --quiet
  target=${CARGO_TARGET_DIR:-$repo/target}
  cp "$target/release/slantscope" "$work/slantscope"
fi
bin="$work/slantscope"

echo "== machine"
echo "nproc: $(nproc)"
echo "cpu: $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)"
echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (dirty)')"
echo "date: $(date -u +%FT%TZ)"

# One base file: one record per text, outlet from the file-name prefix (breitbart_2015-… → breitbart).
base="$work/base.jsonl"
if ! [ -s "$base" ]; then
  python3 - "$texts" "$base" <<'PY'
import json, os, sys
src, out = sys.argv[1], sys.argv[2]
with open(out, "w", encoding="utf-8") as f:
    for name in sorted(os.listdir(src)):
        if not name.endswith(".txt"):
            continue
        with open(os.path.join(src, name), encoding="utf-8", errors="replace") as t:
            text = t.read()
        rec = {"id": name, "outlet": name.split("_", 1)[0], "text": text}
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
PY
fi

# corpus MB → file with unique ids (r<k>/<name>), repeated until it reaches the size.
make_corpus() {
  local mb=$1 out="$work/corpus-$1.jsonl"
  if ! [ -s "$out" ]; then
    python3 - "$base" "$out" "$mb" <<'PY'
import sys
base, out, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(base, "rb").read().splitlines(keepends=True)
target, size, k = mb * 1000 * 1000, 0, 0
with open(out, "wb") as f:
    while size < target:
        for l in lines:
            l = l.replace(b'{"id": "', b'{"id": "r%d/' % k, 1)
            f.write(l)
            size += len(l)
        k += 1
PY
  fi
  echo "$out"
}

# Runs one analyze, prints wall throughput, CPU-time throughput (input MB per CPU second, user + sys: the
# figure that does not depend on what else the machine is running), CPU share and peak RSS.
run_one() {
  local corpus=$1 jobs=$2
  local out="$work/out-$jobs" log="$work/time.log"
  rm -rf "$out"
  /usr/bin/time -v "$bin" analyze "$corpus" --out "$out" --quiet --jobs "$jobs" --charts "$charts" 2>"$log" >/dev/null || {
    local rc=$?
    # Exit 1 = finished with skipped inputs; anything else is a failure.
    [ $rc -eq 1 ] || { cat "$log" >&2; exit 2; }
  }
  python3 - "$(stat -c %s "$corpus")" "$log" <<'PY'
import sys
b, log = int(sys.argv[1]), open(sys.argv[2]).read().splitlines()
def field(name):
    for l in log:
        if l.strip().startswith(name):
            return l.split(": ", 1)[1].strip()
    raise SystemExit(f"no {name!r} in /usr/bin/time output")
s = 0.0
for p in field("Elapsed (wall clock) time").split(":"):
    s = s * 60 + float(p)
cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
rss = int(field("Maximum resident set size (kbytes)"))
mb = b / 1e6
print(f"{mb / s:6.1f} MB/s wall ({s:6.2f} s)  {mb / cpu:6.1f} MB/cpu-s ({cpu:6.2f} s, {field('Percent of CPU this job got')})  peak RSS {rss / 1024:6.1f} MB")
PY
}

echo "== analyze (JSONL in; articles.jsonl + CSV + report.json out; charts: $charts)"
for mb in $sizes; do
  corpus=$(make_corpus "$mb")
  size=$(stat -c %s "$corpus")
  for j in $jobs_list; do
    for _ in $(seq "$runs"); do
      printf '%4s MB (%d bytes, %d articles)  --jobs %s  load %s:  %s\n' "$mb" "$size" \
        "$(wc -l <"$corpus")" "$j" "$(cut -d' ' -f1 /proc/loadavg)" "$(run_one "$corpus" "$j")"
    done
  done
done

echo "== score (one article, start-up included)"
# (A glob, not `ls | head`: with pipefail, head closing the pipe early would end the script.)
for article in "$texts"/*.txt; do break; done
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine --style basic --warmup 3 --runs 30 -N --export-json "$work/score.json" "$bin score $article" >/dev/null
  python3 - "$work/score.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"score: mean {r['mean']*1000:.1f} ms wall (min {r['min']*1000:.1f}, max {r['max']*1000:.1f}; "
      f"user {r['user']*1000:.1f} ms, sys {r['system']*1000:.1f} ms; {len(r['times'])} runs)")
PY
else
  python3 - "$bin" "$article" <<'PY'
import subprocess, sys, time
cmd = [sys.argv[1], "score", sys.argv[2]]
for _ in range(3):
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
ts = []
for _ in range(30):
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    ts.append(time.perf_counter() - t)
ts.sort()
print(f"score: median {ts[15]*1000:.1f} ms, min {ts[0]*1000:.1f} ms, max {ts[-1]*1000:.1f} ms (30 runs)")
PY
fi
echo "load: $(cat /proc/loadavg)"
