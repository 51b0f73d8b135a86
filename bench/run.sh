#!/usr/bin/env bash
# bench/run.sh — the cost of a protected request, measured.
#
#   bench/run.sh            full run (about 40 minutes, 16 of them the
#                           100,000 sign-ins): figures, chart
#   bench/run.sh --quick    a few seconds per target: checks that the
#                           benchmark works and that every protected answer
#                           is a 200 for the signed-in user; asserts no figure
#
# One httpd (mpm_event, loopback, its own configuration in the run
# directory) serves the same small static file three ways:
#   /u/small.txt   unprotected
#   /z/small.txt   AuthType zsso            (this module)
#   /o/small.txt   AuthType openid-connect  (Debian's mod_auth_openidc, when
#                  installed; skipped with a note otherwise)
# Both modules sign in against the same local OpenID provider
# (t/idp/okta-op.mjs over TLS, the test PKI), one client each.  The run
# signs in once per module (scripted, t/lib/ZssoTest.pm's login), then
# measures with wrk, alternating the targets, each round repeated.
#
# As root it installs what it needs (wrk, gnuplot-nox,
# libapache2-mod-auth-openidc) and httpd's children run as www-data; as
# another user the packages must be there already.
#
# Environment: ZSSO_BENCH_PORT (httpd, 8701), ZSSO_BENCH_OP_PORT (provider,
# 18643), ZSSO_BENCH_DIR (run directory, ${TMPDIR:-/tmp}/zsso-bench-<user>),
# ZSSO_BENCH_PNG (where the chart goes, <run dir>/performance.png),
# ZSSO_BENCH_SECONDS (seconds per measurement, 10; quick: 2),
# ZSSO_BENCH_ROUNDS (rounds of the three targets, 5; quick: 1),
# ZSSO_BENCH_REQUESTS (1000000) and ZSSO_BENCH_SESSIONS (100000) for the
# memory readings, ZSSO_BENCH_LAYOUTS (where wrk and httpd run: "split
# shared", quick: "split"; see "cores" below).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

MODE=full
case "${1:-}" in
    --quick) MODE=quick ;;
    "") ;;
    *) echo "usage: $0 [--quick]" >&2; exit 2 ;;
esac

TOP=$PWD
PORT=${ZSSO_BENCH_PORT:-8701}
OP_PORT=${ZSSO_BENCH_OP_PORT:-18643}
DIR=${ZSSO_BENCH_DIR:-${TMPDIR:-/tmp}/zsso-bench-$(id -un)}
PNG=${ZSSO_BENCH_PNG:-$DIR/performance.png}
HTTPD=${HTTPD:-/usr/sbin/apache2}
APXS=${APXS:-/usr/bin/apxs}
RP=http://localhost:$PORT
WRK_URL=http://127.0.0.1:$PORT
USER_NAME=alice@example.com
if [ "$MODE" = quick ]; then
    SECONDS_EACH=${ZSSO_BENCH_SECONDS:-2}
    ROUNDS=${ZSSO_BENCH_ROUNDS:-1}
else
    SECONDS_EACH=${ZSSO_BENCH_SECONDS:-10}
    ROUNDS=${ZSSO_BENCH_ROUNDS:-5}
fi
SIGNINS=20                  # full sign-ins timed (median reported)
# Protected requests between two memory readings, and real sign-ins for the
# per-session memory cost, made in two halves: the cost per session is the
# growth over the second half, so that what the first sign-ins of each
# thread allocate once (TLS and HTTP client state) is not counted as the
# sessions' (smaller values only to try the script out).
MILLION=${ZSSO_BENCH_REQUESTS:-1000000}
SESSIONS=${ZSSO_BENCH_SESSIONS:-100000}
SESSION_WORKERS=4

# Cores.  wrk runs on the same machine as httpd, and on shared cores its
# own CPU (about a quarter of the machine at -c50: httpd used 1.5 of the 2
# cores serving the unprotected file, on 4 Dec 2026) is spent per request
# whatever the target, which pulls every ratio towards 1: a module's cost
# shows diluted.  "split" gives httpd the last core and wrk the others
# (taskset), so that a target's rate is the server's own: the main
# figures.  "shared" lets both use every core, as a plain wrk run does; the
# full run measures it too, for comparison.  On one core only "shared"
# exists.
NCPU=$(nproc)
SERVER_CPUS=$((NCPU - 1))
LOAD_CPUS=$((NCPU > 2 ? NCPU - 2 : 0))
[ "$NCPU" -gt 2 ] && LOAD_CPUS=0-$LOAD_CPUS
ALL_CPUS=0-$((NCPU - 1))
HAVE_TASKSET=0
command -v taskset >/dev/null 2>&1 && HAVE_TASKSET=1
if [ "$MODE" = quick ]; then
    LAYOUTS=${ZSSO_BENCH_LAYOUTS:-split}
else
    LAYOUTS=${ZSSO_BENCH_LAYOUTS:-split shared}
fi
if [ "$NCPU" -lt 2 ] || [ "$HAVE_TASKSET" = 0 ]; then
    echo "note: one core or no taskset: only the shared layout is measured"
    LAYOUTS=shared
fi
read -r -a LAYOUTS <<<"$LAYOUTS"
MAIN_LAYOUT=${LAYOUTS[0]}

# ------------------------------------------------------------ packages
section "packages"
if [ "$(id -u)" -eq 0 ]; then
    install_packages wrk gnuplot-nox libapache2-mod-auth-openidc tcpdump
else
    install_packages wrk
fi
moddir=$("$APXS" -q LIBEXECDIR)
OIDC_SO=$moddir/mod_auth_openidc.so
HAVE_OIDC=0
[ -f "$OIDC_SO" ] && HAVE_OIDC=1
[ "$HAVE_OIDC" = 1 ] \
    || echo "note: mod_auth_openidc is not installed: its target is skipped" \
        "(as root this script installs libapache2-mod-auth-openidc)"

section "build"
npm_install
build_module

# ------------------------------------------------------------ files
section "run directory $DIR"
stop_all() {
    if [ -f "$DIR/run/httpd.pid" ]; then
        "$HTTPD" -f "$DIR/httpd.conf" -k stop >/dev/null 2>&1 || true
        for _ in $(seq 1 50); do
            [ -f "$DIR/run/httpd.pid" ] || break
            sleep 0.1
        done
    fi
    kill_pidfile "$DIR/run/httpd.pid"
    kill_pidfile "$DIR/run/okta-op.pid"
}
[ -d "$DIR" ] && stop_all
rm -rf "$DIR"
mkdir -p "$DIR/logs" "$DIR/run" "$DIR/htdocs/u" "$DIR/htdocs/z" \
    "$DIR/htdocs/o"
chmod 0755 "$DIR" "$DIR/htdocs" "$DIR/htdocs"/*
gen_pki "$DIR/pki"
# The measured file: 128 bytes of static text, the same in all three places.
printf 'mod_zsso benchmark: a small static file, served the same way by all three targets. %s\n' \
    "$(printf '%*s' 40 '' | tr ' ' '.')" | head -c 127 >"$DIR/small.txt"
echo >>"$DIR/small.txt"
for t in u z o; do cp "$DIR/small.txt" "$DIR/htdocs/$t/small.txt"; done
chmod 0644 "$DIR"/htdocs/*/small.txt
random_token | tr -d '\n' >"$DIR/zsso_secret"
random_token | tr -d '\n' >"$DIR/oidc_secret"
run_user_lines=""
if [ "$(id -u)" -eq 0 ]; then
    run_user_lines=$'User www-data\nGroup www-data'
    chgrp www-data "$DIR/zsso_secret"
    chown -R www-data "$DIR/run"
fi
chmod 0640 "$DIR/zsso_secret" "$DIR/oidc_secret"

# The store holds the sessions of the memory test with room to spare: a
# session takes about 1.5 KB of it (record, ID token, keys, and its share
# of the rewrites of the back-channel index), 6 KiB leaves the fullest of
# shmcb's subcaches far from dropping one.
ZSSO_STORE_BYTES=$((SESSIONS * 6144))
[ "$ZSSO_STORE_BYTES" -ge $((64 * 1024 * 1024)) ] \
    || ZSSO_STORE_BYTES=$((64 * 1024 * 1024))

oidc_lines=""
if [ "$HAVE_OIDC" = 1 ]; then
    oidc_lines=$(cat <<EOF
LoadModule auth_openidc_module "$OIDC_SO"
OIDCProviderMetadataURL https://127.0.0.1:$OP_PORT/.well-known/openid-configuration
OIDCClientID          oidc-bench
OIDCClientSecret      $(cat "$DIR/oidc_secret")
OIDCRedirectURI       $RP/o/redirect_uri
OIDCCryptoPassphrase  $(random_token)
OIDCCABundlePath      "$DIR/pki/ca.pem"
OIDCPKCEMethod        S256
OIDCScope             "openid profile email groups"
OIDCRemoteUserClaim   preferred_username
<Location /o>
    AuthType openid-connect
    Require valid-user
</Location>
EOF
)
fi

cat >"$DIR/httpd.conf" <<EOF
# written by bench/run.sh
ServerRoot "$DIR"
ServerName localhost:$PORT
Listen 127.0.0.1:$PORT
PidFile "$DIR/run/httpd.pid"
DefaultRuntimeDir "$DIR/run"
ErrorLog "$DIR/logs/error_log"
LogLevel warn zsso:notice
$run_user_lines

LoadModule mpm_event_module "$moddir/mod_mpm_event.so"
LoadModule authn_core_module "$moddir/mod_authn_core.so"
LoadModule authz_core_module "$moddir/mod_authz_core.so"
LoadModule authz_user_module "$moddir/mod_authz_user.so"
LoadModule mime_module "$moddir/mod_mime.so"
LoadModule socache_shmcb_module "$moddir/mod_socache_shmcb.so"
LoadModule zsso_module "$TOP/.libs/mod_zsso.so"
TypesConfig /etc/mime.types

# Two processes of 64 threads from the start, never more, never recycled:
# the memory readings compare the same processes.
StartServers 2
ServerLimit 4
ThreadsPerChild 64
MaxRequestWorkers 256
MinSpareThreads 64
MaxSpareThreads 256
MaxConnectionsPerChild 0
KeepAlive On
MaxKeepAliveRequests 0

# Every answer is logged: status, user, microseconds, path, start (epoch
# microseconds). bench/run.sh checks from it that each protected answer
# was a 200 for the user, and times the sign-in callbacks.
LogFormat "%>s %u %D %U %{begin:usec}t" bench
CustomLog "$DIR/logs/bench_log" bench

DocumentRoot "$DIR/htdocs"
<Directory "$DIR/htdocs">
    Require all granted
</Directory>

ZSSOSessionCache "shmcb:$DIR/run/zsso($ZSSO_STORE_BYTES)"
<Location /z>
    ZSSOOktaDomain   127.0.0.1:$OP_PORT
    ZSSOClientID     zsso-bench
    ZSSOClientSecret "file:$DIR/zsso_secret"
    ZSSOCAFile       "$DIR/pki/ca.pem"
    AuthType zsso
    Require valid-user
</Location>
$oidc_lines
EOF

cat >"$DIR/okta-op.json" <<EOF
{
  "port": $OP_PORT,
  "cert": "$DIR/pki/server.pem",
  "key": "$DIR/pki/server.key",
  "clients": [
    { "client_id": "zsso-bench", "client_secret": "$(cat "$DIR/zsso_secret")",
      "redirect_uris": [ "$RP/z/zsso/callback" ],
      "post_logout_redirect_uris": [ "$RP/z/zsso/logged-out" ] },
    { "client_id": "oidc-bench", "client_secret": "$(cat "$DIR/oidc_secret")",
      "redirect_uris": [ "$RP/o/redirect_uri" ] }
  ],
  "users": [
    { "login": "$USER_NAME", "password": "alice-pw", "sub": "00ualice",
      "name": "Alice Example", "given_name": "Alice",
      "family_name": "Example", "email": "$USER_NAME",
      "groups": ["Everyone", "console-admins"],
      "assigned_clients": ["zsso-bench", "oidc-bench"] }
  ]
}
EOF

# ------------------------------------------------------------ start
# ZSSO_BENCH_KEEP=1 leaves both running after the run (for profiling).
[ "${ZSSO_BENCH_KEEP:-0}" = 1 ] || trap stop_all EXIT
trap 'exit 130' INT TERM

section "OpenID provider on 127.0.0.1:$OP_PORT"
export ZSSO_BENCH_OP_TIMING=$DIR/logs/op_timing
: >"$ZSSO_BENCH_OP_TIMING"
kill_pidfile "$DIR/run/okta-op.pid"
nohup node --import "$TOP/bench/op-timing.mjs" t/idp/okta-op.mjs \
    "$DIR/okta-op.json" >"$DIR/logs/okta-op.log" 2>&1 </dev/null &
echo $! >"$DIR/run/okta-op.pid"
for _ in $(seq 1 300); do
    grep -q '^okta-op ready ' "$DIR/logs/okta-op.log" && break
    kill -0 "$(cat "$DIR/run/okta-op.pid")" 2>/dev/null || break
    sleep 0.1
done
grep '^okta-op ready ' "$DIR/logs/okta-op.log" \
    || { cat "$DIR/logs/okta-op.log" >&2; die "the provider did not start"; }

section "httpd on $RP"
"$HTTPD" -t -f "$DIR/httpd.conf"
if ! "$HTTPD" -f "$DIR/httpd.conf" -k start; then
    tail -n 30 "$DIR/logs/error_log" >&2 || true
    die "httpd did not start"
fi
for _ in $(seq 1 50); do
    curl -s -o /dev/null "$RP/u/small.txt" && break
    sleep 0.2
done

# ------------------------------------------------------------ helpers
export ZSSO_RP_URL=$RP ZSSO_TEST_CA=$DIR/pki/ca.pem
TARGETS=(u z)
[ "$HAVE_OIDC" = 1 ] && TARGETS+=(o)
declare -A LABEL=([u]=unprotected [z]=mod_zsso [o]=mod_auth_openidc)
declare -A COOKIE=([u]="" [z]="" [o]="")
declare -A COOKIE_NAME=([z]=zsso_session [o]=mod_auth_openidc_session)

# sign_in TARGET COUNT: COUNT sign-ins; "<ms> <cookie>" lines on stdout.
sign_in() {
    perl bench/login.pl "$2" "/$1/small.txt" "${COOKIE_NAME[$1]}" \
        "$DIR/small.txt"
}

# cpu_ns: CPU time, in nanoseconds, that httpd's threads have used so far
# (schedstat's first field, per thread).
cpu_ns() {
    local p
    for p in $(httpd_pids); do
        cat /proc/"$p"/task/*/schedstat 2>/dev/null || true
    done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# httpd_pids: the parent and its children.
httpd_pids() {
    local parent
    parent=$(cat "$DIR/run/httpd.pid")
    echo "$parent"
    ps -o pid= --ppid "$parent" | tr -d ' '
}

# memory: "<RSS sum kB> <PSS sum kB> <pids>" over httpd's processes (PSS
# shares each shared page among the processes that map it, so its sum
# counts the shared session store once).
memory() {
    local rss=0 pss=0 p r s pids=""
    for p in $(httpd_pids); do
        r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")
        s=$(awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup")
        rss=$((rss + r))
        pss=$((pss + s))
        pids+="${pids:+,}$p"
    done
    echo "$rss $pss $pids"
}

# use_layout split|shared: the cores httpd (all its processes and threads)
# and the next wrk runs get.  Outside the req/s measurements httpd keeps
# the layout last set.
use_layout() {
    local p server=$ALL_CPUS
    WRK_CPUS=$ALL_CPUS
    if [ "$1" = split ]; then
        server=$SERVER_CPUS
        WRK_CPUS=$LOAD_CPUS
    fi
    [ "$HAVE_TASKSET" = 1 ] || return 0
    for p in $(httpd_pids); do
        taskset -a -p -c "$server" "$p" >/dev/null
    done
}
WRK_CPUS=$ALL_CPUS
where() {   # where LAYOUT: the layout in words
    if [ "$1" = split ]; then
        echo "split cores: httpd on core $SERVER_CPUS, wrk on $LOAD_CPUS"
    else
        echo "shared cores: httpd and wrk on $ALL_CPUS"
    fi
}

# run_wrk TARGET CONNECTIONS SECONDS: one wrk run; RES is its RESULT line
# plus cpu_us= (httpd's CPU time per request), once every answer the log
# recorded for TARGET's path has been checked.
run_wrk() {
    local t=$1 c=$2 secs=$3 threads=2 out hdr=() cpu0 pin=()
    [ "$c" -lt 2 ] && threads=1
    [ -n "${COOKIE[$t]}" ] && hdr=(-H "Cookie: ${COOKIE_NAME[$t]}=${COOKIE[$t]}")
    [ "$HAVE_TASKSET" = 1 ] && pin=(taskset -c "$WRK_CPUS")
    : >"$DIR/logs/bench_log"
    cpu0=$(cpu_ns)
    # The Host a browser sends: mod_auth_openidc refuses a session cookie
    # played against another host name than the one it was issued for.
    out=$("${pin[@]}" wrk -t"$threads" -c"$c" -d"${secs}s" --latency \
        -s bench/wrk-report.lua -H "Host: localhost:$PORT" "${hdr[@]}" \
        "$WRK_URL/$t/small.txt") \
        || die "wrk failed on /$t/small.txt: $out"
    out=$(grep '^RESULT ' <<<"$out") || die "wrk printed no result"
    out+=$(awk -v a="$cpu0" -v b="$(cpu_ns)" -v n="$(field requests "$out")" \
        'BEGIN { printf " cpu_us=%.1f", (n > 0 ? (b - a) / n / 1000 : 0) }')
    check_log "$t" "$(field requests "$out")"
    RES=$out
}

# check_log TARGET REQUESTS: every logged answer for /TARGET/small.txt
# since the log was emptied is a 200 for the signed-in user (for /u: a 200
# without a user), and at least REQUESTS of them are there.
check_log() {
    local t=$1 expected=$2 user=$USER_NAME counts n ok
    [ "$t" = u ] && user=-
    counts=$(awk -v path="/$t/small.txt" -v user="$user" '
        $4 == path { n++; if ($1 == 200 && $2 == user) ok++ }
        END { printf "%d %d\n", n, ok }' "$DIR/logs/bench_log")
    read -r n ok <<<"$counts"
    if [ "$n" -ne "$ok" ] || [ "$n" -lt "$expected" ] || [ "$n" -eq 0 ]; then
        echo "---- answers for /$t/small.txt that are not 200 for $user:" >&2
        awk -v path="/$t/small.txt" -v user="$user" \
            '$4 == path && ($1 != 200 || $2 != user)' \
            "$DIR/logs/bench_log" | sort | uniq -c | head >&2
        die "/$t/small.txt: $ok of $n logged answers are 200 for $user;" \
            "wrk counted $expected"
    fi
    TOTAL_CHECKED[$t]=$(( ${TOTAL_CHECKED[$t]:-0} + n ))
}
declare -A TOTAL_CHECKED=()

field() {   # field NAME RESULT_LINE
    sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"
}

median() {  # median of the numbers on stdin
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "nan"; exit }
        if (NR % 2) print v[(NR + 1) / 2];
        else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

median_of() { printf '%s\n' "$@" | median; }   # median_of NUMBER...

# ------------------------------------------------------------ sign in
section "sign in once per module (scripted, as $USER_NAME)"
for t in z o; do
    [ "$t" = o ] && [ "$HAVE_OIDC" != 1 ] && continue
    line=$(sign_in "$t" 1) || die "the sign-in for ${LABEL[$t]} failed"
    COOKIE[$t]=${line#* }
    echo "${LABEL[$t]}: signed in in ${line%% *} ms"
done

# The content is served to the user: the file with the cookie, a redirect
# to the provider without it.
for t in z o; do
    [ -n "${COOKIE[$t]}" ] || continue
    body=$(curl -sS -H "Cookie: ${COOKIE_NAME[$t]}=${COOKIE[$t]}" \
        "$RP/$t/small.txt")
    [ "$body" = "$(cat "$DIR/small.txt")" ] \
        || die "/$t/small.txt with the session did not serve the file"
    code=$(curl -s -o /dev/null -w '%{http_code}' "$RP/$t/small.txt")
    [ "$code" = 302 ] \
        || die "/$t/small.txt without a session answered $code, not 302"
    echo "${LABEL[$t]}: the file with the session, 302 without"
done

# ------------------------------------------------------------ req/s
# Medians per layout L and target t: MRPS[L.t], MP50[L.t], MP99[L.t] and
# MCPU[L.t] (httpd's CPU microseconds per request).
declare -A MRPS=() MP50=() MP99=() MCPU=()
for layout in "${LAYOUTS[@]}"; do
    use_layout "$layout"
    section "req/s, $(where "$layout"), wrk -t2 -c50, ${SECONDS_EACH}s each," \
        "$ROUNDS round(s), targets alternating"
    for t in "${TARGETS[@]}"; do run_wrk "$t" 50 1; done   # warm-up
    declare -A RPS=() P50=() P99=() CPU=()
    for round in $(seq 1 "$ROUNDS"); do
        for t in "${TARGETS[@]}"; do
            run_wrk "$t" 50 "$SECONDS_EACH"
            res=$RES
            RPS[$t]+="$(field rps "$res") "
            P50[$t]+="$(field p50_us "$res") "
            P99[$t]+="$(field p99_us "$res") "
            CPU[$t]+="$(field cpu_us "$res") "
            printf '  round %d  %-17s %9.0f req/s  p50 %5d us  p99 %6d us' \
                "$round" "${LABEL[$t]}" "$(field rps "$res")" \
                "$(field p50_us "$res")" "$(field p99_us "$res")"
            printf '  httpd CPU %6.1f us/request\n' "$(field cpu_us "$res")"
        done
    done
    for t in "${TARGETS[@]}"; do
        MRPS[$layout.$t]=$(median_of ${RPS[$t]})
        MP50[$layout.$t]=$(median_of ${P50[$t]})
        MP99[$layout.$t]=$(median_of ${P99[$t]})
        MCPU[$layout.$t]=$(median_of ${CPU[$t]})
    done
    unset RPS P50 P99 CPU
done
use_layout "$MAIN_LAYOUT"

# ------------------------------------------------------------ sign-in time
# The module's own callback work: the callback's duration in httpd (%D)
# minus the provider's time for the exchanges the callback made (token
# request; discovery and keys if fetched).  As root, the provider's time
# is read on the wire (tcpdump on loopback, bench/own-work.awk): from the
# client's first packet of an exchange to the provider's last answer
# packet.  Otherwise the provider's own clock serves (bench/op-timing.mjs),
# which starts late when the provider is still busy with the browser's
# previous request, and so leaves more on the module's side.
WIRE=0
[ "$(id -u)" -eq 0 ] && command -v tcpdump >/dev/null 2>&1 && WIRE=1
wire_start() {
    [ "$WIRE" = 1 ] || return 0
    tcpdump -i lo -nn -tt -l -B 16384 "tcp port $OP_PORT" \
        >"$DIR/logs/wire" 2>"$DIR/logs/wire.err" &
    WIRE_PID=$!
    for _ in $(seq 1 50); do
        grep -q 'listening on' "$DIR/logs/wire.err" && return 0
        sleep 0.1
    done
    die "tcpdump did not start: $(cat "$DIR/logs/wire.err")"
}
wire_stop() {
    [ "$WIRE" = 1 ] || return 0
    sleep 0.2
    kill -INT "$WIRE_PID" && wait "$WIRE_PID" || true
}
OWN_HOW="the provider's own clock (bench/op-timing.mjs; run as root for tcpdump)"
[ "$WIRE" = 1 ] && OWN_HOW="the provider's time read on the wire (tcpdump)"
signin_times() {    # signin_times TARGET COUNT CALLBACK_PATH
    local t=$1 n=$2 cb=$3 lines cpu0
    : >"$DIR/logs/bench_log"
    : >"$ZSSO_BENCH_OP_TIMING"
    wire_start
    cpu0=$(cpu_ns)
    lines=$(sign_in "$t" "$n") || die "timed sign-ins for ${LABEL[$t]} failed"
    CPU_MS[$t]=$(awk -v a="$cpu0" -v b="$(cpu_ns)" -v n="$n" \
        'BEGIN { printf "%.3f", (b - a) / n / 1e6 }')
    wire_stop
    SIGNIN_MS[$t]=$(awk '{print $1}' <<<"$lines" | median)
    FETCHES[$t]=$(grep -c -E '^GET (/\.well-known/|/oauth2/v1/keys)' \
        "$ZSSO_BENCH_OP_TIMING" || true)
    if [ "$WIRE" = 1 ]; then
        OWN_MS[$t]=$(awk -v port="$OP_PORT" -v cb="$cb" \
            -f bench/own-work.awk "$DIR/logs/bench_log" "$DIR/logs/wire" \
            | awk '{print $3 / 1000}' | median)
    else
        # The i-th callback <-> the provider's requests between the i-th
        # resumed authorization (/oauth2/v1/authorize/<uid>, which
        # redirects to the callback) and the next sign-in: the sign-ins
        # run one at a time.
        OWN_MS[$t]=$(paste -d' ' \
            <(awk -v cb="$cb" '$4 == cb {print $3}' "$DIR/logs/bench_log") \
            <(awk '$2 ~ /^\/oauth2\/v1\/authorize\// { if (k) print s; k++;
                       s = 0; on = 1; next }
                   $2 == "/oauth2/v1/authorize" { on = 0 }
                   on && ($2 == "/oauth2/v1/token" ||
                          $2 == "/oauth2/v1/keys" ||
                          $2 ~ /^\/\.well-known\//) { s += $3 }
                   END { if (k) print s }' "$ZSSO_BENCH_OP_TIMING") \
            | awk 'NF == 2 {print ($1 - $2) / 1000}' | median)
    fi
    CB_MS[$t]=$(awk -v cb="$cb" '$4 == cb {print $3 / 1000}' \
        "$DIR/logs/bench_log" | median)
}
declare -A SIGNIN_MS=() OWN_MS=() CPU_MS=() FETCHES=() CB_MS=()
declare -A CALLBACK=([z]=/z/zsso/callback [o]=/o/redirect_uri)
n_signins=$SIGNINS
[ "$MODE" = quick ] && n_signins=3
section "full sign-in, median of $n_signins; own work: $OWN_HOW"
for t in z o; do
    [ -n "${COOKIE[$t]}" ] || continue
    sign_in "$t" 8 >/dev/null   # every process has discovery and keys
    signin_times "$t" "$n_signins" "${CALLBACK[$t]}"
    printf '  %-17s sign-in %6.1f ms  callback %6.2f ms  own work %6.3f ms' \
        "${LABEL[$t]}" "${SIGNIN_MS[$t]}" "${CB_MS[$t]}" "${OWN_MS[$t]}"
    printf '  httpd CPU/sign-in %6.3f ms' "${CPU_MS[$t]}"
    printf '  discovery/keys fetched %d times\n' "${FETCHES[$t]}"
done
# Discovery and keys, fetched by the first sign-in, are not fetched again
# by any process: each takes them from the store (src/docstore.c).
[ "${FETCHES[z]}" = 0 ] \
    || die "mod_zsso fetched discovery or keys ${FETCHES[z]} times during" \
        "the timed sign-ins: they were cached by the first sign-in"

# ------------------------------------------------------------ logout
# A sign-out is seen by every process at once: after it, the old cookie
# opens nothing, whichever process answers.
section "sign-out ends the session everywhere"
line=$(sign_in z 1)
victim=${line#* }
curl -s -o /dev/null -H "Cookie: zsso_session=$victim" \
    "$RP/z/small.txt"   # the session is in use (and memoized) first
wrk -t2 -c20 -d1s -H "Cookie: zsso_session=$victim" \
    "$WRK_URL/z/small.txt" >/dev/null
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
    -H "Cookie: zsso_session=$victim" -H "Origin: $RP" \
    "$RP/z/zsso/logout")
[ "$code" = 302 ] || die "sign-out answered $code"
: >"$DIR/logs/bench_log"
wrk -t2 -c20 -d1s -H "Cookie: zsso_session=$victim" \
    "$WRK_URL/z/small.txt" >/dev/null
after=$(awk '$4 == "/z/small.txt"' "$DIR/logs/bench_log" | wc -l)
still=$(awk '$4 == "/z/small.txt" && $1 == 200' "$DIR/logs/bench_log" \
    | wc -l)
if [ "$after" -eq 0 ] || [ "$still" -ne 0 ]; then
    die "after sign-out, $still of $after requests with the old cookie" \
        "were served"
fi
echo "after sign-out: 0 of $after requests with the old cookie were served"

if [ "$MODE" = quick ]; then
    section "quick run: every protected answer was a 200 for $USER_NAME"
    for t in "${TARGETS[@]}"; do
        printf '  %-17s %9.0f req/s  (%d answers checked)\n' "${LABEL[$t]}" \
            "${MRPS[$MAIN_LAYOUT.$t]}" "${TOTAL_CHECKED[$t]}"
    done
    [ "$HAVE_OIDC" = 1 ] || echo "  mod_auth_openidc: skipped (not installed)"
    echo "quick benchmark: OK"
    exit 0
fi

# ------------------------------------------------------------ memory
section "memory: a million protected requests"
mem_before=$(memory)
done_requests=0
while [ "$done_requests" -lt "$MILLION" ]; do
    run_wrk z 50 10
    done_requests=$((done_requests + $(field requests "$RES")))
done
mem_after=$(memory)
echo "before: RSS ${mem_before%% *} kB; after $done_requests requests:" \
    "RSS ${mem_after%% *} kB (processes ${mem_before##* } ->" \
    "${mem_after##* })"

# ------------------------------------------------------------ chart
# After the million requests (measured on the processes that served the
# rounds, before 200 connections make httpd start more) and before the
# live sessions: their 100,000 sign-ins take a quarter of an hour, past
# mod_auth_openidc's inactivity timeout (300 s by default), after which
# its session answers 401.
CONNS=(1 10 50 100 200)
: >"$DIR/sweep.dat"
chart_secs=$(( SECONDS_EACH / 2 > 3 ? SECONDS_EACH / 2 : 3 ))
section "req/s against connections, $(where "$MAIN_LAYOUT")" \
    "(${chart_secs}s each, alternating)"
for c in "${CONNS[@]}"; do
    row="$c"
    for t in u z o; do
        if [ "$t" = o ] && [ "$HAVE_OIDC" != 1 ]; then row+=" NaN"; continue; fi
        run_wrk "$t" "$c" "$chart_secs"
        row+=" $(field rps "$RES")"
    done
    echo "$row" | tee -a "$DIR/sweep.dat"
done
if command -v gnuplot >/dev/null 2>&1; then
    gnuplot <<EOF
set terminal pngcairo size 900,560 font "sans,11" noenhanced
set output "$PNG"
set title "A small static file on httpd 2.4 (mpm_event, loopback; $(where "$MAIN_LAYOUT"))"
set xlabel "concurrent connections (wrk)"
set ylabel "requests per second"
set logscale x
set xtics (1, 10, 50, 100, 200)
set yrange [0:*]
set grid
set key bottom right
plot "$DIR/sweep.dat" using 1:2 with linespoints lw 2 title "unprotected", \
     "" using 1:3 with linespoints lw 2 title "mod_zsso (signed in)", \
     "" using 1:4 with linespoints lw 2 title "mod_auth_openidc 2.4 (signed in)"
EOF
    echo "chart: $PNG"
else
    echo "note: gnuplot is not installed: no chart"
fi

# ------------------------------------------------------------ sessions
section "memory: $SESSIONS live sessions made by real sign-ins"
# make_sessions N: N more sessions, by SESSION_WORKERS parallel sign-ins.
make_sessions() {
    local w workers=()
    for w in $(seq 1 "$SESSION_WORKERS"); do
        sign_in z $(($1 / SESSION_WORKERS)) >>"$DIR/logs/sessions.$w" &
        workers+=($!)
    done
    wait "${workers[@]}"   # not the provider, also a child of this shell
}
half=$((SESSIONS / 2))
mem_s0=$(memory)
t0=$(date +%s.%N)
make_sessions "$half"
mem_s1=$(memory)
make_sessions "$half"
t1=$(date +%s.%N)
made=$(cat "$DIR"/logs/sessions.* | wc -l)
[ "$made" -eq "$SESSIONS" ] || die "only $made of $SESSIONS sign-ins worked"
mem_s2=$(memory)
# Every one of them is live: each cookie opens its session.
# One curl, one kept-alive connection, a request per cookie.
sep=""
while read -r _ c; do
    printf '%surl = "%s"\nheader = "Cookie: zsso_session=%s"\n' "$sep" \
        "$RP/z/small.txt" "$c"
    printf 'output = /dev/null\nwrite-out = "%%{http_code}\\n"\n'
    sep=$'next\n'
done < <(cat "$DIR"/logs/sessions.*) >"$DIR/live.curl"
live=$(curl -s -K "$DIR/live.curl" | grep -c '^200$' || true)
[ "$live" -eq "$SESSIONS" ] || die "only $live of $SESSIONS sessions open"
mem_s3=$(memory)
read -r rss_s0 pss_s0 _ <<<"$mem_s0"
read -r rss_s1 pss_s1 _ <<<"$mem_s1"
read -r rss_s2 pss_s2 _ <<<"$mem_s2"
read -r rss_s3 pss_s3 _ <<<"$mem_s3"
per_session=$(( (pss_s2 - pss_s1) * 1024 / (SESSIONS - half) ))
echo "$made sign-ins in $(awk -v a="$t0" -v b="$t1" \
    'BEGIN {printf "%.0f", b - a}') s, all $live live; PSS $pss_s0 ->" \
    "$pss_s1 (half) -> $pss_s2 kB (all) -> $pss_s3 kB (each opened once):" \
    "$per_session bytes per session over the second half"

# ------------------------------------------------------------ table
section "results"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b;
    else print "n/a" }'; }
{
    echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
    echo "httpd: $("$HTTPD" -v | sed -n 's/^Server version: //p'), mpm_event," \
        "2 processes x 64 threads; wrk -t2 -c50 -d${SECONDS_EACH}s," \
        "$ROUNDS rounds alternating (medians)"
    [ "$HAVE_OIDC" = 1 ] && echo "mod_auth_openidc:" \
        "$(dpkg-query -W -f='${Version}' libapache2-mod-auth-openidc)"
    for layout in "${LAYOUTS[@]}"; do
        echo
        echo "$(where "$layout"):"
        echo
        printf '| target | req/s | p50 | p99 | httpd CPU per request |'
        printf ' protected/unprotected |\n| --- | ---: | ---: | ---: | ---: | ---: |\n'
        for t in "${TARGETS[@]}"; do
            printf '| %s | %.0f | %d us | %d us | %.1f us | %s |\n' \
                "${LABEL[$t]}" "${MRPS[$layout.$t]}" "${MP50[$layout.$t]}" \
                "${MP99[$layout.$t]}" "${MCPU[$layout.$t]}" \
                "$(if [ "$t" = u ]; then echo -; else
                    ratio "${MRPS[$layout.$t]}" "${MRPS[$layout.u]}"; fi)"
        done
        [ "$HAVE_OIDC" = 1 ] && echo && echo "mod_zsso / mod_auth_openidc:" \
            "$(ratio "${MRPS[$layout.z]}" "${MRPS[$layout.o]}")"
    done
    echo
    echo "every protected answer was a 200 for $USER_NAME (access log):" \
        "$(for t in "${TARGETS[@]}"; do printf '%s %d; ' "${LABEL[$t]}" \
            "${TOTAL_CHECKED[$t]}"; done)"
    echo
    printf '| sign-in (median of %d) | full sign-in | callback |' "$SIGNINS"
    printf ' own work in the callback | httpd CPU per sign-in |'
    printf ' discovery/keys fetches |\n| --- | ---: | ---: | ---: | ---: | ---: |\n'
    for t in z o; do
        [ -n "${COOKIE[$t]}" ] || continue
        printf '| %s | %.1f ms | %.2f ms | %.3f ms | %.3f ms | %d |\n' \
            "${LABEL[$t]}" "${SIGNIN_MS[$t]}" "${CB_MS[$t]}" "${OWN_MS[$t]}" \
            "${CPU_MS[$t]}" "${FETCHES[$t]}"
    done
    echo "(own work: the callback's duration minus $OWN_HOW)"
    echo
    read -r rss_b pss_b _ <<<"$mem_before"
    read -r rss_a pss_a _ <<<"$mem_after"
    echo "memory (httpd, all processes): before $done_requests protected" \
        "requests RSS $rss_b kB / PSS $pss_b kB; after RSS $rss_a kB /" \
        "PSS $pss_a kB (processes ${mem_before##* } -> ${mem_after##* })"
    echo "live sessions: $SESSIONS real sign-ins in two halves: PSS" \
        "$pss_s0 -> $pss_s1 -> $pss_s2 kB, $pss_s3 kB once each was opened" \
        "(RSS $rss_s0 -> $rss_s1 -> $rss_s2 -> $rss_s3 kB);" \
        "$per_session bytes per session (second half); with $SESSIONS" \
        "live sessions $(( pss_s3 / 1024 )) MiB of PSS in all"
} | tee "$DIR/results.md"
echo
echo "table: $DIR/results.md  chart: $PNG"
