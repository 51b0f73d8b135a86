// make-seeds.mjs - writes the seed corpora of t/fuzz/corpus/ and
// fuzz_keys.h from the test-only keys in t/fuzz/keys/.
//
//   node t/fuzz/make-seeds.mjs        (from the top of the tree)
//
// The seeds are committed; run this again only to change them (it
// rewrites all of them, and IVs, ECDSA and PSS signatures come out new). Tokens are
// signed the way a provider signs them, sealed cookies are sealed the way
// crypto.c seals them (AES-256-GCM, IV || ciphertext || tag, base64url),
// with the key the fuzz targets derive from the same passphrase.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const dir = path.dirname(new URL(import.meta.url).pathname);
const corpus = path.join(dir, 'corpus');

// Shared with the targets (fuzz_keys.h carries them to C).
const ISSUER = 'https://example.okta.com';
const CLIENT = '0oa1example';
const NONCE = 'n-0S6_WzA2Mj';
const NOW = 1700000000;
const PASSPHRASE = 'fuzz passphrase';

const b64u = (b) => Buffer.from(b).toString('base64url');
const key = (name) =>
    crypto.createPrivateKey(fs.readFileSync(path.join(dir, 'keys', name)));
const rsa1 = key('rsa1.pem');
const ec1 = key('ec1.pem');
const rsa1024 = key('rsa1024.pem');

function jwkOf(k, kid, extra = {}) {
    const pub = crypto.createPublicKey(k).export({ format: 'jwk' });
    return { kid, use: 'sig', ...pub, ...extra };
}

// alg: RS256, PS256, ES256; 'ES256/der' keeps OpenSSL's DER signature.
function sign(alg, k, input) {
    const data = Buffer.from(input);
    if (alg === 'RS256') {
        return crypto.sign('sha256', data, k);
    }
    if (alg === 'PS256') {
        return crypto.sign('sha256', data, {
            key: k, padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
            saltLength: 32 });
    }
    return crypto.sign('sha256', data, {
        key: k, dsaEncoding: alg === 'ES256/der' ? 'der' : 'ieee-p1363' });
}

function jws(header, claims, k, alg = header.alg) {
    const input = b64u(JSON.stringify(header)) + '.'
        + b64u(typeof claims === 'string' ? claims : JSON.stringify(claims));
    return input + '.' + b64u(k ? sign(alg, k, input) : '');
}

function claims(extra = {}) {
    return { ver: 1, iss: ISSUER, sub: '00u1abcdEFGHijkl0x7', aud: CLIENT,
             iat: NOW - 10, exp: NOW + 3590, jti: 'ID.abc', amr: ['pwd'],
             idp: '00o1example', nonce: NONCE, name: 'Alice Example',
             preferred_username: 'alice@example.com', auth_time: NOW - 20,
             at_hash: 'x4Uu1kOsdGZOUFVcT1U3ZQ',
             groups: ['Everyone', 'console-admins'], ...extra };
}

function write(target, name, content) {
    const d = path.join(corpus, target);
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, name), content);
}

function writeAll(target, list) {
    list.forEach((v, i) => write(target, String(i).padStart(2, '0'), v));
}

// ------------------------------------------------------------ keys
// No "alg" on rsa1: it verifies both RS256 and PS256 tokens.
const jwks = { keys: [jwkOf(rsa1, 'rsa1'), jwkOf(ec1, 'ec1')] };
const tokRS = jws({ alg: 'RS256', kid: 'rsa1' }, claims(), rsa1);
const tokPS = jws({ alg: 'PS256', kid: 'rsa1', typ: 'JWT' }, claims(), rsa1);
const tokES = jws({ alg: 'ES256', kid: 'ec1' }, claims(), ec1);
// A C string literal in lines of about 70 characters, never cut inside
// an escape sequence.
function cstr(s) {
    const parts = [];
    let line = '';
    for (const ch of s) {
        const esc = JSON.stringify(ch).slice(1, -1);
        if (line.length + esc.length > 70) {
            parts.push(line);
            line = '';
        }
        line += esc;
    }
    parts.push(line);
    return parts.map((l) => '"' + l + '"').join('\n    ');
}
fs.writeFileSync(path.join(dir, 'fuzz_keys.h'), `/*
 * fuzz_keys.h - written by make-seeds.mjs: the public keys of the test-only
 * keys in t/fuzz/keys/ as a JWK Set, tokens they signed, and the values
 * the seeds were made with. Do not edit; run make-seeds.mjs.
 */
#ifndef ZSSO_FUZZ_KEYS_H
#define ZSSO_FUZZ_KEYS_H

#define FUZZ_ISSUER     "${ISSUER}"
#define FUZZ_CLIENT     "${CLIENT}"
#define FUZZ_NONCE      "${NONCE}"
#define FUZZ_NOW        ${NOW}
#define FUZZ_PASSPHRASE "${PASSPHRASE}"

static const char fuzz_jwks[] =
    ${cstr(JSON.stringify(jwks))};

/* Signed by rsa1 (RS256, PS256) and ec1 (ES256). */
static const char *const fuzz_tokens[] = {
    ${cstr(tokRS)},
    ${cstr(tokPS)},
    ${cstr(tokES)}
};

#endif
`);

// ------------------------------------------------------------ fuzz_jws
const hdrRS = { alg: 'RS256', kid: 'rsa1' };
const flip = (t) => t.slice(0, -5) + (t.at(-5) === 'A' ? 'B' : 'A') + t.slice(-4);
writeAll('fuzz_jws', [
    tokRS, tokPS, tokES,
    jws({ alg: 'ES256', kid: 'ec1' }, claims(), ec1, 'ES256/der'),
    flip(tokRS),
    jws({ alg: 'RS256' }, claims(), rsa1),                 // no kid, 2 keys
    jws({ alg: 'RS256', kid: 'nope' }, claims(), rsa1),
    jws({ alg: 'RS256', kid: 'ec1' }, claims(), rsa1),     // key type
    jws({ alg: 'ES256', kid: 'rsa1' }, claims(), ec1),
    jws({ alg: 'PS256', kid: 'rsa1' }, claims(), rsa1, 'RS256'),
    jws({ alg: 'none' }, claims(), null),
    jws({ alg: 'HS256', kid: 'rsa1' }, claims(), null) + 'c2lnbmF0dXJl',
    jws({ ...hdrRS, crit: ['exp'] }, claims(), rsa1),
    jws({ ...hdrRS, jku: 'https://evil.example/keys',
          jwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB' } }, claims(), rsa1),
    jws({ alg: 'RS256', kid: 7 }, claims(), rsa1),
    jws(hdrRS, '{"sub":"a","sub":"b"}', rsa1),              // duplicate
    jws(hdrRS, '[1,2,3]', rsa1),
    jws(hdrRS, claims({ nested: [[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]] }), rsa1),
    'eyJhbGciOiJSUzI1NiJ9.e30.',
    'eyJhbGciOiJSUzI1NiJ9.e30',
    'a.b.c.d',
    tokRS.replace(/\./, '=.'),
]);

// The same target reads "header\npayload\nsignature" unencoded.
function parts(header, payload, k, alg = header.alg) {
    const h = JSON.stringify(header);
    const input = b64u(h) + '.' + b64u(payload);
    return Buffer.concat([Buffer.from(h + '\n' + payload + '\n'),
                          k ? sign(alg, k, input) : Buffer.alloc(0)]);
}
const seedJws = (name, v) => write('fuzz_jws', name, v);
seedJws('parts-rs256', parts(hdrRS, JSON.stringify(claims()), rsa1));
seedJws('parts-ps256', parts({ alg: 'PS256', kid: 'rsa1' },
                             JSON.stringify(claims()), rsa1));
seedJws('parts-es256', parts({ alg: 'ES256', kid: 'ec1' },
                             JSON.stringify(claims()), ec1));
seedJws('parts-crit', parts({ ...hdrRS, crit: ['b64'], b64: false },
                            JSON.stringify(claims()), rsa1));
seedJws('parts-alg-none', parts({ alg: 'none' }, '{}', null));
seedJws('parts-kid-null', parts({ alg: 'RS256', kid: null }, '{}', rsa1));

// ------------------------------------------------------------ fuzz_jwks
const okta = { keys: [jwkOf(rsa1, 'rsa1', { alg: 'RS256' }),
                      jwkOf(rsa1024, 'old', { alg: 'RS256' })] };
const ecj = jwkOf(ec1, 'ec1');
writeAll('fuzz_jwks', [
    JSON.stringify(jwks),
    JSON.stringify(okta),
    JSON.stringify({ keys: [ecj] }),
    JSON.stringify({ keys: [{ ...ecj, use: 'enc' },
                            { ...jwkOf(rsa1, 'rsa1'), key_ops: ['verify'] }] }),
    JSON.stringify({ keys: [{ ...jwkOf(rsa1, 'rsa1'), key_ops: ['sign'] }] }),
    JSON.stringify({ keys: [{ ...ecj, crv: 'P-384' }] }),
    JSON.stringify({ keys: [{ ...ecj, x: ecj.x.slice(0, -2) }] }),
    JSON.stringify({ keys: [{ ...ecj, y: ecj.x }] }),          // off curve
    JSON.stringify({ keys: [{ ...jwkOf(rsa1, 'rsa1'), e: 'Ag' }] }),
    JSON.stringify({ keys: [{ ...jwkOf(rsa1, 'rsa1'), e: 'AQ' }] }),
    JSON.stringify({ keys: [{ ...jwkOf(rsa1, 'rsa1'), alg: 'HS256' }] }),
    JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'rsa1' }] }),
    JSON.stringify({ keys: [{ ...jwkOf(rsa1, 'rsa1'), kid: 5 }] }),
    JSON.stringify({ keys: [jwkOf(rsa1, 'rsa1'), jwkOf(rsa1, 'rsa1')] }),
    JSON.stringify({ keys: {} }),
    JSON.stringify({ keys: [1] }),
    JSON.stringify({ keys: [] }),
    '{"keys":[{"kty":"RSA","n":"","e":"AQAB"}]}',
    JSON.stringify({ keys: Array.from({ length: 70 }, (_, i) =>
        ({ kty: 'EC', kid: 'k' + i, crv: 'P-256', x: ecj.x, y: ecj.y })) }),
]);

// ------------------------------------------------------------ fuzz_idtoken
writeAll('fuzz_idtoken', [
    JSON.stringify(claims()),
    JSON.stringify(claims({ aud: [CLIENT, 'other'], azp: CLIENT })),
    JSON.stringify(claims({ aud: [CLIENT, 'other'] })),
    JSON.stringify(claims({ azp: 'other' })),
    JSON.stringify(claims({ aud: [] })),
    JSON.stringify(claims({ aud: [CLIENT, 1] })),
    JSON.stringify(claims({ iss: ISSUER + '/' })),
    JSON.stringify(claims({ exp: NOW - 61 })),
    JSON.stringify(claims({ exp: NOW + 0.5 })),
    '{"iss":"' + ISSUER + '","aud":"' + CLIENT + '","exp":1e300,"iat":'
        + NOW + ',"nonce":"' + NONCE + '","sub":"x"}',
    JSON.stringify(claims({ exp: 9007199254740993 })),
    JSON.stringify(claims({ iat: NOW + 120 })),
    JSON.stringify(claims({ nbf: NOW + 120 })),
    JSON.stringify(claims({ nbf: 'soon' })),
    JSON.stringify(claims({ nonce: NONCE + 'x' })),
    JSON.stringify(claims({ nonce: null })),
    JSON.stringify(claims({ sub: '' })),
    JSON.stringify(claims({ sub: 'a'.repeat(256) })),
    JSON.stringify(claims({ sub: 42 })),
]);

// ------------------------------------------------------------ fuzz_json
writeAll('fuzz_json', [
    JSON.stringify({ s: 'abc', n: 'def', v: 'ghi', r: '/console/x?y=1',
                     t: NOW }),
    JSON.stringify({ iss: ISSUER, cid: CLIENT, base: '/console',
                     sub: '00u1', user: 'alice', groups: ['a', 'b'],
                     created: NOW, touched: NOW, idt: tokRS }),
    JSON.stringify({ issuer: ISSUER,
                     authorization_endpoint: ISSUER + '/oauth2/v1/authorize',
                     token_endpoint: ISSUER + '/oauth2/v1/token',
                     jwks_uri: ISSUER + '/oauth2/v1/keys',
                     id_token_signing_alg_values_supported: ['RS256'] }),
    JSON.stringify({ token_type: 'Bearer', expires_in: 3600,
                     access_token: 'eyJ.x.y', scope: 'openid',
                     id_token: tokRS }),
    '{"a":' + '['.repeat(15) + ']'.repeat(15) + '}',
    '{"a":' + '['.repeat(16) + ']'.repeat(16) + '}',
    '{"a":1,"a":2}',
    '{"a":"\\u0000"}',
    '{"a":"\\ud800"}',
    '{"exp":-9007199254740992,"iat":9007199254740993,"nbf":1.5e308,'
        + '"x":-0.0,"y":true,"z":null}',
    '{} ',
    '{}x',
    '[]',
    '{"aud":["a",{"b":[]}],"keys":[{},{"k":1}]}',
]);

// ------------------------------------------------------------ fuzz_unseal
// crypto.c: HKDF-SHA256(passphrase, no salt, info = label), AES-256-GCM.
const stateKey = Buffer.from(crypto.hkdfSync('sha256', PASSPHRASE,
    Buffer.alloc(0), 'zsso state v1', 32));
function seal(aad, plaintext) {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', stateKey, iv);
    c.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    return Buffer.concat([iv, ct, c.getAuthTag()]);
}
const state = b64u(crypto.randomBytes(32));
const name = 'zsso_state_' + state.slice(0, 12);
const record = JSON.stringify({ s: state, n: b64u(crypto.randomBytes(32)),
    v: b64u(crypto.randomBytes(32)), r: '/console/reports?id=7', t: NOW });
const sealed = seal(name, record);
const cut = (n) => b64u(sealed.subarray(0, sealed.length - n));
writeAll('fuzz_unseal', [
    name + '=' + b64u(sealed),
    name + '=' + b64u(seal(name, '')),
    name + '=' + b64u(seal(name, '{"s":"x"}')),
    name + '=' + b64u(seal(name, 'not json')),
    'zsso_state_AAAAAAAAAAAA=' + b64u(sealed),                  // wrong aad
    name + '=' + cut(1),                                       // tag 15
    name + '=' + cut(4),
    name + '=' + cut(15),                                      // tag 1
    name + '=' + cut(16),                                      // no tag
    name + '=' + b64u(sealed) + '==',
    name + '=' + Buffer.from(sealed).toString('base64'),
    name + '=' + b64u(sealed.subarray(0, 27)),
    name + '=',
]);

// ------------------------------------------------------------ fuzz_cookie
writeAll('fuzz_cookie', [
    'zsso_session=' + b64u(crypto.randomBytes(32)) + '; ' + name + '='
        + b64u(sealed) + '; lang=en',
    'a=b; c=d',
    ' zsso_session = "quoted" ;\tx=1;;; =novalue; noequals; y=',
    'zsso_x=1;zsso_y=2;zsso_z=3',
    'ZSSO_session=upper; zssox=1; zsso=2',
    'a="; b="',
    '\t\t;  ;',
    Array.from({ length: 40 }, (_, i) => 'c' + i + '=' + i).join('; '),
]);

// ------------------------------------------------------------ fuzz_query
writeAll('fuzz_query', [
    'code=Pzgk4wCg5Q3wJrJj&state=' + state,
    'state=' + state + '&error=access_denied&error_description='
        + 'User+is+not+assigned+to+the+client+application.',
    'iss=https%3A%2F%2Fexample.okta.com&code=a&state=b',
    'state=a&state=b',
    'st%61te=a&state=b',
    'state=%',
    'state=%2',
    'state=%zz',
    'state=%00',
    '%00=1',
    'state',
    '&&state=&&',
    'a=1&b=2&c=%E2%82%AC&d=+++',
    'sta+te=1',
]);

// ------------------------------------------------------------ fuzz_return_path
writeAll('fuzz_return_path', [
    '/console/x?y=1#frag',
    '/',
    '//evil.example/',
    '/\\evil.example',
    '\\\\evil.example',
    '/%2f%2fevil.example',
    '/%2F/evil.example',
    '/%5cevil.example',
    '/%5Cevil.example',
    'ht\ttp://evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    '/\r\nSet-Cookie: a=b',
    'http:evil.example',
    'https:/evil.example',
    'https://evil.example',
    '/user@evil.example',
    '//user@evil.example',
    'https://console.example.com.evil.example/',
    '/console.example.com.evil.example',
    '/%09/evil.example',
    '/%2',
    '/a%zz',
    '/ /evil.example',
    '/\x7f/x',
    '/%252f%252fevil.example',
    '/..//evil.example',
    '/./\\evil.example',
    '',
    'javascript:alert(1)',
    '/\xef\xbc\x8fevil.example',
]);
