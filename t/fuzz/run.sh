#!/bin/sh
# run.sh SRCDIR BINDIR WORKDIR SECONDS TARGET... - `make fuzz`: run each
# libFuzzer target for SECONDS on a scratch copy of its committed corpus
# (SRCDIR/corpus/TARGET, with SRCDIR/TARGET.dict when there is one), one
# after the other on one core. New inputs go to WORKDIR/TARGET, never into
# the tree. Prints a line of figures per target; exits non-zero when a
# target crashed, leaked, timed out or broke an oracle (its input is kept
# as WORKDIR/TARGET-crash-* and its log as WORKDIR/TARGET.log).
set -u
src=$1 bin=$2 work=$3 seconds=$4
shift 4
mkdir -p "$work"
failed=""
for t in "$@"; do
    corpus=$work/$t
    log=$work/$t.log
    rm -rf "$corpus" "$work/$t"-crash-*
    mkdir -p "$corpus"
    cp "$src/corpus/$t"/* "$corpus/"
    set -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/$t-crash-"
    [ -f "$src/$t.dict" ] && set -- "$@" -dict="$src/$t.dict"
    echo "fuzz: $t for ${seconds}s (log: $log)"
    if "$bin/$t" "$@" "$corpus" >"$log" 2>&1; then
        status=ok
    else
        status=FAILED
        failed="$failed $t"
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" \
        | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    # libFuzzer's corpus (inputs/bytes) and the files in its directory.
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p')
    files=$(find "$corpus" -type f | wc -l)
    echo "fuzz: $t $status runs=${runs:-?} exec/s=${rate:-?}" \
        "cov=${cov:-?} ft=${ft:-?} corpus=${corp:-?} files=$files"
    if [ "$status" = FAILED ]; then
        grep -E 'ERROR|oracle|SUMMARY|Test unit written' "$log" | head -n 20
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: FAILED:$failed" >&2
    exit 1
fi
echo "fuzz: all targets ran without a crash"
