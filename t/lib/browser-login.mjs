#!/usr/bin/env node
// browser-login.mjs START_URL LOGIN PASSWORD SHOT_PREFIX [THEN_URL]
//
// Drives a real Chromium (Debian's /usr/bin/chromium, through playwright-core)
// through a mod_zsso login as a person would: open START_URL (the SSO login
// URL, or any protected page), land on the provider's sign-in page, type the
// credentials, come back to the relying party (its console, or the page that
// says the account is not allowed), then, when THEN_URL is given, open it in
// the same browser.  A screenshot of every step is saved as
// SHOT_PREFIX-N-name.png.  Prints one JSON line:
//   {"ok":true,"url":...,"status":...,"body":...,"cookies":[...],
//    "steps":[...],"shots":[...]}
// where url, status and body are those of the last page.  The provider's
// certificate comes from the test CA, which this throw-away browser profile
// is told to accept.
import process from 'node:process';
import { chromium } from 'playwright-core';

const [start, login, password, prefix, then] = process.argv.slice(2);
if (!start || !login || !password || !prefix) {
  process.stderr.write('usage: browser-login.mjs START_URL LOGIN PASSWORD SHOT_PREFIX [THEN_URL]\n');
  process.exit(2);
}

const executablePath = process.env.ZSSO_CHROMIUM || '/usr/bin/chromium';
const steps = [];
const shots = [];
let browser;

async function shoot(page, name) {
  const path = `${prefix}-${shots.length + 1}-${name}.png`;
  await page.screenshot({ path, fullPage: true });
  shots.push(path);
}

try {
  browser = await chromium.launch({
    executablePath,
    headless: true,
    chromiumSandbox: false,
    args: ['--no-first-run', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  page.on('response', (r) => {
    const u = new URL(r.url());
    steps.push(`${r.request().method()} ${u.origin}${u.pathname} ${r.status()}`);
  });

  await page.goto(start);
  await page.waitForSelector('input[name="login"]');
  await shoot(page, 'provider-sign-in');
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', password);
  await shoot(page, 'credentials');
  const back = new URL(start).origin;
  // Back at the relying party: the page after the callback, or the
  // callback's own answer when the sign-in is refused.
  let [response] = await Promise.all([
    page.waitForNavigation({
      url: (u) => u.origin === back
        && (!u.pathname.includes('/zsso/') || u.pathname.endsWith('/zsso/callback')),
    }),
    page.click('input[type="submit"], button[type="submit"]'),
  ]);
  await shoot(page, 'back-at-the-console');
  if (then) {
    response = await page.goto(then);
    await shoot(page, 'console-page');
  }
  const body = await page.evaluate(() => document.body.innerText);
  const cookies = (await context.cookies(page.url())).map((c) => ({
    name: c.name, path: c.path, httpOnly: c.httpOnly, sameSite: c.sameSite,
    secure: c.secure, length: c.value.length,
  }));
  process.stdout.write(`${JSON.stringify({
    ok: true, url: page.url(), status: response ? response.status() : 0, body, cookies, steps, shots,
  })}\n`);
  await browser.close();
} catch (e) {
  process.stdout.write(`${JSON.stringify({
    ok: false, error: String((e && e.message) || e), steps, shots,
  })}\n`);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
