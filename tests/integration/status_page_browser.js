// Drives Debian's headless Chromium for test_status_page.py through playwright-core.
//
//   node status_page_browser.js <node_modules dir>
//
// Reads one JSON command per line on stdin and answers each with one JSON line on
// stdout: {"ok": true, ...} or {"ok": false, "error": "..."}. Pages stay open between
// commands, so the test can change the systems behind the page while it refreshes
// itself. Every wait has a bound; the driver exits when stdin closes and, whatever
// happens, after a hard limit, so it never outlives the test.
//
// Commands (page: a name the test chooses):
//   open        {page, url, js=true, width=1280, height=900}: new context and page; console
//               errors and page errors are collected from here on
//   rows        {page}: the status table's rows [{id, cls, cells: [...], open}], the overall
//               line, and how many times the page navigated (1 = never reloaded)
//   waitRow     {page, id, cls, timeout}: wait (no reload) until row #id has class cls
//   mark        {page}: tag the current <main id="status"> so a refresh can be seen
//   waitRefresh {page, timeout}: wait until the tagged <main> was replaced
//   openDetails {page, id}: click the summary of <details id=...>; answers its open state
//   isOpen      {page, id}
//   screenshot  {page, path, fullPage=true}
//   layout      {page}: {scrollWidth, clientWidth} of the document
//   errors      {page}: console 'error' messages and uncaught page errors so far
//   close       {}: close the browser and exit
'use strict';

const path = require('path');
const readline = require('readline');

const { chromium } = require(path.join(process.argv[2], 'playwright-core'));

const HARD_LIMIT_MS = 240000;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let browser = null;
const pages = new Map();  // name -> {context, page, errors}

async function open(cmd) {
  const context = await browser.newContext({
    javaScriptEnabled: cmd.js !== false,
    viewport: { width: cmd.width || 1280, height: cmd.height || 900 },
    serviceWorkers: 'block',
  });
  // Only the server under test: anything else would leave the machine.
  await context.route(/.*/, (route) => {
    const u = new URL(route.request().url());
    return u.hostname === '127.0.0.1' ? route.continue() : route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const errors = [];
  const entry = { context, page, errors, navigations: 0 };
  page.on('framenavigated', (f) => { if (f === page.mainFrame()) entry.navigations += 1; });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.setDefaultTimeout(15000);
  const response = await page.goto(cmd.url, { waitUntil: 'load' });
  pages.set(cmd.page, entry);
  return { status: response.status(), title: await page.title() };
}

function get(name) {
  const entry = pages.get(name);
  if (!entry) throw new Error(`no page ${name}`);
  return entry;
}

const handlers = {
  open,
  async rows(cmd) {
    const rows = await get(cmd.page).page.$$eval('#status > table > tbody > tr[id]', (trs) =>
      trs.map((tr) => ({
        id: tr.id,
        cls: tr.className,
        cells: [...tr.children].map((td) => td.innerText.trim()),
        open: !!(tr.nextElementSibling && tr.nextElementSibling.querySelector('details[open]')),
      })));
    const overall = await get(cmd.page).page.$eval('#status .overall', (p) => p.innerText.trim());
    return { rows, overall, navigations: get(cmd.page).navigations };
  },
  async waitRow(cmd) {
    const t0 = Date.now();
    await get(cmd.page).page.waitForFunction(
      ([id, cls]) => { const r = document.getElementById(id); return !!r && r.classList.contains(cls); },
      [cmd.id, cmd.cls], { timeout: cmd.timeout || 30000, polling: 250 });
    return { seconds: (Date.now() - t0) / 1000 };
  },
  async mark(cmd) {
    await get(cmd.page).page.$eval('#status', (m) => { m.dataset.testMark = '1'; });
    return {};
  },
  async waitRefresh(cmd) {
    const t0 = Date.now();
    await get(cmd.page).page.waitForFunction(
      () => { const m = document.getElementById('status'); return !!m && !m.dataset.testMark; },
      null, { timeout: cmd.timeout || 15000, polling: 100 });
    return { seconds: (Date.now() - t0) / 1000 };
  },
  async openDetails(cmd) {
    const page = get(cmd.page).page;
    await page.click(`details#${cmd.id} > summary`);
    return { open: await page.$eval(`details#${cmd.id}`, (d) => d.open) };
  },
  async isOpen(cmd) {
    return { open: await get(cmd.page).page.$eval(`details#${cmd.id}`, (d) => d.open) };
  },
  async screenshot(cmd) {
    await get(cmd.page).page.screenshot({ path: cmd.path, fullPage: cmd.fullPage !== false });
    return { path: cmd.path };
  },
  async layout(cmd) {
    return get(cmd.page).page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
  },
  async errors(cmd) {
    return { errors: get(cmd.page).errors.slice() };
  },
};

async function shutdown(code) {
  try {
    if (browser) await browser.close();
  } finally {
    process.exit(code);
  }
}

async function main() {
  setTimeout(() => { process.stderr.write('browser driver: hard time limit\n'); shutdown(2); },
    HARD_LIMIT_MS).unref();
  // launch() gives the browser a fresh temporary profile (user-data dir) and removes it
  // at close.
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 30000,
  });
  const send = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
  send({ ok: true, version: browser.version() });
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let cmd;
    try {
      cmd = JSON.parse(line);
      if (cmd.cmd === 'close') break;
      const handler = handlers[cmd.cmd];
      if (!handler) throw new Error(`unknown command ${cmd.cmd}`);
      send({ ok: true, ...(await handler(cmd)) });
    } catch (e) {
      send({ ok: false, error: String(e && e.stack || e) });
    }
  }
  await shutdown(0);
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ ok: false, error: String(e && e.stack || e) }) + '\n');
  shutdown(1);
});
