#!/usr/bin/env node
// browser-login.mjs START_URL LOGIN PASSWORD SCREENSHOT.png
//
// Drives a real Chromium (Debian's /usr/bin/chromium, through playwright-core)
// through a mod_zsso login: open START_URL, sign in on the provider's page,
// come back.  Prints one JSON line:
//   {"ok":true,"url":...,"status":...,"body":...,"cookies":[...],"steps":[...]}
// and saves a screenshot of the page it ends on.  t/zsso/20_browser.t reads
// it.  The provider's certificate comes from the test CA, which this
// throw-away browser profile is told to accept.
import process from 'node:process';
import { chromium } from 'playwright-core';

const [start, login, password, shot] = process.argv.slice(2);
if (!start || !login || !password || !shot) {
  process.stderr.write('usage: browser-login.mjs START_URL LOGIN PASSWORD SCREENSHOT\n');
  process.exit(2);
}

const executablePath = process.env.ZSSO_CHROMIUM || '/usr/bin/chromium';
const steps = [];
let browser;
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
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', password);
  const back = new URL(start).origin;
  const [response] = await Promise.all([
    page.waitForNavigation({ url: (u) => u.origin === back && !u.pathname.includes('/zsso/') }),
    page.click('input[type="submit"], button[type="submit"]'),
  ]);
  const body = await page.evaluate(() => document.body.innerText);
  await page.screenshot({ path: shot, fullPage: true });
  const cookies = (await context.cookies(page.url())).map((c) => ({
    name: c.name, path: c.path, httpOnly: c.httpOnly, sameSite: c.sameSite,
    secure: c.secure, length: c.value.length,
  }));
  process.stdout.write(`${JSON.stringify({
    ok: true, url: page.url(), status: response ? response.status() : 0, body, cookies, steps,
  })}\n`);
  await browser.close();
} catch (e) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String(e && e.message || e), steps })}\n`);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}
