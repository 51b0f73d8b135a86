#!/usr/bin/env bash
# scripts/test.sh — build mod_zsso and run every test it has.
#
#   scripts/test.sh                      everything
#   scripts/test.sh t/zsso/03_login.t    the unit tests, then only these .t
#
# Steps: Debian packages (as root), npm ci, autotools build, `make check`
# (C unit tests, and again under valgrind), a brief run of the fuzz targets
# of t/fuzz (built with clang in a copy of the tree; ZSSO_FUZZ_SECONDS per
# target, default 20, 0 skips it), test PKI, the OpenID providers of t/idp/
# on loopback
# (okta-op on $ZSSO_OP_PORT, default 18443; fake-op on $ZSSO_FAKE_PORT,
# default 18444, and again with a rogue certificate on $ZSSO_ROGUE_PORT,
# default 18445; a second organisation's okta-op on $ZSSO_OP2_PORT, default
# 18446; the proxied application t/idp/echo.mjs on $ZSSO_ECHO_PORT, default
# 18447), then the Apache::Test suite t/zsso/*.t on
# http://localhost:8529 ($ZSSO_RP_PORT), and the benchmark's quick run
# (bench/run.sh --quick; not when .t files are named).  Then the module is
# built again with AddressSanitizer and UBSan, and the unit tests and the
# whole suite run once more against it (httpd preloading the sanitizer
# runtimes); a sanitizer report fails the run.  ZSSO_SANITIZE=0 skips that
# second pass.
# The last lines are the harness's summaries of both passes.  The exit
# status is non-zero when any step fails.  Two runs at once need their own
# ZSSO_TEST_DIR and ports.
#
# Apache::Test will not run as root (httpd would not drop privileges for its
# children), so as root the script installs what is missing, copies the tree
# (without .git) to $ZSSO_TEST_DIR (default /var/tmp/zsso-test), and runs the
# rest there as the system user zssotest.  As a normal user it runs in place.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

ZSSO_TEST_USER=${ZSSO_TEST_USER:-zssotest}
ZSSO_TEST_DIR=${ZSSO_TEST_DIR:-/var/tmp/zsso-test}
APXS=${APXS:-/usr/bin/apxs}
HTTPD=${HTTPD:-/usr/sbin/apache2}
HTTPD_CONF=${HTTPD_CONF:-/etc/apache2/apache2.conf}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-1200}
# The browser test (t/zsso/20_browser.t) drives Debian's Chromium; the unit
# tests also run under valgrind; the several-node test (t/zsso/50_nodes.t)
# runs real session stores; the benchmark's quick run needs wrk and
# compares with Debian's mod_auth_openidc; gnuplot draws its full run's
# chart.
# The brief fuzzing step builds the t/fuzz targets with clang and libFuzzer.
TEST_PACKAGES=(chromium valgrind redis-server memcached wrk gnuplot-nox
               libapache2-mod-auth-openidc clang libclang-rt-14-dev tcpdump)
# Seconds each fuzz target runs in the brief fuzzing step (0: skip it).
ZSSO_FUZZ_SECONDS=${ZSSO_FUZZ_SECONDS:-20}

# ------------------------------------------------------------ as root
# stop_stale_copy DIR: end the providers and httpd a previous run left in DIR.
stop_stale_copy() {
    local dir=$1 f
    [ -d "$dir" ] || return 0
    for f in "$dir"/t/.run/*.pid "$dir"/t/logs/httpd.pid \
        "$dir"/t/logs/nodes/*/*.pid; do
        [ -e "$f" ] && kill_pidfile "$f"
    done
    return 0
}

# copy_tree DIR: DIR becomes a copy of this tree without .git and build
# products; DIR/node_modules is kept between runs (npm ci checks it).
copy_tree() {
    local dir=$1
    mkdir -p "$dir"
    find "$dir" -mindepth 1 -maxdepth 1 ! -name node_modules \
        -exec rm -rf {} +
    tar -c --exclude=./.git --exclude=./node_modules --exclude=./build-fuzz \
        --exclude=./t/logs --exclude=./t/.run --exclude=./t/.pki \
        --exclude=./.libs --exclude=./.deps --exclude=./src/.libs \
        --exclude=./src/.deps --exclude='*.o' --exclude='*.lo' \
        --exclude='*.la' --exclude=./autom4te.cache \
        --exclude=./config.status --exclude=./config.log \
        --exclude=./Makefile --exclude=./libtool . | tar -x -C "$dir"
    chown -R "$ZSSO_TEST_USER:" "$dir"
}

run_as_test_user() {
    section "packages"
    install_packages "${TEST_PACKAGES[@]}"

    section "test user $ZSSO_TEST_USER, tree copied to $ZSSO_TEST_DIR"
    if ! id -u "$ZSSO_TEST_USER" >/dev/null 2>&1; then
        useradd --system --create-home --home-dir "/var/lib/$ZSSO_TEST_USER" \
            --shell /usr/sbin/nologin "$ZSSO_TEST_USER"
    fi
    stop_stale_copy "$ZSSO_TEST_DIR"
    copy_tree "$ZSSO_TEST_DIR"
    echo "running the rest as $ZSSO_TEST_USER in $ZSSO_TEST_DIR"
    cd "$ZSSO_TEST_DIR"
    exec runuser -u "$ZSSO_TEST_USER" -- "$ZSSO_TEST_DIR/scripts/test.sh" \
        --as-test-user "$@"
}

if [ "${1:-}" = "--as-test-user" ]; then
    shift
elif [ "$(id -u)" -eq 0 ]; then
    run_as_test_user "$@"
else
    section "packages"
    install_packages "${TEST_PACKAGES[@]}"
fi

# fuzz_brief DIR: build the fuzz targets with clang in DIR, a copy of the
# sources (the tree itself stays configured for the gcc build), and run
# each for ZSSO_FUZZ_SECONDS on its committed corpus. DIR must not be under
# t/: Apache::Test would find the copy's .t files and run them too.
fuzz_brief() {
    local dir=$1
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -c --exclude=./.git --exclude=./node_modules --exclude=./t/logs \
        --exclude=./build-fuzz \
        --exclude=./t/.run --exclude=./t/.pki --exclude=./t/fuzz/work \
        --exclude='.libs' --exclude='.deps' --exclude='*.o' \
        --exclude='*.lo' --exclude='*.la' --exclude=./autom4te.cache \
        --exclude=./config.status --exclude=./config.log \
        --exclude=./Makefile --exclude=./libtool --exclude=./t/unit/test_pure \
        . | tar -x -C "$dir"
    (cd "$dir" && CC=clang ./configure --enable-fuzzers >configure.out \
        && make -j"$(nproc 2>/dev/null || echo 2)" fuzz \
            FUZZ_SECONDS="$ZSSO_FUZZ_SECONDS")
}

# ------------------------------------------------------------ the run
TOP=$PWD
RUN=$TOP/t/.run
PKI=$TOP/t/.pki
mkdir -p "$RUN"

stop_providers() {
    kill_pidfile "$RUN/okta-op.pid"
    kill_pidfile "$RUN/fake-op.pid"
    kill_pidfile "$RUN/rogue-op.pid"
    kill_pidfile "$RUN/org2-op.pid"
    kill_pidfile "$RUN/echo.pid"
}

stop_httpd() {
    if [ -f t/logs/httpd.pid ] && [ -x t/TEST ]; then
        t/TEST -stop >/dev/null 2>&1 || true
    fi
    kill_pidfile t/logs/httpd.pid
}

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
    stop_httpd
    stop_providers
}
trap cleanup EXIT
trap 'exit 130' INT TERM

section "node modules (npm ci)"
npm_install

# ------------------------------------------------------------ steps
# start_providers: the OpenID providers and the proxied application, fresh.
start_providers() {
    local secret
    stop_providers
    [ -f "$RUN/client_secret" ] \
        || random_token | tr -d '\n' >"$RUN/client_secret"
    secret=$(cat "$RUN/client_secret")
    write_okta_op_config "$RUN/okta-op.json" "$ZSSO_OP_PORT" "$secret" \
        "$PKI" "http://localhost:$ZSSO_RP_PORT/console" \
        "http://localhost:$ZSSO_LB_PORT/console"
    write_fake_op_config "$RUN/fake-op.json" "$ZSSO_FAKE_PORT" "$PKI"
    start_provider okta-op "$RUN/okta-op.json" "$RUN/okta-op.log" \
        "$RUN/okta-op.pid"
    start_provider fake-op "$RUN/fake-op.json" "$RUN/fake-op.log" \
        "$RUN/fake-op.pid"
    # The same provider behind a certificate from a CA the module must not
    # trust.
    write_fake_op_config "$RUN/rogue-op.json" "$ZSSO_ROGUE_PORT" "$PKI" \
        rogue-server
    start_provider fake-op "$RUN/rogue-op.json" "$RUN/rogue-op.log" \
        "$RUN/rogue-op.pid"
    # A second organisation (its own provider and client), and the
    # application the proxy tests put behind mod_proxy.
    [ -f "$RUN/org2_secret" ] \
        || random_token | tr -d '\n' >"$RUN/org2_secret"
    write_org2_config "$RUN/org2-op.json" "$ZSSO_OP2_PORT" \
        "$(cat "$RUN/org2_secret")" "$PKI" \
        "http://localhost:$ZSSO_RP_PORT/beta"
    start_provider okta-op "$RUN/org2-op.json" "$RUN/org2-op.log" \
        "$RUN/org2-op.pid"
    write_echo_config "$RUN/echo.json" "$ZSSO_ECHO_PORT"
    start_provider echo "$RUN/echo.json" "$RUN/echo.log" "$RUN/echo.pid"
}

# unit_tests LABEL: make check; its status.
unit_tests() {
    local status=0
    make check || status=$?
    if [ -f t/unit/test_pure.log ]; then
        grep -E '^[0-9]+%: Checks:|^t/unit/.*:[0-9]+:[EF]:' \
            t/unit/test_pure.log || tail -n 20 t/unit/test_pure.log
    fi
    [ "$status" -eq 0 ] || echo "$1: make check failed"
    return "$status"
}

# valgrind_unit: the unit tests once more under valgrind (not forking, so
# valgrind sees every check), except the jose suite, whose RSA key
# generation takes over a minute there; jose runs under ASan and UBSan in
# the sanitizer pass instead.
valgrind_unit() {
    local s status=0
    if ! command -v valgrind >/dev/null 2>&1; then
        echo "valgrind is not installed: skipped"
        return 0
    fi
    for s in util crypto json idtoken; do
        if CK_FORK=no CK_RUN_SUITE=$s valgrind -q --error-exitcode=1 \
            t/unit/test_pure >"$RUN/valgrind-$s.out" 2>&1; then
            echo "valgrind, suite $s: clean"
        else
            echo "valgrind, suite $s: errors:"
            cat "$RUN/valgrind-$s.out"
            status=1
        fi
    done
    return "$status"
}

# run_suite HTTPD OUT [FILES...]: the Apache::Test suite with this httpd
# binary (also for the configtest runs of 01_startup.t), its output in OUT
# and on the terminal; its status.
run_suite() {
    local httpd=$1 out=$2 status=0
    shift 2
    install -m 0755 t/TEST.PL t/TEST
    stop_httpd
    t/TEST -clean >/dev/null 2>&1 || true
    ZSSO_TEST_HTTPD=$httpd timeout "$SUITE_TIMEOUT" t/TEST -apxs "$APXS" \
        -httpd "$httpd" -httpd_conf "$HTTPD_CONF" "$@" 2>&1 | tee "$out" \
        || status=${PIPESTATUS[0]}
    stop_httpd
    return "$status"
}

# sanitized_httpd FILE: a wrapper that starts httpd (only httpd: the
# browser and the providers stay as they are) with the sanitizer runtimes
# preloaded, since the module was built with ASan and UBSan and httpd not.
sanitized_httpd() {
    cat >"$1" <<EOF
#!/bin/sh
export LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc \
    -print-file-name=libubsan.so)"
export ASAN_OPTIONS="detect_leaks=0:log_path=$TOP/t/logs/sanitizer"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$TOP/t/logs/sanitizer"
exec "$HTTPD" "\$@"
EOF
    chmod 0755 "$1"
}

# summary OUT: the harness's closing lines of one pass.
summary() {
    if grep -q '^Test Summary Report' "$1"; then
        sed -n '/^Test Summary Report/,$p' "$1"
    else
        grep -E '^(All tests successful|Files=|Result:)' "$1" | tail -n 3 \
            || true
    fi
}

after_failure() {
    section "after a failure: the ZSSO lines and the end of t/logs/error_log"
    if [ -f t/logs/error_log ]; then
        grep -E -e '\[[a-z_0-9]+:(emerg|alert|crit|error|warn)\]' \
            -e '\[zsso:info\]|Segmentation|exit signal' t/logs/error_log \
            | tail -n 40 || true
    fi
    for p in okta-op fake-op rogue-op org2-op echo; do
        echo "---- last lines of $p log"
        tail -n 15 "$RUN/$p.log" || true
    done
    echo "one file again: scripts/test.sh t/zsso/NN_name.t (as root or in" \
        "place; ZSSO_SANITIZE=0 skips the sanitizer pass); logs:" \
        "$TOP/t/logs/error_log, $RUN/*.log"
}

# ------------------------------------------------------------ the run
# ZSSO_SANITIZE: 1 (the default) runs the unit tests and the whole suite a
# second time against a build with AddressSanitizer and UBSan, and fails
# on any report; 0 runs the plain pass only.
SANITIZE=${ZSSO_SANITIZE:-1}
unset ZSSO_CONFIGURE_FLAGS

section "build"
build_module

section "unit tests (make check)"
unit_status=0
unit_tests "plain build" || unit_status=1

section "unit tests under valgrind"
valgrind_unit || unit_status=1

fuzz_status=0
if [ "$ZSSO_FUZZ_SECONDS" != 0 ]; then
    section "fuzz (brief: ${ZSSO_FUZZ_SECONDS}s per target)"
    echo "building with clang in $TOP/build-fuzz (output: $RUN/fuzz.out)"
    fuzz_brief "$TOP/build-fuzz" >"$RUN/fuzz.out" 2>&1 || fuzz_status=$?
    grep -E '^fuzz: fuzz_[a-z_]+ (ok|FAILED)' "$RUN/fuzz.out" || true
    if [ "$fuzz_status" -ne 0 ]; then
        tail -n 30 "$RUN/fuzz.out"
    fi
fi

section "test PKI"
gen_pki "$PKI"

section "OpenID providers"
start_providers

export ZSSO_TEST_CA=$PKI/ca.pem
export ZSSO_PKI_DIR=$PKI
export ZSSO_RUN_DIR=$RUN
export ZSSO_CRYPTO_PASSPHRASE
ZSSO_CRYPTO_PASSPHRASE=$(random_token)
export ZSSO_TEST_APXS=$APXS ZSSO_TEST_HTTPD=$HTTPD
export ZSSO_BROWSER_REQUIRED=1

section "Apache::Test suite (t/zsso)"
plain_status=0
run_suite "$HTTPD" "$RUN/suite.out" "$@" || plain_status=$?
[ "$plain_status" -eq 0 ] || after_failure
cp t/logs/error_log "$RUN/error_log.plain" 2>/dev/null || true

# The benchmark's quick run (every protected answer a 200 for the
# signed-in user; no figure asserted), with the plain build.
bench_status=0
if [ $# -eq 0 ]; then
    section "benchmark, quick run (bench/run.sh --quick)"
    ZSSO_BENCH_PORT=${ZSSO_BENCH_PORT:-$((ZSSO_RP_PORT + 172))} \
    ZSSO_BENCH_OP_PORT=${ZSSO_BENCH_OP_PORT:-$((ZSSO_OP_PORT + 200))} \
    ZSSO_BENCH_DIR=$RUN/bench HTTPD=$HTTPD bench/run.sh --quick \
        || bench_status=$?
fi

san_status=0
san_reports=0
if [ "$SANITIZE" = 1 ]; then
    section "build with AddressSanitizer and UBSan"
    ZSSO_CONFIGURE_FLAGS=--enable-sanitizers build_module

    section "unit tests under AddressSanitizer and UBSan"
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 \
        unit_tests "sanitizer build" || unit_status=1

    section "Apache::Test suite (t/zsso) against the sanitizer build"
    start_providers
    rm -f t/logs/sanitizer.*
    sanitized_httpd "$RUN/httpd-sanitized"
    run_suite "$RUN/httpd-sanitized" "$RUN/suite-san.out" "$@" \
        || san_status=$?
    if ls t/logs/sanitizer.* >/dev/null 2>&1; then
        section "sanitizer reports"
        cat t/logs/sanitizer.*
        san_reports=$(find t/logs -maxdepth 1 -name 'sanitizer.*' | wc -l)
    fi
    if [ "$san_status" -ne 0 ] || [ "$san_reports" -ne 0 ]; then
        after_failure
    fi
fi

# Keep the harness's summary as the closing lines (CI reads them): the
# plain pass, then the sanitizer pass.
section "summary"
[ "$unit_status" -eq 0 ] || echo "unit tests: FAILED (see above)"
[ "$bench_status" -eq 0 ] || echo "benchmark quick run: FAILED (see above)"
[ "$fuzz_status" -eq 0 ] || echo "brief fuzzing: FAILED (see above)"
echo "-- plain build:"
summary "$RUN/suite.out"
if [ "$SANITIZE" = 1 ]; then
    echo "-- AddressSanitizer and UBSan build ($san_reports sanitizer" \
        "reports):"
    summary "$RUN/suite-san.out"
fi
if [ "$san_reports" -ne 0 ]; then
    echo "Result: FAIL ($san_reports sanitizer reports)"
fi
for status in "$plain_status" "$san_status" "$bench_status" \
    "$fuzz_status"; do
    if [ "$status" -ne 0 ]; then
        exit "$status"
    fi
done
if [ "$san_reports" -ne 0 ] || [ "$unit_status" -ne 0 ]; then
    exit 1
fi
exit 0
