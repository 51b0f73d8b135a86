#!/usr/bin/env node
// echo.mjs CONFIG.json
//
// The application behind mod_proxy in the header tests: a plain HTTP
// server on loopback that answers every request with a JSON object of what
// it received, { method, url, headers: [[name, value], ...] }, names as
// sent, so a test sees each header the proxy passed on, in any spelling.
// CONFIG.json: { "port" }. Prints "echo ready <url>" once it listens.
import fs from 'node:fs';
import http from 'node:http';
import process from 'node:process';

import { HOST, dier, serve } from './common.mjs';

const die = dier('echo');
if (process.argv.length < 3) die('usage: echo.mjs CONFIG.json');
let config;
try {
  config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
} catch (e) {
  die(`cannot read config ${process.argv[2]}: ${e.message}`);
}

const server = http.createServer((req, res) => {
  const headers = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
  }
  req.resume();
  req.on('end', () => {
    const body = JSON.stringify({ method: req.method, url: req.url, headers });
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});

serve('echo', server, Number(config.port ?? 18447));
