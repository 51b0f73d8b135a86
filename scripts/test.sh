#!/usr/bin/env bash
# scripts/test.sh — build mod_zsso and run every test it has.
#
#   scripts/test.sh                      everything
#   scripts/test.sh t/zsso/03_login.t    the unit tests, then only these .t
#
# Steps: Debian packages (as root), npm ci, autotools build, `make check`
# (C unit tests), test PKI, the two OpenID providers of t/idp/ on loopback
# (okta-op on $ZSSO_OP_PORT, default 18443; fake-op on $ZSSO_FAKE_PORT,
# default 18444, and again with a rogue certificate on $ZSSO_ROGUE_PORT,
# default 18445; a second organisation's okta-op on $ZSSO_OP2_PORT, default
# 18446; the proxied application t/idp/echo.mjs on $ZSSO_ECHO_PORT, default
# 18447), then the Apache::Test suite t/zsso/*.t on
# http://localhost:8529 ($ZSSO_RP_PORT), and last the benchmark's quick run
# (bench/run.sh --quick; not when .t files are named).  The exit status is
# non-zero when any step fails.  Two runs at once need their own
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
# The browser test (t/zsso/20_browser.t) drives Debian's Chromium; the
# several-node test (t/zsso/50_nodes.t) runs real session stores; the
# benchmark's quick run (bench/run.sh --quick, last step) needs wrk and
# compares with Debian's mod_auth_openidc; gnuplot draws its full run's
# chart.
TEST_PACKAGES=(chromium redis-server memcached wrk gnuplot-nox
               libapache2-mod-auth-openidc)

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

section "test PKI"
gen_pki "$PKI"

section "OpenID providers"
stop_providers
[ -f "$RUN/client_secret" ] || random_token | tr -d '\n' >"$RUN/client_secret"
secret=$(cat "$RUN/client_secret")
write_okta_op_config "$RUN/okta-op.json" "$ZSSO_OP_PORT" "$secret" "$PKI" \
    "http://localhost:$ZSSO_RP_PORT/console" \
    "http://localhost:$ZSSO_LB_PORT/console"
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

# A second organisation (its own provider and client), and the application
# the proxy tests put behind mod_proxy.
[ -f "$RUN/org2_secret" ] || random_token | tr -d '\n' >"$RUN/org2_secret"
write_org2_config "$RUN/org2-op.json" "$ZSSO_OP2_PORT" \
    "$(cat "$RUN/org2_secret")" "$PKI" "http://localhost:$ZSSO_RP_PORT/beta"
start_provider okta-op "$RUN/org2-op.json" "$RUN/org2-op.log" \
    "$RUN/org2-op.pid"
write_echo_config "$RUN/echo.json" "$ZSSO_ECHO_PORT"
start_provider echo "$RUN/echo.json" "$RUN/echo.log" "$RUN/echo.pid"

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
    for p in okta-op fake-op rogue-op org2-op echo; do
        echo "---- last lines of $p log"
        tail -n 15 "$RUN/$p.log" || true
    done
    if [ "$unit_status" -ne 0 ]; then
        echo "the unit tests (make check) failed too"
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

# The benchmark still works: a few seconds per target, every protected
# answer a 200 for the signed-in user; no figure is asserted. Its ports
# follow the suite's (8701 and 18643 by default: RP + 172, OP + 200), so
# that runs on other ports do not collide; its run directory is t/.run.
if [ $# -gt 0 ]; then
    exit 0                      # only the named .t files were asked for
fi
section "benchmark, quick run (bench/run.sh --quick)"
stop_httpd
export ZSSO_BENCH_PORT=${ZSSO_BENCH_PORT:-$((ZSSO_RP_PORT + 172))}
export ZSSO_BENCH_OP_PORT=${ZSSO_BENCH_OP_PORT:-$((ZSSO_OP_PORT + 200))}
bench_status=0
ZSSO_BENCH_DIR=$RUN/bench HTTPD=$httpd_bin bench/run.sh --quick \
    || bench_status=$?
if [ "${ZSSO_SANITIZE:-0}" = 1 ] && ls t/logs/sanitizer.* >/dev/null 2>&1
then
    section "sanitizer reports (benchmark)"
    cat t/logs/sanitizer.*
    bench_status=1
fi
if [ "$bench_status" -ne 0 ]; then
    echo "the suite passed but the benchmark's quick run failed: see above"
    exit "$bench_status"
fi
exit 0
