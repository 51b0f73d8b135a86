#!/usr/bin/env bash
# gen-pki.sh OUTDIR
#
# Test-only PKI for the mod_zsso test providers (t/idp/okta-op.mjs,
# t/idp/fake-op.mjs). Creates in OUTDIR:
#   ca.pem ca.key                 a test CA (30 days)
#   server.pem server.key         signed by that CA; SAN IP:127.0.0.1,
#                                 DNS:localhost; EKU serverAuth
#   rogue-ca.pem rogue-ca.key     another CA
#   rogue-server.pem rogue-server.key
#                                 a server cert for the same names, signed by
#                                 the rogue CA ("certificate from another CA")
# Idempotent: does nothing when every file exists, the certificates chain and
# match their keys, and none expires within a day. Otherwise it regenerates
# the whole set. Everything is world-readable (keys too: test-only).
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
OUT=$1
DAYS=30
command -v openssl >/dev/null || { echo "gen-pki: openssl not found" >&2; exit 2; }

mkdir -p "$OUT"
chmod 0755 "$OUT" 2>/dev/null || true

pubkey_of_cert() { openssl x509 -in "$1" -noout -pubkey 2>/dev/null; }
pubkey_of_key()  { openssl pkey -in "$1" -pubout 2>/dev/null; }

# valid CERT KEY [CAFILE]: exists, not expiring within a day, matches KEY,
# chains to CAFILE (if given).
valid() {
    local cert=$1 key=$2 ca=${3:-}
    [ -s "$cert" ] && [ -s "$key" ] || return 1
    openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null 2>&1 || return 1
    [ "$(pubkey_of_cert "$cert")" = "$(pubkey_of_key "$key")" ] || return 1
    if [ -n "$ca" ]; then
        openssl verify -CAfile "$ca" -purpose sslserver "$cert" >/dev/null 2>&1 || return 1
    fi
    return 0
}

all_valid() {
    valid "$OUT/ca.pem" "$OUT/ca.key" &&
    valid "$OUT/server.pem" "$OUT/server.key" "$OUT/ca.pem" &&
    valid "$OUT/rogue-ca.pem" "$OUT/rogue-ca.key" &&
    valid "$OUT/rogue-server.pem" "$OUT/rogue-server.key" "$OUT/rogue-ca.pem"
}

# Serialize concurrent runs on the same OUTDIR.
exec 9>"$OUT/.gen-pki.lock"
if command -v flock >/dev/null; then flock 9; fi

if all_valid; then
    exit 0
fi

TMP=$(mktemp -d "$OUT/.gen-pki.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# make_ca NAME CN
make_ca() {
    local name=$1 cn=$2
    openssl req -x509 -new -newkey rsa:2048 -nodes -sha256 -days "$DAYS" \
        -keyout "$TMP/$name.key" -out "$TMP/$name.pem" \
        -subj "/O=mod_zsso tests/CN=$cn" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" >/dev/null 2>&1
}

# make_server NAME CANAME
make_server() {
    local name=$1 ca=$2
    openssl req -new -newkey rsa:2048 -nodes -sha256 \
        -keyout "$TMP/$name.key" -out "$TMP/$name.csr" \
        -subj "/O=mod_zsso tests/CN=127.0.0.1" >/dev/null 2>&1
    cat >"$TMP/$name.ext" <<'EOF'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
    openssl x509 -req -sha256 -days "$DAYS" -in "$TMP/$name.csr" \
        -CA "$TMP/$ca.pem" -CAkey "$TMP/$ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" \
        -extfile "$TMP/$name.ext" -out "$TMP/$name.pem" >/dev/null 2>&1
}

make_ca ca "mod_zsso test CA"
make_server server ca
make_ca rogue-ca "mod_zsso rogue test CA"
make_server rogue-server rogue-ca

for f in ca.pem ca.key server.pem server.key \
         rogue-ca.pem rogue-ca.key rogue-server.pem rogue-server.key; do
    chmod 0644 "$TMP/$f"
    mv -f "$TMP/$f" "$OUT/$f"
done

if ! all_valid; then
    echo "gen-pki: generated files do not verify" >&2
    exit 1
fi
echo "gen-pki: new test PKI in $OUT"
