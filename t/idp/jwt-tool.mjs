#!/usr/bin/env node
// jwt-tool.mjs — small JWS helper for the test scripts (no dependencies).
//
//   jwt-tool.mjs header  TOKEN           prints the decoded header (JSON)
//   jwt-tool.mjs payload TOKEN           prints the decoded payload (JSON)
//   jwt-tool.mjs verify  TOKEN JWKS.json prints "ok" and exits 0 when the
//                                        signature verifies with the key of the
//                                        header's kid (RS256, PS256, ES256);
//                                        prints a reason and exits 1 otherwise
//   jwt-tool.mjs hmac    TOKEN PEMFILE   verifies an HS256 token keyed with the
//                                        bytes of PEMFILE ("ok" / exit 1)
//   jwt-tool.mjs pem     JWKS.json KID   prints that key's public key as SPKI PEM
//   jwt-tool.mjs get     JSONFILE KEY    prints a top-level string member
//
// TOKEN may be "-" to read it from stdin.
import fs from 'node:fs';
import crypto from 'node:crypto';

const [cmd, a, b] = process.argv.slice(2);
const read = (t) => (t === '-' ? fs.readFileSync(0, 'utf8') : t).trim();
const part = (token, i) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString('utf8'));
const fail = (msg) => {
  process.stdout.write(`${msg}\n`);
  process.exit(1);
};

switch (cmd) {
  case 'header':
    process.stdout.write(`${JSON.stringify(part(read(a), 0))}\n`);
    break;
  case 'payload':
    process.stdout.write(`${JSON.stringify(part(read(a), 1))}\n`);
    break;
  case 'verify': {
    const token = read(a);
    const [h, p, s] = token.split('.');
    const header = part(token, 0);
    const { keys } = JSON.parse(fs.readFileSync(b, 'utf8'));
    const jwk = keys.find((k) => k.kid === header.kid);
    if (!jwk) fail(`no key ${header.kid}`);
    const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    const data = Buffer.from(`${h}.${p}`);
    const sig = Buffer.from(s, 'base64url');
    let ok;
    switch (header.alg) {
      case 'RS256': ok = crypto.verify('sha256', data, key, sig); break;
      case 'PS256':
        ok = crypto.verify('sha256', data, {
          key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32,
        }, sig);
        break;
      case 'ES256': ok = crypto.verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig); break;
      default: fail(`alg ${header.alg} not verifiable`);
    }
    if (!ok) fail('bad signature');
    process.stdout.write('ok\n');
    break;
  }
  case 'hmac': {
    const token = read(a);
    const [h, p, s] = token.split('.');
    const mac = crypto.createHmac('sha256', fs.readFileSync(b)).update(`${h}.${p}`).digest('base64url');
    if (mac !== s) fail('bad hmac');
    process.stdout.write('ok\n');
    break;
  }
  case 'pem': {
    const { keys } = JSON.parse(fs.readFileSync(a, 'utf8'));
    const jwk = keys.find((k) => k.kid === b);
    if (!jwk) fail(`no key ${b}`);
    process.stdout.write(crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }));
    break;
  }
  case 'get': {
    const v = JSON.parse(fs.readFileSync(a, 'utf8'))[b];
    process.stdout.write(`${v === undefined ? '' : (typeof v === 'string' ? v : JSON.stringify(v))}\n`);
    break;
  }
  default:
    process.stderr.write('usage: jwt-tool.mjs header|payload|verify|hmac|pem|get ...\n');
    process.exit(2);
}
