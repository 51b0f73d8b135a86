// Small helpers for smoke.sh, so the shell script needs no inline JavaScript.
//   free-port            a free TCP port on 127.0.0.1
//   qp URL NAME          a query parameter of URL ("" when absent)
//   abs BASE URL         URL resolved against BASE
//   jpath FILE EXPR      EXPR evaluated on the JSON in FILE (as `j`)
import fs from 'node:fs';
import net from 'node:net';
import process from 'node:process';

const [cmd, a, b] = process.argv.slice(2);
const out = (v) => console.log(typeof v === 'string' ? v : JSON.stringify(v));

switch (cmd) {
  case 'free-port': {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      out(String(s.address().port));
      s.close();
    });
    break;
  }
  case 'qp':
    out(new URL(a).searchParams.get(b) ?? '');
    break;
  case 'abs':
    out(new URL(b, a).href);
    break;
  case 'jpath': {
    // eslint-disable-next-line no-unused-vars
    const j = JSON.parse(fs.readFileSync(a, 'utf8'));
    out(eval(b)); // test expressions written in smoke.sh itself
    break;
  }
  default:
    console.error(`smoke-util: unknown command ${cmd}`);
    process.exit(2);
}
