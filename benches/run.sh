#!/usr/bin/env bash
# g8audit performance benchmark: the spreadsheet I/O floor and the full audit, side by side.
#
#   benches/run.sh [--quick] [--cache DIR] [--runs N] [--seed S] [--sizes "10000 50000 250000"]
#                  [--csv-sizes "10000 50000 250000 1000000"] [--no-stages] [--no-rules]
#                  [--mem-cap GIB] [--zip-level N] [--rules-runs N] [--peer "SIZES"]
#
# See benches/README.md for what each number means. Prints Markdown tables on stdout and keeps a
# copy in CACHE/results-<time>.md. Registers are generated once into the cache
# (default /tmp/g8bench) by examples/synth.rs and reused while the generator is unchanged.
set -euo pipefail

ARGS="$*"
QUICK=0
CACHE=${G8BENCH_CACHE:-/tmp/g8bench}
RUNS=3
# The rules stage of the 50,000-User register takes a third of a second: its median needs more
# runs than the rest to stand out of a shared machine's noise.
RULES_RUNS=11
SEED=1
SIZES=""
CSV_SIZES=""
STAGES=1
RULES=1
# Sizes (xlsx registers, "sample" for the sample) to run the Python peer on (benches/peer.py):
# none by default, it takes minutes (four at 50,000 Users).
PEER_SIZES=""
# Every measured command runs under `ulimit -v` so that a run that needs more memory than the
# machine has fails alone instead of pushing a shared machine into the OOM killer. Default: 70 %
# of the memory available when the script starts.
MEM_CAP=$(awk '/MemAvailable/ { printf "%d", $2 * 0.7 / 1048576 }' /proc/meminfo)
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --cache) CACHE=$2; shift ;;
        --runs) RUNS=$2; shift ;;
        --rules-runs) RULES_RUNS=$2; shift ;;
        --seed) SEED=$2; shift ;;
        --sizes) SIZES=$2; shift ;;
        --csv-sizes) CSV_SIZES=$2; shift ;;
        --no-stages) STAGES=0 ;;
        --no-rules) RULES=0 ;;
        --mem-cap) MEM_CAP=$2; shift ;;
        --zip-level) ZIP_LEVEL=$2; shift ;;
        --peer) PEER_SIZES=$2; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
if [ -z "$SIZES" ]; then
    if [ $QUICK = 1 ]; then SIZES="10000 50000"; else SIZES="10000 50000 250000"; fi
fi
if [ -z "$CSV_SIZES" ]; then
    if [ $QUICK = 1 ]; then CSV_SIZES="10000 50000"; else CSV_SIZES="10000 50000 250000 1000000"; fi
fi
# The floor compresses its zip at the level g8audit's writer uses (ZIP_COMPRESSION_LEVEL in
# src/report/workbook/mod.rs), so that both sides pay for the same compression.
ROOT_FOR_LEVEL=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${ZIP_LEVEL:-}" ]; then
    ZIP_LEVEL=$(sed -n 's/.*const ZIP_COMPRESSION_LEVEL: u8 = \([0-9]\).*/\1/p' \
        "$ROOT_FOR_LEVEL/src/report/workbook/mod.rs" 2>/dev/null | head -1)
fi
ZIP_LEVEL=${ZIP_LEVEL:-6}
# Sizes from this one up are run once, not RUNS times (the 1,000,000-User CSV run takes about a
# minute); the rules stage uses the largest size below BIG.
ONCE=1000000
BIG=250000

ROOT=$(cd "$(dirname "$0")/.." && pwd)
AS_OF=2026-11-01
# "Today" for g8audit (FUTURE_DATE) is the audit date, so results do not drift with the clock.
export SOURCE_DATE_EPOCH=1793491200
# The large registers exceed g8audit's default reading limits (rows per sheet or CSV file, cells,
# bytes per file, decompressed bytes); raise them for the benchmark.
export G8AUDIT_MAX_ROWS=200000000 G8AUDIT_MAX_CELLS=2000000000 G8AUDIT_MAX_FILE_BYTES=17179869184 \
    G8AUDIT_MAX_DECOMPRESSED_BYTES=68719476736

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (/usr/bin/time)" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y time >&2; else sudo apt-get install -y time >&2; fi
fi

echo "building (release) ..." >&2
(cd "$ROOT" && cargo build --release --quiet --bin g8audit --example synth --example io_floor)
mkdir -p "$CACHE"
T=$(mktemp -d "$CACHE/run.XXXXXX")
trap 'rm -rf "$T"' EXIT
# The binaries are copied out of target/, so that a rebuild in the same tree while the benchmark
# runs (a shared working copy) cannot change what is measured half-way.
mkdir -p "$T/bin"
cp "$ROOT/target/release/g8audit" "$ROOT/target/release/examples/synth" \
    "$ROOT/target/release/examples/io_floor" "$T/bin/"
BIN=$T/bin/g8audit
SYNTH=$T/bin/synth
FLOOR=$T/bin/io_floor
CODE="$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" \
    && [ -n "$(git status --porcelain -- src Cargo.toml Cargo.lock 2>/dev/null)" ] \
    && echo ' + uncommitted changes in src/ or Cargo.*' || true)"
# The machine's load while the benchmark runs, sampled every 10 s.
( while :; do cut -d' ' -f1 /proc/loadavg >> "$T/load"; sleep 10; done ) &
LOAD_PID=$!
trap 'kill $LOAD_PID 2>/dev/null; rm -rf "$T"' EXIT
CODE="$CODE (binary sha256 $(sha256sum "$BIN" | cut -c1-12), built $(date -u +%H:%MZ))"
SYNTH_HASH=$(sha256sum "$ROOT/examples/synth.rs" | cut -c1-16)

# gen FORMAT N -> prints the register's directory; generates it unless cached.
gen() {
    local fmt=$1 n=$2 dir stamp
    dir=$CACHE/${fmt:0:1}$n
    stamp="synth $SYNTH_HASH --users $n --seed $SEED --format $fmt"
    if [ -f "$dir/.synth" ] && [ "$(cat "$dir/.synth")" = "$stamp" ]; then
        echo "$dir"; return
    fi
    rm -rf "$dir"; mkdir -p "$dir"
    echo "generating $fmt register, $n Users ..." >&2
    "$SYNTH" --users "$n" --seed "$SEED" --format "$fmt" --out "$dir" 2> "$dir/synth.log" >&2
    cat "$dir/synth.log" >&2
    echo "$stamp" > "$dir/.synth"
    echo "$dir"
}

# timed LABEL CMD... : runs CMD under /usr/bin/time (and the memory cap) and appends
# "wall cpu rss_kib" to $T/LABEL; CMD's stderr is kept in $T/LABEL.err. Exit codes 0 and 1
# (findings / input issues) are fine; on any other the run is recorded in $T/LABEL.fail and the
# benchmark goes on.
timed() {
    local label=$1; shift
    local rc=0
    ( ulimit -v $((MEM_CAP * 1048576)); exec /usr/bin/time -f '%e %U %S %M' -o "$T/time.out" "$@" ) \
        > /dev/null 2> "$T/$label.err" || rc=$?
    if [ $rc -gt 1 ]; then
        echo "FAILED ($rc): $*" >&2; tail -3 "$T/$label.err" >&2
        local why="exit $rc"
        grep -qiE 'memory allocation|out of memory|cannot allocate' "$T/$label.err" \
            && why="out of memory under the ${MEM_CAP} GiB cap"
        echo "failed ($why, after $(tail -1 "$T/time.out" | awk '{ print $1 }') s)" > "$T/$label.fail"
        return 0
    fi
    tail -1 "$T/time.out" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' >> "$T/$label"
}

# shown LABEL TEXT : TEXT, or why LABEL failed.
shown() { if [ -s "$T/$1.fail" ] && [ ! -s "$T/$1" ]; then cat "$T/$1.fail"; else echo "$2"; fi; }

# med LABEL COLUMN : the median of a column (1 wall s, 2 CPU s, 3 peak RSS KiB); "-" if none.
med() {
    [ -s "$T/$1" ] || { echo "-"; return; }
    awk -v c="$2" '{ print $c }' "$T/$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

secs() { [ "$1" = "-" ] && echo "n/a" || awk -v s="$1" 'BEGIN { if (s < 1) printf "%.0f ms", s * 1000; else printf "%.2f s", s }'; }
mib() { [ "$1" = "-" ] && echo "n/a" || awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }
# pratio A B COLUMN : the median over runs of A's value / B's value in the same run (the runs of
# A and B alternate, so each pair saw about the same load).
pratio() {
    { [ -s "$T/$1" ] && [ -s "$T/$2" ]; } || { echo "n/a"; return; }
    paste -d' ' "$T/$1" "$T/$2" | awk -v c="$3" '{ if ($(c + 3) > 0) print $c / $(c + 3) }' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", v[int((NR + 1) / 2)]; else print "n/a" }'
}
ratio() { { [ "$1" = "-" ] || [ "$2" = "-" ]; } && echo "n/a" || awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cells() { grep -o 'cells=[0-9]*' "$T/$1.err" 2>/dev/null | head -1 | cut -d= -f2 || true; }

# label SIZE : how a register is named in the tables: "sample", or "50,000 Users".
label() { if [ "$1" = sample ]; then echo sample; else echo "$(thou "$1") Users"; fi; }

runs_for() { if [ "$1" -ge $ONCE ]; then echo 1; else echo "$RUNS"; fi; }

thou() { awk -v n="$1" 'BEGIN { if (n == "") { print "?"; exit } s = sprintf("%d", n); o = ""
    while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
    print s o }'; }

# ---- the registers
declare -A REG
REG[sample]=$ROOT/fixtures/sample/register.xlsx
XLABELS="sample"
for n in $SIZES; do REG[$n]=$(gen xlsx "$n")/register.xlsx; XLABELS="$XLABELS $n"; done
declare -A CREG
for n in $CSV_SIZES; do CREG[$n]=$(gen csv "$n"); done

# ---- xlsx -> annotated xlsx, alternating with the floors
for l in $XLABELS; do
    r=$RUNS; [ "$l" = sample ] && r=5; [ "$l" != sample ] && r=$(runs_for "$l")
    for i in $(seq "$r"); do
        echo "xlsx $l: run $i/$r" >&2
        timed "floor-$l" "$FLOOR" "${REG[$l]}" "$T/floor.xlsx" --zip-level "$ZIP_LEVEL"
        timed "audit-$l" "$BIN" audit "${REG[$l]}" --as-of $AS_OF -o "$T/audit.xlsx" --quiet
        timed "floor2-$l" "$FLOOR" "${REG[$l]}" "$T/floor.xlsx" --threads 2 --zip-level "$ZIP_LEVEL"
        timed "floorcore-$l" taskset -c 0 "$FLOOR" "${REG[$l]}" "$T/floor.xlsx" --zip-level "$ZIP_LEVEL"
    done
    if [ $STAGES = 1 ]; then
        for i in $(seq "$r"); do
            echo "stages $l: run $i/$r" >&2
            timed "validate-$l" "$BIN" validate "${REG[$l]}" --quiet
            timed "json-$l" "$BIN" audit "${REG[$l]}" --as-of $AS_OF --json "$T/audit.json" --quiet
            timed "both-$l" "$BIN" audit "${REG[$l]}" --as-of $AS_OF -o "$T/audit.xlsx" \
                --json "$T/audit.json" --quiet
        done
    fi
done

# ---- the Python peer (pandas + python-calamine, g8ref's rules, xlsxwriter), once a size, each run
# next to a g8audit run of the same register
if [ -n "$PEER_SIZES" ]; then
    if ! python3 -c "import pandas, python_calamine, xlsxwriter" 2>/dev/null; then
        echo "installing pandas, python-calamine and xlsxwriter for the peer" >&2
        python3 -m pip install --quiet pandas python-calamine xlsxwriter >&2
    fi
    for l in $PEER_SIZES; do
        if [ "$l" = sample ]; then reg=$ROOT/fixtures/sample/register.xlsx
        elif [ -n "${REG[$l]:-}" ]; then reg=${REG[$l]}
        else reg=$(gen xlsx "$l")/register.xlsx; fi
        echo "peer $l" >&2
        timed "peer-$l" python3 "$ROOT/benches/peer.py" "$reg" "$T/peer.xlsx" --as-of $AS_OF
        timed "peeraudit-$l" "$BIN" audit "$reg" --as-of $AS_OF -o "$T/audit.xlsx" --quiet
        grep -o 'read=.*' "$T/peer-$l.err" | tail -1 > "$T/peer-$l.stages" || true
    done
fi

# ---- CSV -> JSON
for n in $CSV_SIZES; do
    r=$(runs_for "$n")
    for i in $(seq "$r"); do
        echo "csv $n: run $i/$r" >&2
        d=${CREG[$n]}
        timed "csv-$n" "$BIN" audit "$d/users.csv" "$d/premises.csv" "$d/assessments.csv" \
            --as-of $AS_OF --json "$T/audit.json" --quiet
    done
done

# ---- the rules stage alone, 1 and 2 threads (needs G8AUDIT_TIMINGS support in the binary)
RULES_REG=""
if [ $RULES = 1 ]; then
    for n in $SIZES; do [ "$n" -lt $BIG ] && RULES_REG=$n; done
    [ -n "$RULES_REG" ] || RULES_REG=sample
    for i in $(seq "$RULES_RUNS"); do
        for th in 1 2; do
            echo "rules $RULES_REG: --threads $th, run $i/$RULES_RUNS" >&2
            timed "rules$th" env G8AUDIT_TIMINGS=1 "$BIN" audit "${REG[$RULES_REG]}" --as-of $AS_OF \
                --json "$T/audit.json" --quiet --threads "$th"
            # the stage's seconds, from "timing: read=… rules=… write=…"
            grep -o 'rules=[0-9.]*m\?s\?' "$T/rules$th.err" | tail -1 | awk -F= '{
                v = $2; if (v ~ /ms$/) { sub(/ms$/, "", v); v /= 1000 } else sub(/s$/, "", v); print v, 0, 0
            }' >> "$T/stage$th" || true
        done
    done
fi

# ---- report
{
echo "## g8audit benchmark"
echo
echo "- command: \`benches/run.sh${ARGS:+ $ARGS}\` (seed $SEED; runs: median of $RUNS, 5 for the sample, 1 from $(thou $ONCE) Users, $RULES_RUNS for the rules stage)"
echo "- when: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, 1-minute load average during the run $(sort -g "$T/load" | awk '{ v[NR] = $1; s += $1 } END { printf "min %.1f, mean %.1f, max %.1f", v[1], s / NR, v[NR] }')"
echo "- code: $CODE"
echo "- audit date $AS_OF; SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH; reading limits raised (G8AUDIT_MAX_ROWS/CELLS/FILE_BYTES/DECOMPRESSED_BYTES); memory cap (ulimit -v) $MEM_CAP GiB"
echo
echo "### xlsx → annotated xlsx, against the I/O floor"
echo
echo "Ratios are medians of the ratio within each pair of alternated runs. Floor: \`io_floor REG OUT.xlsx --zip-level $ZIP_LEVEL\` (read every cell with calamine's streaming reader, write the same cells with rust_xlsxwriter, fsync). Audit: \`g8audit audit REG -o OUT.xlsx --quiet\` (the workbook alone, as the floor writes one file; the stages below add the JSON report). Wall and CPU (user + system) in seconds, peak RSS from \`/usr/bin/time\`."
echo
echo "| register | cells | floor wall | floor CPU | floor peak | audit wall | audit CPU | audit peak | audit / floor, wall | audit / floor, CPU |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for l in $XLABELS; do
    name=$(label "$l")
    fw=$(med "floor-$l" 1); aw=$(med "audit-$l" 1); fc=$(med "floor-$l" 2); ac=$(med "audit-$l" 2)
    echo "| $name | $(thou "$(cells "floor-$l")") | $(secs "$fw") | $(secs "$fc") | $(mib "$(med "floor-$l" 3)") | $(shown "audit-$l" "$(secs "$aw")") | $(secs "$ac") | $(mib "$(med "audit-$l" 3)") | $(pratio "audit-$l" "floor-$l" 1) | $(pratio "audit-$l" "floor-$l" 2) |"
done
echo
echo "### The floor on one core and on two (the stretch target)"
echo
echo "| register | floor, 1 thread | floor, pinned to 1 core | floor, 2 threads | audit | audit / 1-core floor | audit / 2-thread floor |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for l in $XLABELS; do
    name=$(label "$l")
    f1=$(med "floor-$l" 1); fc=$(med "floorcore-$l" 1); f2=$(med "floor2-$l" 1); aw=$(med "audit-$l" 1)
    echo "| $name | $(secs "$f1") | $(secs "$fc") | $(secs "$f2") | $(secs "$aw") | $(pratio "audit-$l" "floorcore-$l" 1) | $(pratio "audit-$l" "floor2-$l" 1) |"
done
if [ $STAGES = 1 ]; then
    echo
    echo "### Stages seen from outside (medians)"
    echo
    echo "\`validate\` reads and checks only; \`audit --json\` adds the rules and the JSON report; \`audit -o\` the rules and the workbook; \`audit -o --json\` both reports (written side by side)."
    echo
    echo "| register | validate (read) | audit → JSON | audit → xlsx | audit → xlsx + JSON | xlsx + JSON peak |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: |"
    for l in $XLABELS; do
        [ -s "$T/validate-$l" ] || continue
        name=$(label "$l")
        echo "| $name | $(secs "$(med "validate-$l" 1)") | $(secs "$(med "json-$l" 1)") | $(secs "$(med "audit-$l" 1)") | $(secs "$(med "both-$l" 1)") | $(mib "$(med "both-$l" 3)") |"
    done
fi
echo
echo "### CSV → JSON"
echo
echo "\`g8audit audit users.csv premises.csv assessments.csv --json OUT.json --quiet\`."
echo
echo "| Users | CSV size | wall | CPU | peak RSS | wall per User | per User vs 10,000 |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
base=""
for n in $CSV_SIZES; do
    w=$(med "csv-$n" 1)
    per=$(awk -v w="$w" -v n="$n" 'BEGIN { if (w == "-") print "-"; else printf "%.1f", w * 1e6 / n }')
    [ -z "$base" ] && base=$per
    size=$(du -cb "${CREG[$n]}"/*.csv | tail -1 | awk '{ printf "%.0f MB", $1 / 1e6 }')
    echo "| $(thou "$n") | $size | $(shown "csv-$n" "$(secs "$w")") | $(secs "$(med "csv-$n" 2)") | $(mib "$(med "csv-$n" 3)") | $per µs | $(ratio "$per" "$base") |"
done
if [ -n "$PEER_SIZES" ]; then
    echo
    echo "### The Python peer, side by side"
    echo
    echo "\`python3 benches/peer.py REG OUT.xlsx\` (pandas with the calamine engine, the rules of \`tools/reference/g8ref.py\`, xlsxwriter in constant-memory mode; one run) next to \`g8audit audit REG -o OUT.xlsx\`."
    echo
    echo "| register | peer wall | peer stages | peer peak | g8audit wall | g8audit peak | peer / g8audit |"
    echo "| --- | ---: | --- | ---: | ---: | ---: | ---: |"
    for l in $PEER_SIZES; do
        name=$(label "$l")
        echo "| $name | $(shown "peer-$l" "$(secs "$(med "peer-$l" 1)")") | $(cat "$T/peer-$l.stages" 2>/dev/null) | $(mib "$(med "peer-$l" 3)") | $(secs "$(med "peeraudit-$l" 1)") | $(mib "$(med "peeraudit-$l" 3)") | $(pratio "peer-$l" "peeraudit-$l" 1) |"
    done
fi
if [ $RULES = 1 ]; then
    echo
    echo "### The rules stage alone, \`--threads 1\` vs \`--threads 2\` ($RULES_REG$( [ "$RULES_REG" != sample ] && echo ' Users') xlsx)"
    echo
    s1=$(med stage1 1); s2=$(med stage2 1)
    if [ "$s1" = "-" ] || [ "$s2" = "-" ]; then
        echo "rules stage: n/a (the binary prints no \`timing: … rules=…\` line under G8AUDIT_TIMINGS=1)"
    else
        echo "| rules, 1 thread | rules, 2 threads | speed-up (ratio of medians) | speed-up (median of pairs) |"
        echo "| ---: | ---: | ---: | ---: |"
        echo "| $(secs "$s1") | $(secs "$s2") | $(ratio "$s1" "$s2") | $(pratio stage1 stage2 1) |"
    fi
    echo
    echo "End to end (\`audit --json\`), for reference: 1 thread $(secs "$(med rules1 1)") wall / $(secs "$(med rules1 2)") CPU; 2 threads $(secs "$(med rules2 1)") wall / $(secs "$(med rules2 2)") CPU."
fi
} | tee "$CACHE/results-$(date -u +%Y%m%dT%H%M%S).md"
