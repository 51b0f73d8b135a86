#!/usr/bin/env bash
# smoke.sh — self-check of the test OpenID providers in t/idp/.
#
# Makes a test PKI in a temporary directory, starts okta-op.mjs and
# fake-op.mjs on free loopback ports, and drives both with curl --cacert:
# discovery, keys, fake-op's authorize→token exchange for several modes, and
# okta-op's full login flow with a cookie jar (alice signs in, carol is not
# assigned), then logout. Prints PASS/FAIL lines and "N passed, N failed";
# exits non-zero when anything failed.
#
# Needs: bash, curl, openssl, node >= 20, and the npm packages installed at
# the repository top (npm ci).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
NODE=${NODE:-node}

if [ ! -d "$TOP/node_modules/oidc-provider" ]; then
    echo "FAIL: $TOP/node_modules/oidc-provider missing: run 'npm ci' in $TOP"
    echo "0 passed, 1 failed"
    exit 1
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/zsso-idp-smoke.XXXXXX")
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in "${PIDS[@]}"; do
        wait "$p" 2>/dev/null
    done
    if [ -n "${KEEP:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS: $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
# ok NAME CMD...: PASS when CMD succeeds
ok() {
    local name=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name"; fi
}
# eq NAME GOT WANT
eq() {
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', want '$3')"; fi
}
# has NAME HAYSTACK NEEDLE
has() {
    case "$2" in
        *"$3"*) pass "$1" ;;
        *) fail "$1 ('$3' not in '${2:0:300}')" ;;
    esac
}

util() { "$NODE" "$HERE/smoke-util.mjs" "$@"; }
free_port() { util free-port; }
# qp URL NAME: a query parameter of URL
qp() { util qp "$1" "$2"; }
# abs BASE URL: URL resolved against BASE
abs() { util abs "$1" "$2"; }
jwt() { "$NODE" "$HERE/jwt-tool.mjs" "$@"; }
# jpath FILE EXPR: evaluate EXPR on the JSON in FILE (as `j`)
jpath() { util jpath "$1" "$2"; }

# req [curl args]: sets STATUS, LOC, CTYPE; body in $T/body, headers in $T/hdr
req() {
    STATUS=$(curl -sS --max-time 20 --cacert "$T/pki/ca.pem" -o "$T/body" \
        -D "$T/hdr" -w '%{http_code}' "$@" 2>"$T/curl.err")
    LOC=$(grep -i '^location:' "$T/hdr" | tail -1 | cut -d' ' -f2- | tr -d '\r')
    CTYPE=$(grep -i '^content-type:' "$T/hdr" | tail -1 | cut -d' ' -f2- | tr -d '\r')
    BODY=$(cat "$T/body")
}

# wait_ready LOGFILE WORD PID
wait_ready() {
    local i
    for i in $(seq 1 300); do
        if grep -q "^$2 ready " "$1" 2>/dev/null; then return 0; fi
        if ! kill -0 "$3" 2>/dev/null; then return 1; fi
        sleep 0.1
    done
    return 1
}

# ------------------------------------------------------------------ PKI
if bash "$HERE/gen-pki.sh" "$T/pki" >/dev/null; then
    pass "gen-pki creates the PKI"
else
    fail "gen-pki"
    exit 1
fi
before=$(stat -c %Y "$T/pki/server.pem")
sleep 1
bash "$HERE/gen-pki.sh" "$T/pki" >/dev/null
eq "gen-pki is idempotent" "$(stat -c %Y "$T/pki/server.pem")" "$before"
ok "server.pem chains to ca.pem" \
    openssl verify -CAfile "$T/pki/ca.pem" -purpose sslserver "$T/pki/server.pem"
ok "rogue-server.pem chains to rogue-ca.pem" \
    openssl verify -CAfile "$T/pki/rogue-ca.pem" -purpose sslserver \
    "$T/pki/rogue-server.pem"
if openssl verify -CAfile "$T/pki/ca.pem" "$T/pki/rogue-server.pem" >/dev/null 2>&1; then
    fail "rogue-server.pem must not chain to ca.pem"
else
    pass "rogue-server.pem does not chain to ca.pem"
fi
SAN=$(openssl x509 -in "$T/pki/server.pem" -noout -ext subjectAltName 2>/dev/null)
has "server.pem SAN" "$SAN" "IP Address:127.0.0.1, DNS:localhost"

# ------------------------------------------------------------------ start
OKTA_PORT=$(free_port)
FAKE_PORT=$(free_port)
while [ "$FAKE_PORT" = "$OKTA_PORT" ]; do FAKE_PORT=$(free_port); done
OKTA=https://127.0.0.1:$OKTA_PORT
FAKE=https://127.0.0.1:$FAKE_PORT

"$NODE" -e '
const fs = require("fs");
const [ex, port, dir, out] = process.argv.slice(1);
const c = JSON.parse(fs.readFileSync(ex, "utf8"));
c.port = Number(port); c.cert = dir + "/server.pem"; c.key = dir + "/server.key";
fs.writeFileSync(out, JSON.stringify(c, null, 2));
' "$HERE/okta-op.example.json" "$OKTA_PORT" "$T/pki" "$T/okta.json"
printf '{"port": %s, "cert": "%s", "key": "%s"}\n' "$FAKE_PORT" \
    "$T/pki/server.pem" "$T/pki/server.key" >"$T/fake.json"

"$NODE" "$HERE/okta-op.mjs" "$T/okta.json" >"$T/okta.log" 2>"$T/okta.err" &
PIDS+=($!)
OKTA_PID=$!
"$NODE" "$HERE/fake-op.mjs" "$T/fake.json" >"$T/fake.log" 2>"$T/fake.err" &
PIDS+=($!)
FAKE_PID=$!

for op in okta fake; do
    pid_var=$(echo "$op" | tr a-z A-Z)_PID
    if wait_ready "$T/$op.log" "$op-op" "${!pid_var}"; then
        pass "$op-op ready"
    else
        fail "$op-op did not start: $(cat "$T/$op.err")"
        exit 1
    fi
done
eq "okta-op ready line" "$(head -1 "$T/okta.log")" "okta-op ready $OKTA"
eq "fake-op ready line" "$(head -1 "$T/fake.log")" "fake-op ready $FAKE"

RU=http://localhost:8529/console/zsso/callback
PLRU=http://localhost:8529/console/zsso/logged-out
CID=zsso-test
CSECRET=$(jpath "$HERE/okta-op.example.json" 'j.clients[0].client_secret')

# ================================================================== fake-op
echo "--- fake-op"
req -X POST "$FAKE/control/reset"
eq "fake reset" "$(jpath "$T/body" j.token_requests)" 0
req "$FAKE/.well-known/openid-configuration"; cp "$T/body" "$T/fdisc.json"
eq "fake org discovery 200" "$STATUS" 200
eq "fake org issuer" "$(jpath "$T/fdisc.json" j.issuer)" "$FAKE"
eq "fake org token_endpoint" "$(jpath "$T/fdisc.json" j.token_endpoint)" "$FAKE/oauth2/v1/token"
req "$FAKE/oauth2/default/.well-known/openid-configuration"; cp "$T/body" "$T/fdisc2.json"
eq "fake custom-AS issuer" "$(jpath "$T/fdisc2.json" j.issuer)" "$FAKE/oauth2/default"
eq "fake custom-AS authorize" "$(jpath "$T/fdisc2.json" j.authorization_endpoint)" "$FAKE/oauth2/default/v1/authorize"
eq "fake custom-AS auth methods" "$(jpath "$T/fdisc2.json" j.token_endpoint_auth_methods_supported)" '["client_secret_basic","client_secret_post"]'
req "$FAKE/oauth2/postonly/.well-known/openid-configuration"
eq "fake postonly auth methods" "$(jpath "$T/body" j.token_endpoint_auth_methods_supported)" '["client_secret_post"]'
req "$FAKE/oauth2/badissuer/.well-known/openid-configuration"
eq "fake badissuer issuer is wrong" "$(jpath "$T/body" j.issuer)" "$FAKE/oauth2/other"

req "$FAKE/oauth2/v1/keys"; cp "$T/body" "$T/fkeys.json"
eq "fake keys kids" "$(jpath "$T/fkeys.json" 'j.keys.map(k=>k.kid).join(",")')" "key1,ec1,ps1"
eq "fake key1" "$(jpath "$T/fkeys.json" 'j.keys[0].kty+" "+j.keys[0].alg+" "+j.keys[0].use')" "RSA RS256 sig"
eq "fake ec1" "$(jpath "$T/fkeys.json" 'j.keys[1].kty+" "+j.keys[1].crv')" "EC P-256"

# fake_login MODE [ASID]: authorize for MODE; sets LOC, CODE, VER, STATE_GOT
fake_authorize() {
    local mode=$1 base=$2
    read -r VER CHAL < <("$NODE" "$HERE/pkce.mjs")
    req -G "$base/authorize" --data-urlencode response_type=code --data-urlencode "client_id=$mode" \
        --data-urlencode "redirect_uri=$RU" --data-urlencode "scope=openid profile email groups" \
        --data-urlencode "state=st-$mode" --data-urlencode "nonce=nonce-$mode" \
        --data-urlencode "code_challenge=$CHAL" --data-urlencode code_challenge_method=S256
    CODE=""
    STATE_GOT=""
    if [ -n "$LOC" ]; then CODE=$(qp "$LOC" code); STATE_GOT=$(qp "$LOC" state); fi
}
# fake_token MODE BASE [curl auth args...]: token exchange; body in $T/tok.json
fake_token() {
    local mode=$1 base=$2
    shift 2
    if [ $# -eq 0 ]; then set -- -u "$mode:fake-secret"; fi
    req "$@" --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
        --data-urlencode "redirect_uri=$RU" --data-urlencode "code_verifier=$VER" "$base/token"
    cp "$T/body" "$T/tok.json"
}

FV1=$FAKE/oauth2/v1
req -G "$FV1/authorize" --data-urlencode response_type=code --data-urlencode client_id=good \
    --data-urlencode "redirect_uri=$RU" --data-urlencode scope=openid --data-urlencode state=s
eq "fake authorize without nonce: 400" "$STATUS" 400
eq "fake authorize without nonce: message" "$BODY" "missing nonce"

fake_authorize good "$FV1"
eq "fake good: authorize 302" "$STATUS" 302
has "fake good: redirect to redirect_uri" "$LOC" "$RU?code="
eq "fake good: state" "$STATE_GOT" "st-good"
fake_token good "$FV1"
eq "fake good: token 200" "$STATUS" 200
IDT=$(jpath "$T/tok.json" j.id_token)
eq "fake good: token_type" "$(jpath "$T/tok.json" j.token_type)" Bearer
eq "fake good: header" "$(jwt header "$IDT")" '{"alg":"RS256","kid":"key1","typ":"JWT"}'
eq "fake good: claims" "$(jwt payload "$IDT" | "$NODE" -e 'const p=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log([p.iss,p.sub,p.aud,p.nonce,p.preferred_username,p.groups.join()].join(" "), p.exp-p.iat)')" \
    "$FAKE 00u-good good nonce-good good@fake.example Everyone 3600"
eq "fake good: signature verifies" "$(jwt verify "$IDT" "$T/fkeys.json")" ok
req "$FAKE/control/stats"
eq "fake stats after good" "$BODY" '{"jwks_fetches":1,"discovery_fetches":4,"token_requests":1,"last_token_auth":"basic","last_pkce_ok":true}'
fake_token good "$FV1"
eq "fake good: code is single use" "$STATUS $(jpath "$T/body" j.error)" "400 invalid_grant"

fake_authorize good "$FV1"
VER=$("$NODE" "$HERE/pkce.mjs" | cut -d' ' -f1)
fake_token good "$FV1"
eq "fake: wrong code_verifier" "$STATUS $(jpath "$T/body" j.error)" "400 invalid_grant"
req "$FAKE/control/stats"
eq "fake stats: last_pkce_ok false" "$(jpath "$T/body" j.last_pkce_ok)" false

fake_authorize good "$FV1"
fake_token good "$FV1" -u good:wrong-secret
eq "fake: wrong secret 401" "$STATUS $(jpath "$T/body" j.error)" "401 invalid_client"

FPO=$FAKE/oauth2/postonly/v1
fake_authorize good "$FPO"
fake_token good "$FPO"
eq "fake postonly: basic refused" "$STATUS $(jpath "$T/body" j.error)" "401 invalid_client"
fake_authorize good "$FPO"
fake_token good "$FPO" --data-urlencode client_id=good --data-urlencode client_secret=fake-secret
eq "fake postonly: post accepted" "$STATUS" 200
eq "fake postonly: iss" "$(jwt payload "$(jpath "$T/tok.json" j.id_token)" | "$NODE" -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).iss)')" "$FAKE/oauth2/postonly"
req "$FAKE/control/stats"
eq "fake stats: last_token_auth post" "$(jpath "$T/body" j.last_token_auth)" post

for mode in ps256 es256; do
    fake_authorize "$mode" "$FV1"
    fake_token "$mode" "$FV1"
    IDT=$(jpath "$T/tok.json" j.id_token)
    eq "fake $mode: signature verifies" "$(jwt verify "$IDT" "$T/fkeys.json")" ok
done
fake_authorize bad-sig "$FV1"; fake_token bad-sig "$FV1"
eq "fake bad-sig: signature fails" "$(jwt verify "$(jpath "$T/tok.json" j.id_token)" "$T/fkeys.json")" "bad signature"
fake_authorize hs256-pubkey "$FV1"; fake_token hs256-pubkey "$FV1"
jwt pem "$T/fkeys.json" key1 >"$T/key1.pem"
eq "fake hs256-pubkey: HMAC keyed with key1 PEM" "$(jwt hmac "$(jpath "$T/tok.json" j.id_token)" "$T/key1.pem")" ok
fake_authorize alg-none "$FV1"; fake_token alg-none "$FV1"
IDT=$(jpath "$T/tok.json" j.id_token)
eq "fake alg-none: empty signature" "${IDT##*.}|$(jwt header "$IDT")" '|{"alg":"none","typ":"JWT"}'
fake_authorize multi-aud-no-azp "$FV1"; fake_token multi-aud-no-azp "$FV1"
eq "fake multi-aud-no-azp" "$(jwt payload "$(jpath "$T/tok.json" j.id_token)" | "$NODE" -e 'const p=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(JSON.stringify(p.aud), p.azp)')" '["multi-aud-no-azp","other-client"] undefined'
fake_authorize unknown-kid "$FV1"; fake_token unknown-kid "$FV1"
eq "fake unknown-kid: not in JWKS" "$(jwt verify "$(jpath "$T/tok.json" j.id_token)" "$T/fkeys.json")" "no key unknown-kid-1"

fake_authorize rotate "$FV1"; fake_token rotate "$FV1"
IDT=$(jpath "$T/tok.json" j.id_token)
eq "fake rotate: kid key2" "$(jwt header "$IDT")" '{"alg":"RS256","kid":"key2","typ":"JWT"}'
eq "fake rotate: old JWKS lacks key2" "$(jwt verify "$IDT" "$T/fkeys.json")" "no key key2"
req "$FV1/keys"; cp "$T/body" "$T/fkeys2.json"
eq "fake rotate: JWKS now has key2" \
    "$(jpath "$T/fkeys2.json" 'j.keys.map(k=>k.kid).join(",")')" \
    "key1,ec1,ps1,key2"
eq "fake rotate: verifies with new JWKS" "$(jwt verify "$IDT" "$T/fkeys2.json")" ok

fake_authorize denied "$FV1"
eq "fake denied: error" "$(qp "$LOC" error)|$(qp "$LOC" state)|$CODE" "access_denied|st-denied|"
has "fake denied: description" "$(qp "$LOC" error_description)" "<script>alert(1)</script>"
fake_authorize token-500 "$FV1"; fake_token token-500 "$FV1"
eq "fake token-500" "$STATUS ${CTYPE%%;*}" "500 text/html"
fake_authorize html-token "$FV1"; fake_token html-token "$FV1"
eq "fake html-token" "$STATUS ${CTYPE%%;*} $BODY" "200 text/html <html>oops</html>"
fake_authorize no-id-token "$FV1"; fake_token no-id-token "$FV1"
eq "fake no-id-token" "$STATUS $(jpath "$T/tok.json" 'typeof j.id_token') $(jpath "$T/tok.json" 'typeof j.access_token')" "200 undefined string"

req -X POST "$FAKE/control/reset?keys=1"
req "$FAKE/control/stats"
eq "fake reset zeroes" "$BODY" '{"jwks_fetches":0,"discovery_fetches":0,"token_requests":0,"last_token_auth":"none","last_pkce_ok":false}'

# ================================================================== okta-op
echo "--- okta-op"
req "$OKTA/.well-known/openid-configuration"; cp "$T/body" "$T/odisc.json"
eq "okta discovery 200" "$STATUS" 200
eq "okta issuer" "$(jpath "$T/odisc.json" j.issuer)" "$OKTA"
eq "okta endpoints" "$(jpath "$T/odisc.json" '[j.authorization_endpoint,j.token_endpoint,j.jwks_uri,j.userinfo_endpoint,j.end_session_endpoint,j.revocation_endpoint,j.introspection_endpoint].map(u=>new URL(u).pathname).join(" ")')" \
    "/oauth2/v1/authorize /oauth2/v1/token /oauth2/v1/keys /oauth2/v1/userinfo /oauth2/v1/logout /oauth2/v1/revoke /oauth2/v1/introspect"
has "okta scopes" "$(jpath "$T/odisc.json" j.scopes_supported)" '"openid","profile","email","groups","offline_access"'
req "$OKTA/oauth2/v1/keys"; cp "$T/body" "$T/okeys.json"
eq "okta keys: one RSA RS256 key" "$(jpath "$T/okeys.json" 'j.keys.length+" "+j.keys[0].kty+" "+j.keys[0].alg')" "1 RSA RS256"

# okta_authorize JAR: starts a login; sets LOC, VER, NONCE, STATE
okta_authorize() {
    local jar=$1
    read -r VER CHAL < <("$NODE" "$HERE/pkce.mjs")
    STATE=st-$RANDOM$RANDOM
    NONCE=n-$RANDOM$RANDOM
    req -b "$jar" -c "$jar" -G "$OKTA/oauth2/v1/authorize" --data-urlencode response_type=code \
        --data-urlencode "client_id=$CID" --data-urlencode "redirect_uri=$RU" \
        --data-urlencode "scope=openid profile email groups" --data-urlencode "state=$STATE" \
        --data-urlencode "nonce=$NONCE" --data-urlencode "code_challenge=$CHAL" \
        --data-urlencode code_challenge_method=S256
}

# alice
JAR=$T/alice.jar
okta_authorize "$JAR"
eq "okta authorize: 303" "$STATUS" 303
has "okta authorize: to the interaction" "$LOC" "/interaction/"
FORM_URL=$(abs "$OKTA" "$LOC")
req -b "$JAR" -c "$JAR" "$FORM_URL"
eq "okta login form: 200" "$STATUS" 200
has "okta login form: title" "$BODY" "<title>Sign In</title>"
ACTION=$(printf '%s' "$BODY" | sed -n 's/.*<form method="post" action="\([^"]*\)".*/\1/p')
has "okta login form: action" "$ACTION" "/interaction/"
has "okta login form: login input" "$BODY" 'name="login"'
has "okta login form: password input" "$BODY" 'name="password"'
ACTION=$(abs "$OKTA" "$ACTION")
req -b "$JAR" -c "$JAR" --data-urlencode login=alice@example.com --data-urlencode password=nope "$ACTION"
eq "okta wrong password: 200" "$STATUS" 200
has "okta wrong password: message" "$BODY" "Sign in failed"
req -b "$JAR" -c "$JAR" --data-urlencode login=alice@example.com --data-urlencode password=alice-pw "$ACTION"
eq "okta login: 303" "$STATUS" 303
has "okta login: back to authorize" "$LOC" "$OKTA/oauth2/v1/authorize/"
req -b "$JAR" -c "$JAR" "$LOC"
eq "okta resume: 303" "$STATUS" 303
has "okta resume: to redirect_uri" "$LOC" "$RU?code="
eq "okta resume: state" "$(qp "$LOC" state)" "$STATE"
CODE=$(qp "$LOC" code)
req -u "$CID:$CSECRET" --data-urlencode grant_type=authorization_code --data-urlencode "code=$CODE" \
    --data-urlencode "redirect_uri=$RU" --data-urlencode "code_verifier=$VER" "$OKTA/oauth2/v1/token"
cp "$T/body" "$T/otok.json"
eq "okta token: 200" "$STATUS" 200
IDT=$(jpath "$T/otok.json" j.id_token)
eq "okta id_token signature" "$(jwt verify "$IDT" "$T/okeys.json")" ok
jwt payload "$IDT" >"$T/oidt.json"
eq "okta id_token iss/aud/nonce" "$(jpath "$T/oidt.json" '[j.iss,j.aud,j.nonce,j.sub].join(" ")')" "$OKTA $CID $NONCE 00ualice"
eq "okta id_token preferred_username" "$(jpath "$T/oidt.json" j.preferred_username)" "alice@example.com"
eq "okta id_token email" "$(jpath "$T/oidt.json" j.email)" "alice@example.com"
eq "okta id_token groups" "$(jpath "$T/oidt.json" j.groups)" '["Everyone","console-admins"]'
eq "okta id_token name" "$(jpath "$T/oidt.json" j.name)" "Alice Example"
AT=$(jpath "$T/otok.json" j.access_token)
req -H "Authorization: Bearer $AT" "$OKTA/oauth2/v1/userinfo"
eq "okta userinfo" "$STATUS $(jpath "$T/body" j.preferred_username)" "200 alice@example.com"
req -u "$CID:$CSECRET" --data-urlencode "token=$AT" "$OKTA/oauth2/v1/introspect"
eq "okta introspect" "$STATUS $(jpath "$T/body" j.active) $(jpath "$T/body" j.sub)" "200 true 00ualice"
OLDCODE=$CODE
OLDVER=$VER

# single sign-on: the session cookie skips the login form
okta_authorize "$JAR"
eq "okta SSO: straight to redirect_uri" "$STATUS $(qp "$LOC" state)" "303 $STATE"
has "okta SSO: code" "$LOC" "$RU?code="

# replaying a code fails, and (as the spec asks) revokes what it granted
req -u "$CID:$CSECRET" --data-urlencode grant_type=authorization_code --data-urlencode "code=$OLDCODE" \
    --data-urlencode "redirect_uri=$RU" --data-urlencode "code_verifier=$OLDVER" "$OKTA/oauth2/v1/token"
eq "okta code is single use" "$STATUS $(jpath "$T/body" j.error)" "400 invalid_grant"
req -H "Authorization: Bearer $AT" "$OKTA/oauth2/v1/userinfo"
eq "okta replay revoked the access token" "$STATUS" 401
# the grant is gone but the session is not: consent is given again without a page
okta_authorize "$JAR"
has "okta re-consent: interaction" "$STATUS $LOC" "303 /interaction/"
req -b "$JAR" -c "$JAR" "$(abs "$OKTA" "$LOC")"
has "okta re-consent: no page, back to authorize" "$STATUS $LOC" "303 $OKTA/oauth2/v1/authorize/"
req -b "$JAR" -c "$JAR" "$LOC"
eq "okta re-consent: code" "$STATUS $(qp "$LOC" state) $([ -n "$(qp "$LOC" code)" ] && echo code)" "303 $STATE code"

# logout (RP-initiated, with the confirmation page)
req -b "$JAR" -c "$JAR" -G "$OKTA/oauth2/v1/logout" --data-urlencode "id_token_hint=$IDT" \
    --data-urlencode "post_logout_redirect_uri=$PLRU" --data-urlencode state=bye
eq "okta logout page: 200" "$STATUS" 200
XSRF=$(printf '%s' "$BODY" | sed -n 's/.*name="xsrf" value="\([^"]*\)".*/\1/p')
LACTION=$(printf '%s' "$BODY" | sed -n 's/.*<form id="op.logoutForm" method="post" action="\([^"]*\)".*/\1/p')
has "okta logout page: confirm form" "$LACTION" "/oauth2/v1/logout/confirm"
req -b "$JAR" -c "$JAR" --data-urlencode "xsrf=$XSRF" --data-urlencode logout=yes "$(abs "$OKTA" "$LACTION")"
eq "okta logout: redirect" "$STATUS $LOC" "303 $PLRU?state=bye"
okta_authorize "$JAR"
has "okta after logout: login form again" "$STATUS $LOC" "303 /interaction/"

# carol: not assigned to the app
JAR=$T/carol.jar
okta_authorize "$JAR"
req -b "$JAR" -c "$JAR" "$(abs "$OKTA" "$LOC")"
ACTION=$(abs "$OKTA" "$(printf '%s' "$BODY" | sed -n 's/.*<form method="post" action="\([^"]*\)".*/\1/p')")
req -b "$JAR" -c "$JAR" --data-urlencode login=carol@example.com --data-urlencode password=carol-pw "$ACTION"
req -b "$JAR" -c "$JAR" "$LOC"
eq "okta carol: redirect to redirect_uri" "${LOC%%\?*}" "$RU"
eq "okta carol: access_denied" "$(qp "$LOC" error)|$(qp "$LOC" state)|$(qp "$LOC" code)" "access_denied|$STATE|"
eq "okta carol: description" "$(qp "$LOC" error_description)" "User is not assigned to the client application."

# PKCE is required
req -G "$OKTA/oauth2/v1/authorize" --data-urlencode response_type=code --data-urlencode "client_id=$CID" \
    --data-urlencode "redirect_uri=$RU" --data-urlencode scope=openid --data-urlencode state=s1 --data-urlencode nonce=n1
eq "okta: authorize without PKCE refused" "$(qp "$LOC" error)" invalid_request

# an unregistered redirect_uri is not redirected to
req -G "$OKTA/oauth2/v1/authorize" --data-urlencode response_type=code --data-urlencode "client_id=$CID" \
    --data-urlencode "redirect_uri=http://localhost:9/evil" --data-urlencode scope=openid --data-urlencode state=s1 \
    --data-urlencode nonce=n1 --data-urlencode code_challenge=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa --data-urlencode code_challenge_method=S256
eq "okta: unregistered redirect_uri -> 400 page" "$STATUS $LOC" "400 "

# request log lines
ok "okta-op logs request lines" grep -qx "GET /oauth2/v1/keys" "$T/okta.log"

# ------------------------------------------------------------------ stop
kill -TERM "$OKTA_PID" "$FAKE_PID"
rc1=0; rc2=0
wait "$OKTA_PID" || rc1=$?
wait "$FAKE_PID" || rc2=$?
PIDS=()
eq "okta-op exits 0 on SIGTERM" "$rc1" 0
eq "fake-op exits 0 on SIGTERM" "$rc2" 0
if [ -s "$T/okta.err" ] && grep -v 'oidc-provider WARNING' "$T/okta.err" | grep -q .; then
    echo "--- okta-op stderr:"; grep -v 'oidc-provider WARNING' "$T/okta.err"
fi
if [ -s "$T/fake.err" ]; then echo "--- fake-op stderr:"; cat "$T/fake.err"; fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
