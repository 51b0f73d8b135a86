#!/usr/bin/env node
// okta-op.mjs CONFIG.json
//
// A real, certified OpenID provider (the npm package `oidc-provider`) dressed
// as an Okta org authorization server, for mod_zsso's happy-path tests.
//
//   issuer          https://127.0.0.1:<port>
//   discovery       /.well-known/openid-configuration
//   authorize       /oauth2/v1/authorize     token      /oauth2/v1/token
//   keys            /oauth2/v1/keys          userinfo   /oauth2/v1/userinfo
//   logout          /oauth2/v1/logout        revoke     /oauth2/v1/revoke
//   introspect      /oauth2/v1/introspect
//   login page      /interaction/<uid>       (our own, no JavaScript)
//
// CONFIG.json: { "port", "cert", "key", "clients": [...], "users": [...],
// "groups_in_id_token": true } (see okta-op.example.json). With
// groups_in_id_token false the groups claim is served by userinfo only, as
// Okta's org server does when it issues an access token with the ID token.
// Listens on 127.0.0.1 only. Prints "okta-op ready https://127.0.0.1:<port>"
// once it listens, then one line per request ("METHOD /path"). Exits
// cleanly on SIGTERM / SIGINT.

import { HOST, dier, serve, startup } from './common.mjs';
import https from 'node:https';
import crypto from 'node:crypto';
import process from 'node:process';

import Provider from 'oidc-provider';

const die = dier('okta-op');
const { config, port, tlsOptions } = startup('okta-op', 18443);

const users = (config.users ?? []).map((u) => ({
  assigned_clients: [],
  groups: [],
  ...u,
}));
const userBySub = new Map(users.map((u) => [u.sub, u]));
const findUserByLogin = (login) => {
  const wanted = String(login ?? '').trim().toLowerCase();
  return users.find((u) => u.login.toLowerCase() === wanted);
};

const clients = (config.clients ?? []).map((c) => ({
  application_type: 'web',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: 'RS256',
  ...c,
}));
if (clients.length === 0) die('config has no clients');

// ---------------------------------------------------------------- keys
// One RSA 2048 signing key per start, published at /oauth2/v1/keys.
function makeSigningKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const thumb = crypto.createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n }))
    .digest('base64url');
  return { ...jwk, kid: `okta-test-${thumb.slice(0, 16)}`, alg: 'RS256', use: 'sig' };
}

// ---------------------------------------------------------------- HTML
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
}[c]));

const STYLE = 'body{font-family:sans-serif;background:#f4f4f4;margin:0}'
  + 'main{max-width:360px;margin:60px auto;background:#fff;padding:24px 32px;border:1px solid #ddd}'
  + 'h1{font-size:1.4em;text-align:center}label{display:block;margin-top:12px}'
  + 'input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:6px}'
  + '.error{color:#c00;border:1px solid #c00;padding:6px}'
  + 'button,input[type=submit]{margin-top:16px;width:100%;padding:8px}';

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function loginPage(uid, { clientName, login = '', failed = false } = {}) {
  return page('Sign In', `<h1>Sign In</h1>
${clientName ? `<p class="app">to ${esc(clientName)}</p>\n` : ''}${failed ? '<p class="error" id="signin-error">Sign in failed</p>\n' : ''}<form method="post" action="/interaction/${esc(uid)}/login" id="signin-form">
<label for="okta-signin-username">Username</label>
<input type="text" name="login" id="okta-signin-username" value="${esc(login)}" autocomplete="username">
<label for="okta-signin-password">Password</label>
<input type="password" name="password" id="okta-signin-password" autocomplete="current-password">
<input type="submit" value="Sign In" id="okta-signin-submit">
</form>`);
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function readForm(req, limit = 65536) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------- provider
const SCOPE_CLAIMS = {
  openid: ['sub'],
  profile: ['name', 'given_name', 'family_name', 'preferred_username'],
  email: ['email', 'email_verified'],
  groups: ['groups'],
};
const SUPPORTED_SCOPES = new Set(['openid', 'profile', 'email', 'groups', 'offline_access']);

const issuer = `https://${HOST}:${port}`;
const groupsInIdToken = config.groups_in_id_token !== false;

const oidcConfig = {
  clients,
  jwks: { keys: [makeSigningKey()] },
  claims: SCOPE_CLAIMS,
  scopes: [...SUPPORTED_SCOPES],
  conformIdTokenClaims: false,
  // Every client of this test provider lives on loopback, which
  // oidc-provider's guard against server-side request forgery refuses:
  // back-channel logout requests go out without that guard.
  fetch: (url, options) => {
    const { dispatcher, ...rest } = options;
    return globalThis.fetch(url, rest);
  },
  pkce: { required: () => true },
  responseTypes: ['code'],
  clientBasedCORS: () => false,
  cookies: {
    keys: [crypto.randomBytes(32).toString('base64url')],
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
  },
  routes: {
    authorization: '/oauth2/v1/authorize',
    token: '/oauth2/v1/token',
    jwks: '/oauth2/v1/keys',
    userinfo: '/oauth2/v1/userinfo',
    end_session: '/oauth2/v1/logout',
    revocation: '/oauth2/v1/revoke',
    introspection: '/oauth2/v1/introspect',
  },
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
    revocation: {
      enabled: true,
      allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId,
    },
    introspection: {
      enabled: true,
      allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId,
    },
    // Back-Channel Logout 1.0: a sign-out at the provider is sent, server
    // to server, to every client with a backchannel_logout_uri.
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        // Buttons inside the form (not form="..." attributes) so that simple
        // HTML form parsers (Perl HTML::Form) see them.
        const inner = form.replace('</form>',
          '<button type="submit" name="logout" value="yes" id="logout-yes">Yes, sign me out</button>\n'
          + '<button type="submit" id="logout-no">No, stay signed in</button>\n</form>');
        ctx.type = 'html';
        ctx.body = page('Sign Out', `<h1>Sign Out</h1>\n<p>Do you want to sign out of ${esc(ctx.host)}?</p>\n${inner}`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.type = 'html';
        ctx.body = page('Signed Out', '<h1>Signed Out</h1>\n<p>You have been signed out.</p>');
      },
    },
  },
  ttl: {
    AccessToken: 3600,
    AuthorizationCode: 300,
    IdToken: 3600,
    RefreshToken: 86400,
    Interaction: 600,
    Session: 86400,
    Grant: 86400,
    ClientCredentials: 600,
    DeviceCode: 600,
    BackchannelAuthenticationRequest: 600,
  },
  interactions: {
    url: async (ctx, interaction) => `/interaction/${interaction.uid}`,
  },
  findAccount: async (ctx, sub) => {
    const u = userBySub.get(sub);
    if (!u) return undefined;
    return {
      accountId: u.sub,
      claims: async (use) => ({
        sub: u.sub,
        name: u.name,
        given_name: u.given_name,
        family_name: u.family_name,
        preferred_username: u.login, // Okta: the user's login
        email: u.email,
        email_verified: u.email_verified ?? true,
        ...(use === 'userinfo' || groupsInIdToken ? { groups: u.groups } : {}),
      }),
    };
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    const rows = Object.entries(out)
      .map(([k, v]) => `<p><strong>${esc(k)}</strong>: <span class="${esc(k)}">${esc(v)}</span></p>`)
      .join('\n');
    ctx.body = page('Error', `<h1>Error</h1>\n${rows}`);
  },
};

let provider;
try {
  provider = new Provider(issuer, oidcConfig);
} catch (e) {
  die(`oidc-provider refused the configuration: ${e.message}`);
}

provider.on('backchannel.error', (ctx, err, client) => {
  process.stderr.write(`okta-op: back-channel logout to ${client?.clientId} failed: ${err.message} ${err.cause?.message ?? ""}\n`);
});
provider.on('backchannel.success', (ctx, client) => {
  process.stdout.write(`back-channel logout sent to ${client?.clientId}\n`);
});

provider.on('server_error', (ctx, err) => {
  process.stderr.write(`okta-op: server_error: ${err.stack || err}\n`);
});

// ---------------------------------------------------------------- interactions
const NOT_ASSIGNED = 'User is not assigned to the client application.';

// A grant with every requested OIDC scope and claim: first-party apps in Okta
// have no consent screen.
async function autoGrant(details, accountId) {
  const { params } = details;
  let grant;
  if (details.grantId) {
    grant = await provider.Grant.find(details.grantId);
  }
  if (!grant) {
    grant = new provider.Grant({ accountId, clientId: params.client_id });
  }
  const scopes = String(params.scope ?? '').split(' ').filter((s) => SUPPORTED_SCOPES.has(s));
  if (scopes.length) grant.addOIDCScope(scopes.join(' '));
  if (params.claims) {
    try {
      const req = JSON.parse(params.claims);
      const names = new Set([
        ...Object.keys(req.id_token ?? {}),
        ...Object.keys(req.userinfo ?? {}),
      ]);
      if (names.size) grant.addOIDCClaims([...names]);
    } catch {
      // oidc-provider already validated it; ignore
    }
  }
  const missing = details.prompt?.details ?? {};
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  if (missing.missingResourceScopes) {
    for (const [indicator, s] of Object.entries(missing.missingResourceScopes)) {
      grant.addResourceScope(indicator, s.join(' '));
    }
  }
  return grant.save();
}

const isAssigned = (user, clientId) => (user.assigned_clients ?? []).includes(clientId);

async function clientName(clientId) {
  const c = await provider.Client.find(clientId);
  return c?.clientName || clientId;
}

async function handleInteraction(req, res, path) {
  const m = path.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/);
  if (!m) return send(res, 404, page('Not Found', '<h1>Not Found</h1>'));
  const [, uid, login] = m;

  let details;
  try {
    details = await provider.interactionDetails(req, res);
  } catch (e) {
    return send(res, 400, page('Error', `<h1>Error</h1>\n<p class="error">${esc(e.error_description || e.message)}</p>`));
  }
  if (details.uid !== uid) {
    return send(res, 400, page('Error', '<h1>Error</h1>\n<p class="error">interaction mismatch</p>'));
  }
  const { prompt, params } = details;
  if (process.env.OKTA_OP_DEBUG) {
    process.stderr.write(`okta-op: interaction ${uid} prompt=${prompt.name} reasons=${prompt.reasons} details=${JSON.stringify(prompt.details)}\n`);
  }

  if (!login && req.method === 'GET') {
    if (prompt.name === 'login') {
      return send(res, 200, loginPage(uid, {
        clientName: await clientName(params.client_id),
        login: params.login_hint,
      }));
    }
    // consent (the user is signed in already, e.g. another client)
    const user = userBySub.get(details.session?.accountId);
    if (!user || !isAssigned(user, params.client_id)) {
      return provider.interactionFinished(req, res,
        { error: 'access_denied', error_description: NOT_ASSIGNED },
        { mergeWithLastSubmission: false });
    }
    const grantId = await autoGrant(details, user.sub);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  if (login && req.method === 'POST') {
    if (prompt.name !== 'login') {
      res.statusCode = 303;
      res.setHeader('Location', `/interaction/${uid}`);
      res.setHeader('Content-Length', '0');
      return res.end();
    }
    let form;
    try {
      form = await readForm(req);
    } catch (e) {
      return send(res, 413, page('Error', `<h1>Error</h1>\n<p class="error">${esc(e.message)}</p>`));
    }
    const user = findUserByLogin(form.get('login'));
    const pw = Buffer.from(String(form.get('password') ?? ''));
    const ok = user && pw.length === Buffer.byteLength(user.password)
      && crypto.timingSafeEqual(pw, Buffer.from(user.password));
    if (!ok) {
      return send(res, 200, loginPage(uid, {
        clientName: await clientName(params.client_id),
        login: form.get('login') ?? '',
        failed: true,
      }));
    }
    if (!isAssigned(user, params.client_id)) {
      return provider.interactionFinished(req, res,
        { error: 'access_denied', error_description: NOT_ASSIGNED },
        { mergeWithLastSubmission: false });
    }
    const grantId = await autoGrant(details, user.sub);
    return provider.interactionFinished(req, res, {
      login: { accountId: user.sub, remember: true, amr: ['pwd'] },
      consent: { grantId },
    }, { mergeWithLastSubmission: false });
  }

  res.setHeader('Allow', login ? 'POST' : 'GET');
  return send(res, 405, page('Method Not Allowed', '<h1>Method Not Allowed</h1>'));
}

// ---------------------------------------------------------------- server
const oidcCallback = provider.callback();

const server = https.createServer(tlsOptions, (req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  process.stdout.write(`${req.method} ${path}\n`);
  if (path.startsWith('/interaction/')) {
    handleInteraction(req, res, path).catch((e) => {
      process.stderr.write(`okta-op: interaction error: ${e.stack || e}\n`);
      if (!res.headersSent) send(res, 500, page('Error', '<h1>Error</h1>\n<p class="error">internal error</p>'));
      else res.destroy();
    });
    return;
  }
  oidcCallback(req, res);
});

serve('okta-op', server, port);
