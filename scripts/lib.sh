# shellcheck shell=bash
# scripts/lib.sh — what scripts/test.sh and scripts/demo.sh share: the
# packages the project needs, the build, the test PKI and the two OpenID
# providers of t/idp/ (okta-op, fake-op).  Source it after `set -euo pipefail`
# with the working directory at the top of the tree.

# Debian packages: build, unit tests, Apache::Test and its HTTP client.
ZSSO_PACKAGES=(
    apache2 apache2-dev libcurl4-openssl-dev libjansson-dev libssl-dev
    autoconf automake libtool pkg-config make gcc check openssl
    libapache2-mod-perl2 libwww-perl libhttp-cookies-perl
    libio-socket-ssl-perl liblwp-protocol-https-perl liburi-perl
    libhtml-parser-perl libhtml-form-perl curl ca-certificates
)

: "${ZSSO_RP_PORT:=8529}"
: "${ZSSO_OP_PORT:=18443}"
: "${ZSSO_FAKE_PORT:=18444}"
: "${ZSSO_ROGUE_PORT:=18445}"
: "${ZSSO_OP2_PORT:=18446}"
: "${ZSSO_ECHO_PORT:=18447}"
: "${ZSSO_VHOST_PORT:=8531}"
# Several nodes (t/zsso/50_nodes.t): the public origin they share, the
# first node's port (the second is the next one), and the stores.
: "${ZSSO_LB_PORT:=8540}"
: "${ZSSO_NODE_PORT:=8541}"
: "${ZSSO_REDIS_PORT:=16379}"
: "${ZSSO_MEMCACHED_PORT:=11311}"
export ZSSO_RP_PORT ZSSO_OP_PORT ZSSO_FAKE_PORT ZSSO_ROGUE_PORT \
    ZSSO_OP2_PORT ZSSO_ECHO_PORT ZSSO_VHOST_PORT ZSSO_LB_PORT \
    ZSSO_NODE_PORT ZSSO_REDIS_PORT ZSSO_MEMCACHED_PORT

section() {
    printf '\n==== %s ====\n' "$*"
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# missing_packages [EXTRA...]: print the packages of ZSSO_PACKAGES and EXTRA
# (plus nodejs/npm when node is absent) that are not installed.
missing_packages() {
    local p status
    local want=("${ZSSO_PACKAGES[@]}" "$@")
    command -v node >/dev/null 2>&1 || want+=(nodejs)
    command -v npm >/dev/null 2>&1 || want+=(npm)
    for p in "${want[@]}"; do
        status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
        case $status in
            *"install ok installed"*) ;;
            *) printf '%s\n' "$p" ;;
        esac
    done
}

# install_packages [EXTRA...]: as root, install what is missing; as a user,
# stop with a hint when something is missing.
install_packages() {
    local missing
    mapfile -t missing < <(missing_packages "$@")
    if [ ${#missing[@]} -eq 0 ]; then
        echo "all packages present"
        return 0
    fi
    if [ "$(id -u)" -ne 0 ]; then
        die "missing packages: ${missing[*]} (run this script with sudo" \
            "once, or: sudo apt-get install ${missing[*]})"
    fi
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# npm_install: the providers' node modules, exactly as locked.
npm_install() {
    if [ -f node_modules/.package-lock.json ] \
        && cmp -s package-lock.json node_modules/.zsso-lock-stamp \
        && [ -d node_modules/oidc-provider ]; then
        echo "node_modules up to date"
        return 0
    fi
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.zsso-lock-stamp
}

# build_module: autotools build of .libs/mod_zsso.so; ZSSO_CONFIGURE_FLAGS
# (e.g. --enable-sanitizers) are passed to configure, and a change of them
# reconfigures and rebuilds.
build_module() {
    local jobs flags=${ZSSO_CONFIGURE_FLAGS:-}
    jobs=$(nproc 2>/dev/null || echo 2)
    if [ ! -x configure ] || [ configure.ac -nt configure ] \
        || [ Makefile.am -nt configure ]; then
        ./autogen.sh
    fi
    if [ ! -f Makefile ] || [ configure -nt Makefile ] \
        || [ "$(cat .configure-flags 2>/dev/null)" != "$flags" ]; then
        # shellcheck disable=SC2086  # flags are words
        ./configure --with-apxs=/usr/bin/apxs $flags
        printf '%s' "$flags" >.configure-flags
        make clean >/dev/null
    fi
    make -j"$jobs"
    [ -f .libs/mod_zsso.so ] || die "build did not produce .libs/mod_zsso.so"
}

# gen_pki DIR: the test CA and the providers' certificate.
gen_pki() {
    bash t/idp/gen-pki.sh "$1"
}

# random_token: 32 url-safe random characters.
random_token() {
    openssl rand -hex 16
}

# kill_pidfile FILE: end the process recorded in FILE, if it is still ours.
kill_pidfile() {
    local f=$1 pid
    [ -f "$f" ] || return 0
    pid=$(cat "$f" 2>/dev/null || true)
    rm -f "$f"
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
}

# start_provider NAME CONFIG LOGFILE PIDFILE: start t/idp/NAME.mjs in the
# background and wait (30 s) for its "NAME ready" line.
start_provider() {
    local name=$1 config=$2 log=$3 pidfile=$4 pid
    kill_pidfile "$pidfile"
    : >"$log"
    nohup node "t/idp/$name.mjs" "$config" >"$log" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$pidfile"
    for _ in $(seq 1 300); do
        if grep -q "^$name ready " "$log"; then
            grep "^$name ready " "$log" | head -n1
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    echo "---- $name did not become ready; its log ($log):" >&2
    cat "$log" >&2
    echo "---- end of $name log" >&2
    kill_pidfile "$pidfile"
    return 1
}

# write_okta_op_config FILE PORT SECRET REDIRECT_BASE...: the okta-op
# configuration: one client zsso-test whose redirect URIs are
# <base>/zsso/callback for every base given (the first base also receives
# back-channel logouts at <base>/zsso/backchannel, by address: Node's
# fetch tries ::1 for localhost, and httpd listens on 127.0.0.1), and the
# three test users.
write_okta_op_config() {
    local file=$1 port=$2 secret=$3 pki=$4
    shift 4
    local redirects="" logouts="" b
    for b in "$@"; do
        redirects+="${redirects:+, }\"$b/zsso/callback\""
        logouts+="${logouts:+, }\"$b/zsso/logged-out\", \"$b/\""
    done
    cat >"$file" <<EOF
{
  "port": $port,
  "cert": "$pki/server.pem",
  "key": "$pki/server.key",
  "clients": [
    { "client_id": "zsso-test", "client_secret": "$secret",
      "backchannel_logout_uri": "${1/localhost/127.0.0.1}/zsso/backchannel",
      "backchannel_logout_session_required": true,
      "redirect_uris": [ $redirects ],
      "post_logout_redirect_uris": [ $logouts ] }
  ],
  "users": [
    { "login": "alice@example.com", "password": "alice-pw", "sub": "00ualice",
      "name": "Alice Example", "given_name": "Alice",
      "family_name": "Example", "email": "alice@example.com",
      "groups": ["Everyone", "console-admins"],
      "assigned_clients": ["zsso-test"] },
    { "login": "bob@example.com", "password": "bob-pw", "sub": "00ubob",
      "name": "Bob Example", "given_name": "Bob", "family_name": "Example",
      "email": "bob@example.com", "groups": ["Everyone", "engineering"],
      "assigned_clients": ["zsso-test"] },
    { "login": "carol@example.com", "password": "carol-pw",
      "sub": "00ucarol", "name": "Carol Example", "given_name": "Carol",
      "family_name": "Example", "email": "carol@example.com",
      "groups": ["Everyone"], "assigned_clients": [] }
  ]
}
EOF
}

# write_org2_config FILE PORT SECRET PKI BASE: a second organisation for
# the multi-organisation tests: okta-op with client zsso-beta (redirect URIs
# under BASE), groups served by userinfo only (as Okta's org server does
# with an access token), dana (assigned, group beta-admins) and erin (not
# assigned).
write_org2_config() {
    local file=$1 port=$2 secret=$3 pki=$4 base=$5
    cat >"$file" <<EOF
{
  "port": $port,
  "cert": "$pki/server.pem",
  "key": "$pki/server.key",
  "groups_in_id_token": false,
  "clients": [
    { "client_id": "zsso-beta", "client_secret": "$secret",
      "redirect_uris": [ "$base/zsso/callback" ],
      "post_logout_redirect_uris": [ "$base/zsso/logged-out", "$base/" ] }
  ],
  "users": [
    { "login": "dana@beta.example", "password": "dana-pw", "sub": "00udana",
      "name": "Dana Beta", "email": "dana@beta.example",
      "groups": ["Everyone", "beta-admins"],
      "assigned_clients": ["zsso-beta"] },
    { "login": "erin@beta.example", "password": "erin-pw", "sub": "00uerin",
      "name": "Erin Beta", "email": "erin@beta.example",
      "groups": ["Everyone"], "assigned_clients": [] }
  ]
}
EOF
}

# write_echo_config FILE PORT: the backend behind mod_proxy.
write_echo_config() {
    printf '{ "port": %s }\n' "$2" >"$1"
}

# write_fake_op_config FILE PORT PKI [CERT]: CERT is the name of the
# certificate and key in PKI (server: from the test CA; rogue-server: from
# another CA).
write_fake_op_config() {
    local file=$1 port=$2 pki=$3 cert=${4:-server}
    cat >"$file" <<EOF
{ "port": $port, "cert": "$pki/$cert.pem", "key": "$pki/$cert.key" }
EOF
}
