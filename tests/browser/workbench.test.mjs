// The workbench page in a real browser (Playwright driving Debian's chromium): it opens with the
// fan drawn; moving the growth-rate slider redraws it with the median /api/run and `marketsim run`
// give for that value (the same double); saving the what-if writes a file the command line runs to
// the same bands; the URL brings the view back; a share moves its own row only (a member's share,
// a conditional share row, which the command line runs to the drawn median); the share view draws;
// an uncertain impact's three points stay in order; nothing is logged to the console; the
// screenshot has ink. Prints the redraw time (from the answer to the frame that shows it).
//
// Usage: node workbench.test.mjs MARKETSIM SOURCE_DIR   (exit 0 passed, 1 failed, 77 skipped)
// MARKETSIM_SCREENSHOT=FILE keeps the screenshot.
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { inflateSync } from 'node:zlib';

const [cli, source] = process.argv.slice(2);
const chromiumPath = '/usr/bin/chromium';
let playwright;
try {
  playwright = await import('playwright-core');
} catch {
  console.log('SKIPPED: playwright-core is not installed (scripts/setup.sh runs npm ci in tests/browser)');
  process.exit(77);
}
if (!existsSync(chromiumPath)) {
  console.log("SKIPPED: Debian's chromium is not installed (scripts/setup.sh installs it)");
  process.exit(77);
}

const failures = [];
function check(condition, what) {
  console.log((condition ? 'ok   ' : 'FAIL ') + what);
  if (!condition) failures.push(what);
}

/** The total's row of bands.csv in `year`, as numbers by column. */
function csvRow(file, series, year) {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n').map((line) => line.split(','));
  const row = rows.find((r) => r[0] === series && r[1] === String(year));
  return Object.fromEntries(header.map((name, i) => [name, i < 1 ? row[i] : Number(row[i])]));
}

/** Fraction of non-zero bytes and number of distinct bytes in a PNG's pixel rows. */
function ink(png) {
  let at = 8;
  const idat = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    if (png.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  let nonzero = 0;
  const distinct = new Set();
  for (const byte of raw) {
    if (byte) nonzero += 1;
    distinct.add(byte);
  }
  return { nonzero: nonzero / raw.length, distinct: distinct.size };
}

const work = mkdtempSync(join(tmpdir(), 'marketsim_browser_'));
const served = join(work, 'served');
cpSync(join(source, 'scenarios'), served, { recursive: true });
const server = spawn(cli, ['serve', served, '--port', '0', '--max-paths', '200000'], { stdio: ['ignore', 'pipe', 'inherit'] });
const firstLine = await new Promise((resolve) => createInterface({ input: server.stdout }).once('line', resolve));
const base = firstLine.slice(firstLine.indexOf('http://'));
const paths = 20000;
let browser;
try {
  browser = await playwright.chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  // every wait is for the server's runs, which a busy machine slows: the test checks what is drawn,
  // never how fast, so each wait allows minutes
  const WAIT = 240000;
  const newPage = async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    p.setDefaultTimeout(WAIT);
    return p;
  };
  const page = await newPage();
  const messages = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') messages.push(m.text()); });
  page.on('pageerror', (e) => messages.push(String(e)));
  const drawnOn = (p) => p.waitForFunction(
    () => document.body.dataset.drawn && document.body.dataset.drawn === document.body.dataset.requested,
    null, { timeout: WAIT });
  const drawn = () => drawnOn(page);
  /** Another page, its console watched too, opened on `hash` with its charts drawn. */
  const openPage = async (hash) => {
    const p = await newPage();
    p.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') messages.push(m.text()); });
    p.on('pageerror', (e) => messages.push(String(e)));
    await p.goto(`${base}#${hash}`);
    await drawnOn(p);
    return p;
  };

  // it opens on the scenario in the URL with the fan drawn, no click needed
  await page.goto(`${base}#file=baseline.toml&paths=${paths}`);
  await drawn();
  check(await page.locator('#fan svg polyline.median').count() === 1, 'the page opens with the fan of the total drawn');
  const opening = Number(await page.getAttribute('#median', 'data-value'));

  // move the growth rate with the keyboard: three steps of 0.001
  const slider = page.locator('input[type=range][data-path="growth.rate"]');
  await slider.focus();
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => location.hash.includes('set.growth.rate=0.055'));
  await drawn();
  const value = Number(await slider.inputValue());
  const median = Number(await page.getAttribute('#median', 'data-value'));
  check(value === 0.055, `the slider moved the growth rate to 0.055 (${value})`);
  check(median > opening, `the median of the total in 2033 rose: ${opening} -> ${median}`);
  const redrawMs = await page.evaluate(() => window.marketsimRedrawMs);
  console.log(`redraw: ${redrawMs.toFixed(1)} ms from the answer to the frame that shows it`);

  // the drawn median is the API's and the command line's, the same double
  const answer = await (await fetch(`${base}api/run`, {
    method: 'POST', body: JSON.stringify({ file: 'baseline.toml', set: { 'growth.rate': value }, paths }),
  })).json();
  const api = answer.bands.find((b) => b.series === 'total' && b.year === 2033);
  check(api.p50 === median, `the drawn median equals /api/run's (${api.p50})`);
  execFileSync(cli, ['run', join(served, 'baseline.toml'), '--set', `growth.rate=${value}`, '--paths', String(paths),
    '--out', join(work, 'cli'), '--quiet']);
  check(csvRow(join(work, 'cli', 'bands.csv'), 'total', 2033).p50 === median,
    "and marketsim run's bands.csv for the same value");

  // save the what-if; the command line runs the saved file to the same bands
  await page.fill('#save-name', 'browser_what_if');
  await page.click('#save-button');
  await page.waitForFunction(() => document.getElementById('save-status').textContent.includes('saved as'));
  check(existsSync(join(served, 'browser_what_if.toml')), 'Save as scenario wrote browser_what_if.toml');
  execFileSync(cli, ['run', join(served, 'browser_what_if.toml'), '--paths', String(paths), '--out', join(work, 'saved'),
    '--quiet']);
  check(csvRow(join(work, 'saved', 'bands.csv'), 'total', 2033).p50 === median,
    'the command line runs the saved file to the same median');

  // the URL brings the same view back
  const url = page.url();
  const again = await newPage();
  again.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') messages.push(m.text()); });
  again.on('pageerror', (e) => messages.push(String(e)));
  await again.goto(url);
  await drawnOn(again);
  check(Number(await again.getAttribute('#median', 'data-value')) === median, 'a link to the page shows the same median');
  check(Number(await again.locator('input[type=range][data-path="growth.rate"]').inputValue()) === value,
    'and the same growth rate');

  // a member's share moves its siblings so that the row still sums to 1
  const share = again.locator('input[type=number][data-kind="share"]').first();
  const row = await share.getAttribute('data-row');
  await share.fill('0.5');
  await share.press('Enter');
  await drawnOn(again);
  const shares = await again.locator(`input[type=number][data-row="${row}"]`).evaluateAll(
    (boxes) => boxes.map((box) => Number(box.value)));
  const sum = shares.reduce((a, b) => a + b, 0);
  check(shares.length > 1 && shares[0] === 0.5 && Math.abs(sum - 1) < 1e-9,
    `setting a share to 0.5 rescales its ${shares.length - 1} siblings to sum to 1 (${shares.join(' + ')} = ${sum})`);
  await again.close();

  check(await page.isHidden('#shares-toggle'), 'a scenario without share series offers no share view');

  // regional_mix: moving one share of a conditional row rescales that row alone
  const mix = await openPage(`file=regional_mix.toml&paths=${paths}`);
  const asia = 'shares.type.region.asia_pacific';
  const rowsNow = () => mix.locator('input[type=number][data-kind="share"]').evaluateAll((boxes) => {
    const rows = {};
    for (const box of boxes) (rows[box.dataset.row] ||= []).push(Number(box.value));
    return rows;
  });
  const before = await rowsNow();
  check(Object.keys(before).length === 6 && before[asia].join() === '0.1,0.45,0.25,0.2',
    `regional_mix has six share rows, Asia-Pacific's as in the file (${Object.keys(before).join(', ')})`);
  const videoSlider = mix.locator(`input[type=range][data-path="${asia}[1]"]`);
  await videoSlider.focus();
  for (let i = 0; i < 4; i += 1) await mix.keyboard.press('ArrowRight');
  await mix.waitForFunction(() => location.hash.includes('set.shares.type.region.asia_pacific='));
  await drawnOn(mix);
  const after = await rowsNow();
  const video = Number(await videoSlider.inputValue());
  const asiaRow = after[asia];
  const asiaSum = asiaRow.reduce((a, b) => a + b, 0);
  const proportional = asiaRow.every((x, i) => i === 1 || Math.abs(x - before[asia][i] * (1 - video) / (1 - before[asia][1])) < 1e-12);
  check(video > 0.45 && asiaRow[1] === video && proportional && Math.abs(asiaSum - 1) < 1e-9,
    `moving Asia-Pacific's video share to ${video} rescales the row's others in proportion (${asiaRow.join(' + ')} = ${asiaSum})`);
  check(Object.keys(before).every((id) => id === asia || after[id].join() === before[id].join()),
    'every other share row stays as it was');
  const sent = await mix.evaluate(() => new URLSearchParams(location.hash.slice(1)).get('set.shares.type.region.asia_pacific'));
  execFileSync(cli, ['run', join(served, 'regional_mix.toml'), '--set', `${asia}=[${sent}]`, '--paths', String(paths),
    '--out', join(work, 'mix'), '--quiet']);
  const mixMedian = Number(await mix.getAttribute('#median', 'data-value'));
  check(csvRow(join(work, 'mix', 'bands.csv'), 'total', 2033).p50 === mixMedian,
    `the row is sent whole: marketsim run --set '${asia}=[...]' gives the drawn median (${mixMedian})`);

  // the share view: each member's share of the total, in percent; shares in the table in points
  check(await mix.isVisible('#shares-toggle'), 'a scenario with share series offers the share view');
  await mix.check('#shares');
  await drawnOn(mix);
  const titles = await mix.locator('#members svg > title').allTextContents();
  const axis = await mix.locator('#members svg').first().textContent();
  check(titles.length === 5 && titles.every((t) => t.startsWith('share:region=')) && axis.includes('% of the total'),
    `the share view draws each region's share of the total on a percent axis (${titles.join(', ')})`);
  const shareRows = await mix.locator('#moved tr.share').allTextContents();
  check(shareRows.length > 0 && shareRows[0].includes('share:type=video') && shareRows[0].includes(' pp'),
    `what moved shows the shares in percentage points (${shareRows[0]})`);
  check(mix.url().includes('shares=1'), 'the share view is kept in the address');
  await mix.close();

  // hyperscaler_private_backbones: the three points of the uncertain impact stay in order
  const hyper = await openPage(`file=hyperscaler_private_backbones.toml&paths=${paths}`);
  const impact = 'event.hyperscaler_private_backbones.impact';
  const pointsNow = () => hyper.locator(`input[type=number][data-points="${impact}"]`).evaluateAll(
    (boxes) => Object.fromEntries(boxes.map((box) => [box.dataset.point, Number(box.value)])));
  const inOrder = (p) => p.low <= p.mode && p.mode <= p.high && p.low < p.high;
  const start = await pointsNow();
  check(start.low === -0.1625 && start.mode === -0.1054 && start.high === -0.0513, 'the impact opens as in the file');
  const lowSlider = hyper.locator(`input[type=range][data-path="${impact}.low"]`);
  await lowSlider.focus();
  let ordered = true;
  for (let i = 0; i < 30; i += 1) {
    await hyper.keyboard.press('ArrowRight');
    ordered = ordered && inOrder(await pointsNow());
  }
  await drawnOn(hyper);
  const dragged = await pointsNow();
  const low = Number(await lowSlider.inputValue());
  check(ordered && dragged.low === low && low > start.high && dragged.mode === low && dragged.high > low,
    `dragging the low past the mode and the high pushes them along (${dragged.low}, ${dragged.mode}, ${dragged.high})`);
  const high = hyper.locator(`input[type=number][data-path="${impact}.high"]`);
  await high.fill('-0.2');
  await high.press('Enter');
  await drawnOn(hyper);
  const typed = await pointsNow();
  check(inOrder(typed) && typed.high === -0.2 && typed.mode === -0.2 && typed.low < -0.2,
    `typing a high below the others pushes them down (${typed.low}, ${typed.mode}, ${typed.high})`);
  check(await hyper.evaluate(() => document.getElementById('status').className !== 'error'),
    `every ordered impact runs (${await hyper.textContent('#status')})`);
  const onceLabel = await hyper.textContent(`.control[data-path="event.hyperscaler_private_backbones.probability"] label`);
  check(onceLabel.includes('probability it happens at all in 2027-2030'), `the once event's probability says so (${onceLabel})`);
  await hyper.close();

  // sample paths over the bands
  await page.check('#spaghetti');
  await drawn();
  check(await page.locator('#fan svg polyline.path').count() === 20, '20 sample paths are drawn over the bands');

  await page.evaluate(() => {
    for (const e of [document.scrollingElement, ...document.querySelectorAll('#controls, #results')]) e.scrollTop = 0;
  });
  const shot = await page.screenshot();
  writeFileSync(process.env.MARKETSIM_SCREENSHOT || join(work, 'workbench.png'), shot);
  const { nonzero, distinct } = ink(shot);
  check(nonzero > 0.005 && distinct > 50, `the screenshot has ink (${(100 * nonzero).toFixed(1)}% non-zero bytes, ${distinct} values)`);
  check(messages.length === 0, `nothing was logged to the console (${messages.join(' | ')})`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
console.log(failures.length ? `${failures.length} check(s) failed` : 'every check passed');
process.exit(failures.length ? 1 : 0);
