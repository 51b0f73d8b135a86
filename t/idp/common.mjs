// What both test providers share: reading CONFIG.json and the TLS files,
// dying with a clear message, and listening on loopback until SIGTERM.
import fs from 'node:fs';
import process from 'node:process';

export const HOST = '127.0.0.1';

export function dier(name) {
  return (msg) => {
    process.stderr.write(`${name}: ${msg}\n`);
    process.exit(2);
  };
}

// startup(NAME, DEFAULT_PORT): { config, port, tlsOptions } from argv[2].
export function startup(name, defaultPort) {
  const die = dier(name);
  if (process.argv.length < 3) die(`usage: ${name}.mjs CONFIG.json`);
  let config;
  try {
    config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  } catch (e) {
    die(`cannot read config ${process.argv[2]}: ${e.message}`);
  }
  const port = Number(config.port ?? defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) die(`bad port ${config.port}`);
  if (!config.cert || !config.key) die('config needs "cert" and "key"');
  let tlsOptions;
  try {
    tlsOptions = { cert: fs.readFileSync(config.cert), key: fs.readFileSync(config.key) };
  } catch (e) {
    die(`cannot read TLS cert/key: ${e.message}`);
  }
  return { config, port, tlsOptions };
}

// serve(NAME, SERVER, PORT): listen on loopback, print "NAME ready URL"
// (the harness waits for that line), exit cleanly on SIGTERM or SIGINT.
export function serve(name, server, port) {
  const die = dier(name);
  server.on('error', (e) => die(`cannot listen on ${HOST}:${port}: ${e.message}`));
  server.listen(port, HOST, () => {
    const actual = server.address().port;
    if (actual !== port) {
      process.stderr.write(`${name}: warning: listening on ${actual}, issuer says ${port}\n`);
    }
    process.stdout.write(`${name} ready https://${HOST}:${actual}\n`);
  });
  const shutdown = (sig) => {
    process.stdout.write(`${name}: ${sig}, exiting\n`);
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
