#!/usr/bin/env node
// pkce.mjs            prints "VERIFIER CHALLENGE" (a new RFC 7636 S256 pair)
// pkce.mjs VERIFIER   prints the S256 CHALLENGE of VERIFIER
import crypto from 'node:crypto';

const verifier = process.argv[2] ?? crypto.randomBytes(32).toString('base64url');
const challenge = crypto.createHash('sha256').update(verifier, 'ascii').digest('base64url');
process.stdout.write(process.argv[2] ? `${challenge}\n` : `${verifier} ${challenge}\n`);
