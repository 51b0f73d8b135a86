// op-timing.mjs — preloaded into the OpenID provider by bench/run.sh:
//
//   node --import ./bench/op-timing.mjs t/idp/okta-op.mjs CONFIG.json
//
// Appends one line per request to $ZSSO_BENCH_OP_TIMING:
//   <METHOD> <path> <microseconds>
// measured from the moment the provider accepted the TCP connection that
// carried the request (so the TLS handshake is counted as the provider's)
// to the last byte of its answer.  The benchmark subtracts this from the
// callback's own duration (httpd's %D) to get the module's own work.
// The provider itself is not changed: this wraps https.createServer.
import fs from 'node:fs';
import https from 'node:https';
import process from 'node:process';

const out = process.env.ZSSO_BENCH_OP_TIMING;
if (out) {
  const create = https.createServer;
  https.createServer = (...args) => {
    const server = create.apply(https, args);
    const accepted = new Map();          // remote port -> hrtime at accept
    server.on('connection', (sock) => {
      const port = sock.remotePort;
      accepted.set(port, process.hrtime.bigint());
      sock.on('close', () => accepted.delete(port));
    });
    server.on('request', (req, res) => {
      const port = req.socket.remotePort;
      const path = (req.url ?? '/').split('?')[0];
      const first = accepted.get(port);
      // A kept-alive connection's second request starts at its arrival.
      accepted.set(port, undefined);
      const t0 = first ?? process.hrtime.bigint();
      res.on('finish', () => {
        const us = (process.hrtime.bigint() - t0) / 1000n;
        fs.appendFileSync(out, `${req.method} ${path} ${us}\n`);
      });
    });
    return server;
  };
}
