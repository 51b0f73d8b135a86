#!/usr/bin/env bash
# scripts/test.sh — build mod_zsso and run every test it has.
#
#   scripts/test.sh                      everything
#   scripts/test.sh t/zsso/03_login.t    the unit tests, then only these .t
#
# Steps: Debian packages (as root), npm ci, autotools build, `make check`
# (C unit tests), a brief run of the fuzz targets of t/fuzz (built with
# clang in a copy of the tree; ZSSO_FUZZ_SECONDS per target, default 20,
# 0 skips it), test PKI, the two OpenID providers of t/idp/ on loopback
# (okta-op on $ZSSO_OP_PORT, default 18443; fake-op on $ZSSO_FAKE_PORT,
# default 18444, and again with a rogue certificate on $ZSSO_ROGUE_PORT,
# default 18445), then the Apache::Test suite t/zsso/*.t on
# http://localhost:8529 ($ZSSO_RP_PORT).  The exit status is non-zero when
# any step fails.  Two runs at once need their own ZSSO_TEST_DIR and ports.
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
# The browser test (t/zsso/20_browser.t) drives Debian's Chromium; the
# brief fuzzing step builds the t/fuzz targets with clang and libFuzzer.
TEST_PACKAGES=(chromium clang libclang-rt-14-dev)
# Seconds each fuzz target runs in the brief fuzzing step (0: skip it).
ZSSO_FUZZ_SECONDS=${ZSSO_FUZZ_SECONDS:-20}

# ------------------------------------------------------------ as root
# stop_stale_copy DIR: end the providers and httpd a previous run left in DIR.
stop_stale_copy() {
    local dir=$1 f
    [ -d "$dir" ] || return 0
    for f in "$dir"/t/.run/*.pid "$dir"/t/logs/httpd.pid; do
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
    tar -c --exclude=./.git --exclude=./node_modules \
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

# ------------------------------------------------------------ the run
TOP=$PWD
RUN=$TOP/t/.run
PKI=$TOP/t/.pki
mkdir -p "$RUN"

stop_providers() {
    kill_pidfile "$RUN/okta-op.pid"
    kill_pidfile "$RUN/fake-op.pid"
    kill_pidfile "$RUN/rogue-op.pid"
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

section "build"
if [ "${ZSSO_SANITIZE:-0}" = 1 ]; then
    export ZSSO_CONFIGURE_FLAGS=--enable-sanitizers
fi
build_module

section "unit tests (make check)"
unit_status=0
make check || unit_status=$?
if [ -f t/unit/test_pure.log ]; then
    grep -E '^[0-9]+%: Checks:|^t/unit/.*:[0-9]+:[EF]:' t/unit/test_pure.log \
        || tail -n 20 t/unit/test_pure.log
fi

# fuzz_brief DIR: build the fuzz targets with clang in DIR, a copy of the
# sources (the tree itself stays configured for the gcc build), and run
# each for ZSSO_FUZZ_SECONDS on its committed corpus.
fuzz_brief() {
    local dir=$1
    rm -rf "$dir"
    mkdir -p "$dir"
    tar -c --exclude=./.git --exclude=./node_modules --exclude=./t/logs \
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

fuzz_status=0
if [ "$ZSSO_FUZZ_SECONDS" != 0 ]; then
    section "fuzz (brief: ${ZSSO_FUZZ_SECONDS}s per target)"
    echo "building with clang in $RUN/fuzz (output: $RUN/fuzz.out)"
    fuzz_brief "$RUN/fuzz" >"$RUN/fuzz.out" 2>&1 || fuzz_status=$?
    grep -E '^fuzz: fuzz_[a-z_]+ (ok|FAILED)' "$RUN/fuzz.out" || true
    if [ "$fuzz_status" -ne 0 ]; then
        tail -n 30 "$RUN/fuzz.out"
    fi
fi

section "test PKI"
gen_pki "$PKI"

section "OpenID providers"
stop_providers
[ -f "$RUN/client_secret" ] || random_token | tr -d '\n' >"$RUN/client_secret"
secret=$(cat "$RUN/client_secret")
write_okta_op_config "$RUN/okta-op.json" "$ZSSO_OP_PORT" "$secret" "$PKI" \
    "http://localhost:$ZSSO_RP_PORT/console"
write_fake_op_config "$RUN/fake-op.json" "$ZSSO_FAKE_PORT" "$PKI"
start_provider okta-op "$RUN/okta-op.json" "$RUN/okta-op.log" \
    "$RUN/okta-op.pid"
start_provider fake-op "$RUN/fake-op.json" "$RUN/fake-op.log" \
    "$RUN/fake-op.pid"
# The same provider behind a certificate from a CA the module must not trust.
write_fake_op_config "$RUN/rogue-op.json" "$ZSSO_ROGUE_PORT" "$PKI" \
    rogue-server
start_provider fake-op "$RUN/rogue-op.json" "$RUN/rogue-op.log" \
    "$RUN/rogue-op.pid"

section "Apache::Test suite (t/zsso)"
export ZSSO_TEST_CA=$PKI/ca.pem
export ZSSO_PKI_DIR=$PKI
export ZSSO_RUN_DIR=$RUN
export ZSSO_CRYPTO_PASSPHRASE
ZSSO_CRYPTO_PASSPHRASE=$(random_token)
export ZSSO_TEST_APXS=$APXS ZSSO_TEST_HTTPD=$HTTPD
export ZSSO_BROWSER_REQUIRED=1
install -m 0755 t/TEST.PL t/TEST
stop_httpd
t/TEST -clean >/dev/null 2>&1 || true
suite_status=0
# ZSSO_SANITIZE=1: the module was built with ASan and UBSan; httpd is not,
# so httpd (only: the browser and the providers stay as they are) starts
# through a wrapper that preloads the sanitizer runtimes.
httpd_bin=$HTTPD
if [ "${ZSSO_SANITIZE:-0}" = 1 ]; then
    rm -f t/logs/sanitizer.*
    httpd_bin=$RUN/httpd-sanitized
    cat >"$httpd_bin" <<EOF
#!/bin/sh
export LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc \
    -print-file-name=libubsan.so)"
export ASAN_OPTIONS="detect_leaks=0:log_path=$TOP/t/logs/sanitizer"
export UBSAN_OPTIONS="print_stacktrace=1:log_path=$TOP/t/logs/sanitizer"
exec "$HTTPD" "\$@"
EOF
    chmod 0755 "$httpd_bin"
    ZSSO_TEST_HTTPD=$httpd_bin    # the configtest runs of 01_startup.t
fi
timeout "$SUITE_TIMEOUT" t/TEST -apxs "$APXS" -httpd "$httpd_bin" \
    -httpd_conf "$HTTPD_CONF" "$@" 2>&1 | tee "$RUN/suite.out" \
    || suite_status=${PIPESTATUS[0]}
if [ "${ZSSO_SANITIZE:-0}" = 1 ] && ls t/logs/sanitizer.* >/dev/null 2>&1
then
    section "sanitizer reports"
    cat t/logs/sanitizer.*
    suite_status=1
fi
if [ "$suite_status" -ne 0 ]; then
    section "after a failure: the ZSSO lines and the end of t/logs/error_log"
    if [ -f t/logs/error_log ]; then
        grep -E -e '\[[a-z_0-9]+:(emerg|alert|crit|error|warn)\]' \
            -e '\[zsso:info\]|Segmentation|exit signal' t/logs/error_log \
            | tail -n 40 || true
    fi
    for p in okta-op fake-op rogue-op; do
        echo "---- last lines of $p log"
        tail -n 15 "$RUN/$p.log" || true
    done
    if [ "$unit_status" -ne 0 ]; then
        echo "the unit tests (make check) failed too"
    fi
    if [ "$fuzz_status" -ne 0 ]; then
        echo "the brief fuzzing step failed too (logs: $RUN/fuzz/t/fuzz/work)"
    fi
    echo "one file again: scripts/test.sh t/zsso/NN_name.t (as root or in" \
        "place); logs: $TOP/t/logs/error_log, $RUN/*.log"
    # Keep the harness summary as the closing lines.
    echo
    if grep -q '^Test Summary Report' "$RUN/suite.out"; then
        sed -n '/^Test Summary Report/,$p' "$RUN/suite.out"
    else
        grep -E '^(Files=|Result:)' "$RUN/suite.out" | tail -n 2 || true
    fi
    exit "$suite_status"
fi
if [ "$unit_status" -ne 0 ]; then
    echo "the Apache::Test suite passed but the unit tests (make check)" \
        "failed: see above"
    exit "$unit_status"
fi
if [ "$fuzz_status" -ne 0 ]; then
    echo "the Apache::Test suite passed but the brief fuzzing step failed:" \
        "see above (logs: $RUN/fuzz/t/fuzz/work)"
    exit "$fuzz_status"
fi
exit 0
