// op-timing.mjs — preloaded into the OpenID provider by bench/run.sh:
//
//   node --import ./bench/op-timing.mjs t/idp/okta-op.mjs CONFIG.json
//
// Appends one line per request to $ZSSO_BENCH_OP_TIMING:
//   <METHOD> <path> <microseconds>
// the provider's own view of its time for that request: from the moment it
// accepted the TCP connection that carried the request (so the TLS
// handshake is counted as the provider's), or on a kept-alive connection
// from the moment its event loop took the request up, to the last byte of
// its answer.  bench/run.sh uses it to count the discovery and key fetches,
// and, when it cannot read the wire (not root), to take the provider's
// time out of the callback's duration.  The request's bytes may have
// waited before the event loop took them up (measured up to 1.7 ms while
// the provider finished the browser's previous request): that wait is
// then left on the module's side.
//
// The listeners are put first in line: one added after the provider's own
// would run after the provider's synchronous work for the request.
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
    server.prependListener('connection', (sock) => {
      const port = sock.remotePort;
      accepted.set(port, process.hrtime.bigint());
      sock.on('close', () => accepted.delete(port));
    });
    server.prependListener('request', (req, res) => {
      const port = req.socket.remotePort;
      const path = (req.url ?? '/').split('?')[0];
      const first = accepted.get(port);
      // A kept-alive connection's next request starts when it is taken up.
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
