#!/usr/bin/env bash
# scripts/demo.sh — see mod_zsso work on this machine, end to end.
#
#   scripts/demo.sh         install what is missing, build, start an OpenID
#                           provider (okta-op) and httpd on
#                           http://localhost:8080 with /console/ behind SSO,
#                           sign in once as alice to prove it works, then
#                           print the URL and the test users
#   scripts/demo.sh stop    stop both
#
# Everything the demo writes lives in $ZSSO_DEMO_DIR (default
# /tmp/zsso-demo-<user>): httpd.conf, logs, the provider's configuration and
# the test PKI.  Ports: $ZSSO_DEMO_PORT (8080) and $ZSSO_DEMO_OP_PORT (18543).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

TOP=$PWD
DEMO_DIR=${ZSSO_DEMO_DIR:-${TMPDIR:-/tmp}/zsso-demo-$(id -un)}
DEMO_PORT=${ZSSO_DEMO_PORT:-8080}
DEMO_OP_PORT=${ZSSO_DEMO_OP_PORT:-18543}
HTTPD=${HTTPD:-/usr/sbin/apache2}
APXS=${APXS:-/usr/bin/apxs}
RP=http://localhost:$DEMO_PORT

stop_demo() {
    if [ -f "$DEMO_DIR/httpd.pid" ]; then
        "$HTTPD" -f "$DEMO_DIR/httpd.conf" -k stop >/dev/null 2>&1 || true
        sleep 1
    fi
    kill_pidfile "$DEMO_DIR/httpd.pid"
    kill_pidfile "$DEMO_DIR/okta-op.pid"
}

case "${1:-start}" in
    stop)
        stop_demo
        echo "demo stopped"
        exit 0
        ;;
    start) ;;
    *)
        echo "usage: $0 [start|stop]" >&2
        exit 2
        ;;
esac

section "packages"
# shellcheck disable=SC2119  # no extra packages for the demo
install_packages

section "build"
npm_install
build_module

section "demo files in $DEMO_DIR"
stop_demo
mkdir -p "$DEMO_DIR/logs" "$DEMO_DIR/cgi-bin" "$DEMO_DIR/htdocs"
chmod 0755 "$DEMO_DIR" "$DEMO_DIR/cgi-bin" "$DEMO_DIR/htdocs"
gen_pki "$DEMO_DIR/pki"
[ -f "$DEMO_DIR/client_secret" ] \
    || random_token | tr -d '\n' >"$DEMO_DIR/client_secret"
run_user_lines=""
if [ "$(id -u)" -eq 0 ]; then
    # httpd's children must not run as root: Debian's www-data.
    run_user_lines=$'User www-data\nGroup www-data'
    chgrp www-data "$DEMO_DIR/client_secret"
fi
chmod 0640 "$DEMO_DIR/client_secret"
moddir=$("$APXS" -q LIBEXECDIR)

cat >"$DEMO_DIR/cgi-bin/console.cgi" <<'EOF'
#!/bin/sh
# The sample console: who is signed in, with which role.
esc() { printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
cat <<PAGE
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Console</title></head>
<body>
<h1>Database console</h1>
<p id="who">Signed in as $(esc "$REMOTE_USER"), role $(esc "$ZSSO_ROLE")</p>
<ul>
<li>Name: $(esc "$ZSSO_NAME")</li>
<li>Email: $(esc "$ZSSO_EMAIL")</li>
<li>Groups: $(esc "$ZSSO_GROUPS")</li>
<li>Issuer: $(esc "$ZSSO_ISSUER")</li>
</ul>
<p><a href="/console/zsso/logout">Sign out</a></p>
</body></html>
PAGE
EOF
chmod 0755 "$DEMO_DIR/cgi-bin/console.cgi"
cat >"$DEMO_DIR/htdocs/index.html" <<EOF
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mod_zsso demo</title></head>
<body><p><a href="/console/">Open the console</a> (single sign-on)</p></body>
</html>
EOF

cat >"$DEMO_DIR/httpd.conf" <<EOF
# mod_zsso demo server, written by scripts/demo.sh
ServerRoot "$DEMO_DIR"
ServerName localhost:$DEMO_PORT
Listen 127.0.0.1:$DEMO_PORT
PidFile "$DEMO_DIR/httpd.pid"
DefaultRuntimeDir "$DEMO_DIR/logs"
ErrorLog "$DEMO_DIR/logs/error_log"
LogLevel notice
LogFormat "%h %l %u %t \"%r\" %>s %b" common
CustomLog "$DEMO_DIR/logs/access_log" common
$run_user_lines

LoadModule mpm_event_module "$moddir/mod_mpm_event.so"
LoadModule authn_core_module "$moddir/mod_authn_core.so"
LoadModule authz_core_module "$moddir/mod_authz_core.so"
LoadModule authz_user_module "$moddir/mod_authz_user.so"
LoadModule alias_module "$moddir/mod_alias.so"
LoadModule mime_module "$moddir/mod_mime.so"
LoadModule dir_module "$moddir/mod_dir.so"
LoadModule cgid_module "$moddir/mod_cgid.so"
LoadModule socache_shmcb_module "$moddir/mod_socache_shmcb.so"
LoadModule zsso_module "$TOP/.libs/mod_zsso.so"
ScriptSock "$DEMO_DIR/logs/cgisock"
TypesConfig /etc/mime.types

DocumentRoot "$DEMO_DIR/htdocs"
<Directory "$DEMO_DIR/htdocs">
    Require all granted
</Directory>

ZSSORoleMap      console-admins "Console Admin"

ScriptAliasMatch "^/console/\$" "$DEMO_DIR/cgi-bin/console.cgi"
<Directory "$DEMO_DIR/cgi-bin">
    Options +ExecCGI
    Require all granted
</Directory>
<Location /console>
    # The three facts from the Okta admin console (here: the local okta-op).
    ZSSOOktaDomain   127.0.0.1:$DEMO_OP_PORT
    ZSSOClientID     zsso-test
    ZSSOClientSecret "file:$DEMO_DIR/client_secret"
    # okta-op's certificate comes from a test CA.
    ZSSOCAFile       "$DEMO_DIR/pki/ca.pem"
    AuthType zsso
    Require valid-user
</Location>
EOF

# From here on, a failure stops what was started.
ready=0
# shellcheck disable=SC2317  # called by the EXIT trap
on_exit() {
    if [ "$ready" != 1 ]; then
        stop_demo
    fi
}
trap on_exit EXIT

section "OpenID provider (okta-op on 127.0.0.1:$DEMO_OP_PORT)"
write_okta_op_config "$DEMO_DIR/okta-op.json" "$DEMO_OP_PORT" \
    "$(cat "$DEMO_DIR/client_secret")" "$DEMO_DIR/pki" "$RP/console"
start_provider okta-op "$DEMO_DIR/okta-op.json" "$DEMO_DIR/okta-op.log" \
    "$DEMO_DIR/okta-op.pid"

section "httpd on $RP"
"$HTTPD" -t -f "$DEMO_DIR/httpd.conf"
: >"$DEMO_DIR/logs/error_log"
if ! "$HTTPD" -f "$DEMO_DIR/httpd.conf" -k start; then
    tail -n 30 "$DEMO_DIR/logs/error_log" >&2 || true
    die "httpd did not start"
fi
for _ in $(seq 1 50); do
    curl -s -o /dev/null "$RP/" && break
    sleep 0.2
done

section "one login as alice, scripted"
if ! ZSSO_RP_URL=$RP ZSSO_TEST_CA="$DEMO_DIR/pki/ca.pem" \
    perl -I"$TOP/t/lib" -MZssoTest=login -e '
        my ($res, $ua, $hops) = login("alice\@example.com", "alice-pw",
                                      "/console/");
        for my $h (@$hops) {
            (my $u = $h->request->uri) =~ s/\?.*//;
            printf "  %-4s %s => %s\n", $h->request->method, $u, $h->code;
        }
        my $body = $res->decoded_content // "";
        if ($res->code == 200
            && $body =~ /Signed in as alice\@example\.com, role ([^<]+)/) {
            print "console says: Signed in as alice\@example.com, role $1\n";
            exit 0;
        }
        print "console did not show alice:\n$body\n";
        exit 1;'; then
    echo "---- $DEMO_DIR/logs/error_log" >&2
    tail -n 30 "$DEMO_DIR/logs/error_log" >&2 || true
    die "the scripted login failed"
fi

login_url=$(grep -o 'SSO login URL[^/]*http[^ ,;"]*' \
    "$DEMO_DIR/logs/error_log" \
    | head -n 1 | grep -o 'http[^ ,;"]*' || true)
: "${login_url:=$RP/console/zsso/login}"
redirect_uri=$(grep -o 'sign-in redirect URI[^/]*http[^ ,;"]*' \
    "$DEMO_DIR/logs/error_log" | head -n 1 | grep -o 'http[^ ,;"]*' || true)

ready=1
section "ready"
cat <<EOF
ready
  open:            $RP/console/
  SSO login URL:   $login_url
  redirect URI:    ${redirect_uri:-$RP/console/zsso/callback}
  provider:        https://127.0.0.1:$DEMO_OP_PORT (okta-op; its certificate
                   comes from the test CA $DEMO_DIR/pki/ca.pem, which
                   a browser does not know: accept it once or import it)
  users:           alice@example.com / alice-pw   (role Console Admin)
                   bob@example.com   / bob-pw     (role Organization Member)
                   carol@example.com / carol-pw   (not assigned: refused)
  logs:            $DEMO_DIR/logs/error_log, $DEMO_DIR/okta-op.log
  stop with:       $0 stop
EOF
