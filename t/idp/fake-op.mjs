#!/usr/bin/env node
// fake-op.mjs CONFIG.json
//
// A small OpenID provider of our own that misbehaves on demand, for mod_zsso's
// refusal tests. Plain node:https + node:crypto; every token is made by hand.
//
// Servers (all on one port, 127.0.0.1 only):
//   org:     issuer https://127.0.0.1:<port>
//            discovery /.well-known/openid-configuration
//            endpoints /oauth2/v1/{authorize,token,keys,userinfo,logout}
//   custom:  for any <asid> matching [A-Za-z0-9_-]+
//            issuer https://127.0.0.1:<port>/oauth2/<asid>
//            discovery /oauth2/<asid>/.well-known/openid-configuration
//            endpoints /oauth2/<asid>/v1/{authorize,token,keys,userinfo,logout}
//   special asids: postonly  (client_secret_post only; basic → 401)
//                  badissuer (discovery names the wrong issuer)
//                  HOW-WHERE (a failing provider: WHERE is discovery, keys
//                  or token, HOW one of FAILURES below: hang, slow, 500,
//                  html, trunc, huge, redirect)
//                  keys-1000, keys-wrongtype, keys-rsa512 (odd key sets;
//                  the ID tokens of that server fit them)
//
// The client_id chooses the behaviour ("mode"); the client secret is always
// "fake-secret". Modes are listed in MODES below (GET /control/modes); an
// unknown client_id behaves like "good".
//
// Control: GET /control/stats, POST /control/reset[?keys=1], GET /control/modes,
// GET /control/logout-token?client=ID&sub=S&sid=S&bad=WHAT: a Back-Channel
// Logout token for the org server, signed with key1; bad= spoils one part
// (nonce, no-events, wrong-aud, expired, no-sub-sid, bad-sig, no-jti).
// POST /control/keys-down?on=1|0 (every /keys answers 503 while on).
// GET /control/redirected counts a hop a client should never have made.
//
// CONFIG.json: { "port": 18444, "cert": "...", "key": "..." }
// Prints "fake-op ready https://127.0.0.1:<port>" once listening, then one
// line per request ("METHOD /path"). Exits cleanly on SIGTERM / SIGINT.

import { HOST, dier, serve, startup } from './common.mjs';
import https from 'node:https';
import crypto from 'node:crypto';
import process from 'node:process';

const SECRET = 'fake-secret';
const CODE_TTL_MS = 60 * 1000;
const BODY_LIMIT = 65536;
const die = dier('fake-op');
const { config, port, tlsOptions } = startup('fake-op', 18444);

const ORIGIN = `https://${HOST}:${port}`;

const MODES = new Set([
  'good', 'ps256', 'es256', 'bad-sig', 'wrong-iss', 'wrong-aud', 'multi-aud-no-azp',
  'wrong-azp', 'expired', 'future-iat', 'future-nbf', 'wrong-nonce', 'no-nonce',
  'alg-none', 'hs256-pubkey', 'unknown-kid', 'rotate', 'denied', 'token-500',
  'no-id-token', 'html-token', 'odd-groups',
  'userinfo-groups', 'userinfo-other-sub', 'no-groups', 'odd-claims', 'refresh',
  // hostile claims and malformed compact tokens (t/zsso/43_tokens.t)
  'exp-huge', 'exp-huge-int', 'exp-negative', 'exp-string', 'exp-fraction',
  'iat-string', 'nbf-huge', 'aud-empty', 'aud-object', 'nul-claim',
  'markup-claims', 'jws-2parts', 'jws-4parts', 'jws-bad-b64',
  'jws-header-not-json',
]);

// How a failing provider fails (the asid HOW-WHERE), see misbehave().
const FAILURES = new Set(['hang', 'slow', '500', 'html', 'trunc', 'huge', 'redirect']);
const SLOW_MS = 6000;              // beyond any ZSSOProviderTimeout the tests use
const HUGE_BYTES = 50 * 1024 * 1024;

// ---------------------------------------------------------------- keys
const rsaKey = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const key1 = rsaKey();
const key2 = rsaKey();
const ps1 = rsaKey();  // published for PS256 only, as a JWK's alg binds it
const rogue = rsaKey(); // never published (unknown-kid)
const ec1 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });

const publicJwk = (pair, extra) => ({ ...pair.publicKey.export({ format: 'jwk' }), ...extra });
const JWK_KEY1 = publicJwk(key1, { kid: 'key1', use: 'sig', alg: 'RS256' });
const JWK_EC1 = publicJwk(ec1, { kid: 'ec1', use: 'sig', alg: 'ES256' });
const JWK_KEY2 = publicJwk(key2, { kid: 'key2', use: 'sig', alg: 'RS256' });
const JWK_PS1 = publicJwk(ps1, { kid: 'ps1', use: 'sig', alg: 'PS256' });
// hs256-pubkey: the HMAC key is exactly these bytes (SPKI PEM, with its
// trailing newline), the classic RS256→HS256 confusion.
const KEY1_PUBLIC_PEM = key1.publicKey.export({ type: 'spki', format: 'pem' });

// keys-rsa512: a key far below any safe size (signing with it still works).
const weak = crypto.generateKeyPairSync('rsa', { modulusLength: 512 });
const JWK_WEAK = publicJwk(weak, { kid: 'weak512', use: 'sig', alg: 'RS256' });

let key2Published = false;
let keysDown = false;

function jwks(asid) {
  switch (asid) {
    // 999 decoys (the EC key under other kids), then the real key last.
    case 'keys-1000': {
      const keys = [];
      for (let i = 0; i < 999; i += 1) keys.push({ ...JWK_EC1, kid: `decoy-${i}` });
      keys.push(JWK_KEY1);
      return { keys };
    }
    // key1's kid, but an EC key: the type does not fit RS256.
    case 'keys-wrongtype':
      return { keys: [{ ...JWK_EC1, kid: 'key1', alg: undefined }] };
    case 'keys-rsa512':
      return { keys: [JWK_WEAK] };
    default:
      break;
  }
  const keys = [JWK_KEY1, JWK_EC1, JWK_PS1];
  if (key2Published) keys.push(JWK_KEY2);
  return { keys };
}

// ---------------------------------------------------------------- state
const stats = {
  jwks_fetches: 0,
  discovery_fetches: 0,
  token_requests: 0,
  last_token_auth: 'none',
  last_pkce_ok: false,
  userinfo: 0,
  refreshes: 0,
  redirected: 0,     // hops to /control/redirected (never by the module)
  hanging: 0,        // requests held open without an answer right now
};
function resetStats() {
  stats.redirected = 0;
  stats.jwks_fetches = 0;
  stats.discovery_fetches = 0;
  stats.token_requests = 0;
  stats.last_token_auth = 'none';
  stats.last_pkce_ok = false;
  stats.userinfo = 0;
  stats.refreshes = 0;
}

const codes = new Map(); // code -> { issuer, clientId, redirectUri, nonce, challenge, scope, exp }
const accessTokens = new Map(); // token -> { claims, exp }

function purge() {
  const now = Date.now();
  for (const [k, v] of codes) if (v.exp <= now) codes.delete(k);
  for (const [k, v] of accessTokens) if (v.exp <= now) accessTokens.delete(k);
}

// ---------------------------------------------------------------- helpers
const b64u = (buf) => Buffer.from(buf).toString('base64url');
const b64uJson = (obj) => b64u(JSON.stringify(obj));
const random = (n = 32) => crypto.randomBytes(n).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function sendJson(res, status, obj, headers = {}) {
  const body = JSON.stringify(obj);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    Pragma: 'no-cache',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function sendText(res, status, text, type = 'text/plain; charset=utf-8', headers = {}) {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function redirect(res, location) {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
  res.end();
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > BODY_LIMIT) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function loopbackHttpUri(value) {
  let u;
  try {
    u = new URL(value);
  } catch {
    return false;
  }
  return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1')
    && !u.hash && !u.username && !u.password;
}

function withQuery(uri, params) {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}

const safeEqual = (a, b) => {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

// ---------------------------------------------------------------- signing
function signCompact(header, payload, signer) {
  const input = `${b64uJson(header)}.${b64uJson(payload)}`;
  const sig = signer ? signer(Buffer.from(input)) : Buffer.alloc(0);
  return `${input}.${b64u(sig)}`;
}

const rs256 = (key) => (data) => crypto.sign('sha256', data, key);
const ps256 = (key) => (data) => crypto.sign('sha256', data, {
  key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32,
});
const es256 = (key) => (data) => crypto.sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
const hs256 = (secret) => (data) => crypto.createHmac('sha256', secret).update(data).digest();

function idToken(mode, issuer, clientId, nonce, signing) {
  const t = now();
  const claims = {
    iss: issuer,
    sub: `00u-${mode}`,
    aud: clientId,
    iat: t,
    exp: t + 3600,
    nonce,
    preferred_username: `${mode}@fake.example`,
    email: `${mode}@fake.example`,
    name: `Fake ${mode}`,
    groups: ['Everyone'],
    sid: `sid-${mode}`,
  };
  let header = signing?.header ?? { alg: 'RS256', kid: 'key1', typ: 'JWT' };
  let signer = signing?.signer ?? rs256(key1.privateKey);

  switch (mode) {
    case 'ps256':
      header = { alg: 'PS256', kid: 'ps1', typ: 'JWT' };
      signer = ps256(ps1.privateKey);
      break;
    case 'es256':
      header = { alg: 'ES256', kid: 'ec1', typ: 'JWT' };
      signer = es256(ec1.privateKey);
      break;
    case 'wrong-iss': claims.iss = 'https://evil.example'; break;
    case 'wrong-aud': claims.aud = 'someone-else'; break;
    case 'multi-aud-no-azp': claims.aud = [clientId, 'other-client']; break;
    case 'wrong-azp':
      claims.aud = [clientId, 'other-client'];
      claims.azp = 'other-client';
      break;
    case 'expired':
      claims.iat = t - 7200;
      claims.exp = t - 3600;
      break;
    case 'future-iat':
      claims.iat = t + 3600;
      claims.exp = t + 7200;
      break;
    case 'future-nbf': claims.nbf = t + 3600; break;
    case 'wrong-nonce': claims.nonce = 'not-the-nonce'; break;
    case 'no-nonce': delete claims.nonce; break;
    // Group names with the separator of ZSSO_GROUPS and its escape in them.
    case 'odd-groups': claims.groups = ['Everyone', 'console-admins,evil', '100%']; break;
    // Claims that would break or forge a header if passed on raw.
    case 'odd-claims':
      claims.preferred_username = 'zo\u00eb\r\nX-Injected: user';
      claims.email = 'eve@fake.example\nX-Injected: email';
      claims.groups = ['a\r\nX-Injected: group', 'b,c', '100%'];
      break;
    // Groups only from userinfo (Okta's org server with an access token),
    // from a userinfo answer about someone else, or from nowhere.
    case 'userinfo-groups':
    case 'userinfo-other-sub':
    case 'no-groups':
      delete claims.groups;
      break;
    case 'exp-huge': claims.exp = 1e300; break;
    case 'exp-huge-int': claims.exp = Number.MAX_SAFE_INTEGER * 4; break;
    case 'exp-negative': claims.exp = -1; break;
    case 'exp-string': claims.exp = String(t + 3600); break;
    // RFC 7519 2: NumericDate may be fractional; this one is valid.
    case 'exp-fraction':
      claims.exp = t + 3600.5;
      claims.iat = t - 0.25;
      break;
    case 'iat-string': claims.iat = String(t); break;
    case 'nbf-huge': claims.nbf = 1e300; break;
    case 'aud-empty': claims.aud = []; break;
    case 'aud-object': claims.aud = { [clientId]: true }; break;
    case 'nul-claim': claims.preferred_username = 'nul\u0000@fake.example'; break;
    case 'markup-claims':
      claims.preferred_username = '<script>alert("u")</script>@fake.example';
      claims.name = '<b onmouseover="x()">Mallory</b> & co';
      break;
    case 'alg-none':
      header = { alg: 'none', typ: 'JWT' };
      signer = null;
      break;
    case 'hs256-pubkey':
      header = { alg: 'HS256', kid: 'key1', typ: 'JWT' };
      signer = hs256(KEY1_PUBLIC_PEM);
      break;
    case 'unknown-kid':
      header = { alg: 'RS256', kid: 'unknown-kid-1', typ: 'JWT' };
      signer = rs256(rogue.privateKey);
      break;
    case 'rotate':
      header = { alg: 'RS256', kid: 'key2', typ: 'JWT' };
      signer = rs256(key2.privateKey);
      break;
    default:
      break;
  }

  let jwt = signCompact(header, claims, signer);
  if (mode === 'bad-sig') {
    const [h, p, s] = jwt.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[Math.floor(sig.length / 2)] ^= 0x01;
    jwt = `${h}.${p}.${b64u(sig)}`;
  }
  if (mode === 'rotate') key2Published = true;
  jwt = malformed(mode, jwt);
  return { jwt, claims };
}

// The compact form broken in one way per mode (RFC 7515 section 7.1).
function malformed(mode, jwt) {
  const [h, p, sig] = jwt.split('.');
  switch (mode) {
    case 'jws-2parts': return `${h}.${p}`;
    case 'jws-4parts': return `${h}.${p}.${sig}.${sig}`;
    case 'jws-bad-b64': return `${h}.${p.slice(0, 10)}*+/=${p.slice(10)}.${sig}`;
    case 'jws-header-not-json': return `${b64u('{"alg":"RS256",kid:key1')}.${p}.${sig}`;
    default: return jwt;
  }
}

// The signing key for a server whose key set is odd (keys-*).
function signingFor(asid) {
  if (asid === 'keys-rsa512') return { header: { alg: 'RS256', kid: 'weak512', typ: 'JWT' }, signer: rs256(weak.privateKey) };
  return null;
}

// A provider that fails at WHERE in the way HOW; true when it answered
// (or is deliberately not answering) for the request.
function misbehave(req, res, srv, where, body) {
  const m = srv.asid && srv.asid.match(/^([a-z0-9]+)-(discovery|keys|token)$/);
  if (!m || m[2] !== where || !FAILURES.has(m[1])) return false;
  const json = JSON.stringify(body ?? { issuer: srv.issuer });
  switch (m[1]) {
    case 'hang':
      // Accept, read, never answer; the socket closes when the client gives up.
      stats.hanging += 1;
      res.on('close', () => { stats.hanging -= 1; });
      return true;
    case 'slow': {
      // The headers at once, then a byte now and then: never done in time.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      let i = 0;
      const timer = setInterval(() => {
        if (i >= json.length || res.destroyed) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(json[i]);
        i += 1;
      }, Math.max(50, Math.floor(SLOW_MS / json.length)));
      res.on('close', () => clearInterval(timer));
      return true;
    }
    case '500':
      sendText(res, 500, 'internal error');
      return true;
    case 'html':
      sendText(res, 200, '<html><body>Service maintenance</body></html>', 'text/html');
      return true;
    case 'trunc':
      sendText(res, 200, json.slice(0, Math.floor(json.length / 2)), 'application/json');
      return true;
    case 'huge': {
      // 50 MB of a JSON string that never ends; stop when the client leaves.
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': HUGE_BYTES });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      let sent = 0;
      const pump = () => {
        while (sent < HUGE_BYTES && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return res.once('drain', pump);
        }
        return res.end();
      };
      res.write('{"x":"');
      sent += 6;
      pump();
      return true;
    }
    case 'redirect':
      redirect(res, `${ORIGIN}/control/redirected`);
      return true;
    default:
      return false;
  }
}

// ---------------------------------------------------------------- servers
// Resolve a path to { issuer, asid, rest } or null.
function resolveServer(path) {
  if (path === '/.well-known/openid-configuration'
    || path === '/.well-known/oauth-authorization-server') {
    return { asid: null, issuer: ORIGIN, rest: 'discovery' };
  }
  let m = path.match(/^\/oauth2\/v1\/([a-z]+)$/);
  if (m) return { asid: null, issuer: ORIGIN, rest: m[1] };
  m = path.match(/^\/oauth2\/([A-Za-z0-9_-]+)\/\.well-known\/(openid-configuration|oauth-authorization-server)$/);
  if (m) return { asid: m[1], issuer: `${ORIGIN}/oauth2/${m[1]}`, rest: 'discovery' };
  m = path.match(/^\/oauth2\/([A-Za-z0-9_-]+)\/v1\/([a-z]+)$/);
  if (m) return { asid: m[1], issuer: `${ORIGIN}/oauth2/${m[1]}`, rest: m[2] };
  return null;
}

const authMethodsFor = (asid) => (asid === 'postonly'
  ? ['client_secret_post'] : ['client_secret_basic', 'client_secret_post']);

function discovery(srv) {
  const base = srv.asid ? `${ORIGIN}/oauth2/${srv.asid}/v1` : `${ORIGIN}/oauth2/v1`;
  return {
    issuer: srv.asid === 'badissuer' ? `${ORIGIN}/oauth2/other` : srv.issuer,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/userinfo`,
    jwks_uri: `${base}/keys`,
    end_session_endpoint: `${base}/logout`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    subject_types_supported: ['public'],
    scopes_supported: ['openid', 'profile', 'email', 'groups', 'offline_access'],
    token_endpoint_auth_methods_supported: authMethodsFor(srv.asid),
    claims_supported: ['iss', 'sub', 'aud', 'iat', 'exp', 'nonce', 'name', 'email',
      'preferred_username', 'groups'],
    code_challenge_methods_supported: ['S256'],
    id_token_signing_alg_values_supported: ['RS256', 'PS256', 'ES256'],
  };
}

function authorize(req, res, srv, query) {
  const missing = (p) => sendText(res, 400, `missing ${p}`);
  const q = (k) => query.get(k);

  if (!q('response_type')) return missing('response_type');
  if (q('response_type') !== 'code') return sendText(res, 400, 'unsupported response_type');
  if (!q('client_id')) return missing('client_id');
  if (!q('redirect_uri')) return missing('redirect_uri');
  if (!loopbackHttpUri(q('redirect_uri'))) return sendText(res, 400, 'bad redirect_uri');
  if (!q('scope')) return missing('scope');
  if (!q('scope').split(' ').includes('openid')) return missing('openid in scope');
  if (!q('state')) return missing('state');
  if (!q('nonce')) return missing('nonce');
  if (!q('code_challenge')) return missing('code_challenge');
  if (!q('code_challenge_method')) return missing('code_challenge_method');
  if (q('code_challenge_method') !== 'S256') return sendText(res, 400, 'unsupported code_challenge_method');

  const mode = q('client_id');
  if (mode === 'denied') {
    return redirect(res, withQuery(q('redirect_uri'), {
      error: 'access_denied',
      error_description: 'User is not assigned <script>alert(1)</script> to the client application.',
      state: q('state'),
    }));
  }

  purge();
  const code = random(24);
  codes.set(code, {
    issuer: srv.issuer,
    clientId: mode,
    redirectUri: q('redirect_uri'),
    nonce: q('nonce'),
    challenge: q('code_challenge'),
    scope: q('scope'),
    exp: Date.now() + CODE_TTL_MS,
  });
  return redirect(res, withQuery(q('redirect_uri'), { code, state: q('state') }));
}

function parseBasic(header) {
  const m = /^Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const raw = Buffer.from(m[1], 'base64').toString('utf8');
  const i = raw.indexOf(':');
  if (i < 0) return null;
  try {
    // RFC 6749 2.3.1: both parts are form-urlencoded before base64.
    const dec = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: dec(raw.slice(0, i)), secret: dec(raw.slice(i + 1)) };
  } catch {
    return null;
  }
}

async function token(req, res, srv) {
  stats.token_requests += 1;
  stats.last_pkce_ok = false;
  const oauthError = (status, error, description, headers) => sendJson(res, status,
    description ? { error, error_description: description } : { error }, headers);

  if (req.method !== 'POST') return oauthError(405, 'invalid_request', 'POST only', { Allow: 'POST' });
  const type = String(req.headers['content-type'] ?? '');
  let form;
  try {
    form = new URLSearchParams(await readBody(req));
  } catch {
    return oauthError(413, 'invalid_request', 'body too large');
  }
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    return oauthError(400, 'invalid_request', 'expected application/x-www-form-urlencoded');
  }

  // client authentication
  let client = null;
  if (req.headers.authorization) {
    stats.last_token_auth = 'basic';
    const basicChallenge = { 'WWW-Authenticate': 'Basic realm="fake-op"' };
    if (!authMethodsFor(srv.asid).includes('client_secret_basic')) {
      return oauthError(401, 'invalid_client', 'client_secret_basic is not allowed for this client', basicChallenge);
    }
    client = parseBasic(req.headers.authorization);
    if (!client) return oauthError(401, 'invalid_client', 'malformed Authorization header', basicChallenge);
    if (form.has('client_secret')) {
      return oauthError(400, 'invalid_request', 'more than one client authentication method');
    }
    if (!safeEqual(client.secret, SECRET)) {
      return oauthError(401, 'invalid_client', 'client authentication failed', basicChallenge);
    }
  } else if (form.has('client_secret')) {
    stats.last_token_auth = 'post';
    client = { id: form.get('client_id'), secret: form.get('client_secret') };
    if (!client.id) return oauthError(401, 'invalid_client', 'client_id missing');
    if (!safeEqual(client.secret, SECRET)) {
      return oauthError(401, 'invalid_client', 'client authentication failed');
    }
  } else {
    stats.last_token_auth = 'none';
    return oauthError(401, 'invalid_client', 'no client authentication');
  }
  if (form.has('client_id') && form.get('client_id') !== client.id) {
    return oauthError(400, 'invalid_request', 'client_id does not match the authenticated client');
  }

  // the grant
  if (form.get('grant_type') === 'refresh_token') {
    return refreshGrant(res, client, form.get('refresh_token'), oauthError);
  }
  if (form.get('grant_type') !== 'authorization_code') {
    return oauthError(400, 'unsupported_grant_type');
  }
  const code = form.get('code');
  if (!code) return oauthError(400, 'invalid_request', 'missing code');
  purge();
  const entry = codes.get(code);
  codes.delete(code); // single use, whatever happens next
  if (!entry || entry.issuer !== srv.issuer) return oauthError(400, 'invalid_grant', 'unknown, used or expired code');
  if (entry.clientId !== client.id) return oauthError(400, 'invalid_grant', 'code was issued to another client');
  if (form.get('redirect_uri') !== entry.redirectUri) return oauthError(400, 'invalid_grant', 'redirect_uri mismatch');
  const verifier = form.get('code_verifier');
  if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
    return oauthError(400, 'invalid_grant', 'missing or malformed code_verifier');
  }
  const computed = crypto.createHash('sha256').update(verifier, 'ascii').digest('base64url');
  if (!safeEqual(computed, entry.challenge)) return oauthError(400, 'invalid_grant', 'PKCE verification failed');
  stats.last_pkce_ok = true;

  const mode = entry.clientId;
  if (misbehave(req, res, srv, 'token', { access_token: 'x', token_type: 'Bearer', id_token: 'x' })) return undefined;
  if (mode === 'token-500') {
    return sendText(res, 500, '<html><body><h1>500 Internal Server Error</h1></body></html>', 'text/html; charset=utf-8');
  }
  if (mode === 'html-token') {
    return sendText(res, 200, '<html>oops</html>', 'text/html; charset=utf-8');
  }

  const { jwt, claims } = idToken(mode, srv.issuer, client.id, entry.nonce,
    signingFor(srv.asid));
  const accessToken = random(32);
  accessTokens.set(accessToken, { mode, claims, exp: Date.now() + 3600 * 1000 });
  const body = {
    access_token: accessToken,
    token_type: 'Bearer',
    expires_in: 3600,
    scope: entry.scope,
  };
  if (mode !== 'no-id-token') body.id_token = jwt;
  // Mode refresh: short access tokens and a refresh token (RFC 6749 5.1).
  if (mode === 'refresh') {
    body.expires_in = REFRESH_TTL;
    body.refresh_token = random(32);
    refreshTokens.set(body.refresh_token, { clientId: client.id, claims });
  }
  return sendJson(res, 200, body);
}

// RFC 6749 section 6; the refresh token rotates. /control/refresh?fail=1
// makes every refresh fail as for a deactivated user (invalid_grant).
const REFRESH_TTL = 20;
const refreshTokens = new Map(); // token -> { clientId, claims }
let refreshFails = false;

// Answers after half a second, as a provider across the internet may: long
// enough for every request arriving at the due moment to see it in flight.
function refreshGrant(res, client, presented, oauthError) {
  stats.refreshes += 1;
  setTimeout(() => refreshAnswer(res, client, presented, oauthError), 500);
}

function refreshAnswer(res, client, presented, oauthError) {
  const entry = presented && refreshTokens.get(presented);
  if (!entry || entry.clientId !== client.id || refreshFails) {
    return oauthError(400, 'invalid_grant', 'the refresh token is not valid');
  }
  refreshTokens.delete(presented);
  const accessToken = random(32);
  accessTokens.set(accessToken, { mode: 'refresh', claims: entry.claims, exp: Date.now() + REFRESH_TTL * 1000 });
  const refresh = random(32);
  refreshTokens.set(refresh, entry);
  return sendJson(res, 200, {
    access_token: accessToken, token_type: 'Bearer', expires_in: REFRESH_TTL, refresh_token: refresh,
  });
}

function userinfo(req, res) {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const entry = m && accessTokens.get(m[1]);
  if (!entry || entry.exp <= Date.now()) {
    return sendJson(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
  }
  const {
    sub, name, email, preferred_username: pu, groups,
  } = entry.claims;
  stats.userinfo += 1;
  switch (entry.mode) {
    case 'userinfo-groups':
      return sendJson(res, 200, {
        sub, name, email, preferred_username: pu, groups: ['Everyone', 'console-admins'],
      });
    case 'userinfo-other-sub':
      return sendJson(res, 200, { sub: '00u-someone-else', groups: ['console-admins'] });
    default:
      return sendJson(res, 200, {
        sub, name, email, preferred_username: pu, groups,
      });
  }
}

function logout(req, res, query) {
  const target = query.get('post_logout_redirect_uri');
  if (target && loopbackHttpUri(target)) {
    const params = query.get('state') ? { state: query.get('state') } : {};
    return redirect(res, withQuery(target, params));
  }
  return sendText(res, 200, '<!DOCTYPE html><html><head><title>Signed Out</title></head><body><h1>Signed Out</h1></body></html>',
    'text/html; charset=utf-8');
}

// A logout token (Back-Channel Logout 1.0, section 2.4) for the tests.
function logoutToken(q) {
  const t = now();
  const claims = {
    iss: ORIGIN,
    aud: q.get('client') ?? 'good',
    iat: t,
    exp: t + 120,
    jti: q.get('jti') ?? random(16),
    events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
  };
  if (q.get('sub')) claims.sub = q.get('sub');
  if (q.get('sid')) claims.sid = q.get('sid');
  switch (q.get('bad')) {
    case 'nonce': claims.nonce = 'n'; break;
    case 'no-events': delete claims.events; break;
    case 'wrong-aud': claims.aud = 'someone-else'; break;
    case 'expired': claims.iat = t - 7200; claims.exp = t - 3600; break;
    case 'no-sub-sid': delete claims.sub; delete claims.sid; break;
    case 'no-jti': delete claims.jti; break;
    default: break;
  }
  let jwt = signCompact({ alg: 'RS256', kid: 'key1', typ: 'logout+jwt' }, claims,
    rs256(key1.privateKey));
  if (q.get('bad') === 'bad-sig') jwt = `${jwt.slice(0, -4)}AAAA`;
  return jwt;
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', ORIGIN);
  const path = url.pathname;
  process.stdout.write(`${req.method} ${path}\n`);

  if (path === '/control/stats' && req.method === 'GET') return sendJson(res, 200, stats);
  if (path === '/control/modes' && req.method === 'GET') return sendJson(res, 200, [...MODES]);
  if (path === '/control/keys-down' && req.method === 'POST') {
    keysDown = url.searchParams.get('on') === '1';
    return sendJson(res, 200, { keys_down: keysDown });
  }
  if (path === '/control/redirected') {
    stats.redirected += 1;
    return sendJson(res, 200, { redirected: true });
  }
  if (path === '/control/reset' && req.method === 'POST') {
    resetStats();
    keysDown = false;
    if (url.searchParams.get('keys') === '1') key2Published = false;
    return sendJson(res, 200, stats);
  }

  if (path === '/control/refresh' && req.method === 'POST') {
    refreshFails = url.searchParams.get('fail') === '1';
    return sendJson(res, 200, { fail: refreshFails });
  }
  if (path === '/control/logout-token' && req.method === 'GET') {
    return sendJson(res, 200, { logout_token: logoutToken(url.searchParams) });
  }

  const srv = resolveServer(path);
  if (!srv) return sendText(res, 404, 'not found');

  switch (srv.rest) {
    case 'discovery':
      if (req.method !== 'GET') break;
      stats.discovery_fetches += 1;
      if (misbehave(req, res, srv, 'discovery', discovery(srv))) return undefined;
      return sendJson(res, 200, discovery(srv), { 'Cache-Control': 'max-age=60' });
    case 'keys':
      if (req.method !== 'GET') break;
      stats.jwks_fetches += 1;
      if (keysDown) return sendText(res, 503, 'keys are down');
      if (misbehave(req, res, srv, 'keys', jwks(srv.asid))) return undefined;
      return sendJson(res, 200, jwks(srv.asid), { 'Cache-Control': 'no-cache' });
    case 'authorize':
      if (req.method !== 'GET') break;
      return authorize(req, res, srv, url.searchParams);
    case 'token':
      return token(req, res, srv);
    case 'userinfo':
      return userinfo(req, res);
    case 'logout':
      if (req.method !== 'GET') break;
      return logout(req, res, url.searchParams);
    default:
      return sendText(res, 404, 'not found');
  }
  return sendText(res, 405, 'method not allowed');
}

const server = https.createServer(tlsOptions, (req, res) => {
  handle(req, res).catch((e) => {
    process.stderr.write(`fake-op: ${e.stack || e}\n`);
    if (!res.headersSent) sendText(res, 500, 'internal error');
    else res.destroy();
  });
});
serve('fake-op', server, port);
