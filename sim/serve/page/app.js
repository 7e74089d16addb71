// The workbench page: controls for a scenario's inputs, and the charts and figures the server
// computes for them (/api/run). The page computes no statistic itself: every number it shows
// comes from the API. Its state (the file, the values set, the paths, the view) lives in the URL.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { file: '', set: {}, paths: 100000, dim: '', shares: false, spaghetti: false };
const client = 'page-' + Math.random().toString(36).slice(2) + Date.now().toString(36);
let inputs = [];     // /api/inputs: path, value, label, group, kind, min, max, step; subgroup, row,
                     // set_path and index, points and point when they apply
let scenario = null; // the scenario's facts
let latest = 0;      // the newest request: only its answer is drawn
let pending = null;  // the AbortController of the run request still waiting for its answer

/** Numbers as the report prints them: four significant digits. */
function fmt(x) {
  if (typeof x !== 'number' || !isFinite(x)) return String(x);
  return String(parseFloat(x.toPrecision(4)));
}
const percent = (x, digits = 1) => (100 * x).toFixed(digits) + '%';
const pp = (x) => fmt(100 * x) + ' pp';  // a change of a share, in percentage points
const isShare = (series) => series.startsWith('share:');

async function api(path, body, signal) {
  const init = body === undefined ? {} : {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  };
  if (signal) init.signal = signal;
  const res = await fetch(path, init);
  return { status: res.status, data: await res.json() };
}

function status(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

// ---- the state in the URL ---------------------------------------------------------------------

function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  state.file = params.get('file') || '';
  state.paths = Number(params.get('paths')) || 100000;
  state.dim = params.get('dim') || '';
  state.shares = params.get('shares') === '1';
  state.spaghetti = params.get('sample') === '1';
  state.set = {};
  for (const [key, value] of params) {  // a row of shares is set whole: its numbers joined by commas
    if (key.startsWith('set.')) state.set[key.slice(4)] = value.includes(',') ? value.split(',').map(Number) : Number(value);
  }
}

function writeHash() {
  const params = new URLSearchParams();
  params.set('file', state.file);
  params.set('paths', String(state.paths));
  if (state.dim) params.set('dim', state.dim);
  if (state.shares) params.set('shares', '1');
  if (state.spaghetti) params.set('sample', '1');
  for (const [path, value] of Object.entries(state.set)) {
    params.set('set.' + path, Array.isArray(value) ? value.map(String).join(',') : String(value));
  }
  history.replaceState(null, '', '#' + params.toString());
}

// ---- controls ---------------------------------------------------------------------------------

// An input is set by its own path, or, as an entry of a conditional share row, by the whole row:
// state.set[set_path] is then the row's array and the input its entry `index`.
const setKey = (input) => input.set_path || input.path;

function current(input) {
  if (!(setKey(input) in state.set)) return input.value;
  if (!input.set_path) return state.set[input.path];
  const row = state.set[input.set_path];
  return Array.isArray(row) && typeof row[input.index] === 'number' ? row[input.index] : input.value;
}

function put(input, value) {
  if (!input.set_path) {
    state.set[input.path] = value;
    return;
  }
  const row = inputs.filter((x) => x.set_path === input.set_path).sort((a, b) => a.index - b.index).map(current);
  row[input.index] = value;
  state.set[input.set_path] = row;
}

function shown(input, value) {
  if (input.kind === 'rate' || input.kind === 'share' || input.kind === 'probability') return percent(value, 2);
  return fmt(value);
}

function buildControls() {
  const aside = $('controls');
  aside.replaceChildren();
  const groups = new Map();
  const subgroups = new Map();
  for (const input of inputs) {
    if (!groups.has(input.group)) {
      const fieldset = document.createElement('fieldset');
      const legend = document.createElement('legend');
      legend.textContent = input.group;
      fieldset.append(legend);
      groups.set(input.group, fieldset);
      aside.append(fieldset);
    }
    let parent = groups.get(input.group);
    if (input.subgroup) {  // a heading within the group: a row of shares, an event's impact, an adjustment
      const key = JSON.stringify([input.group, input.subgroup]);
      if (!subgroups.has(key)) {
        const box = document.createElement('div');
        box.className = 'subgroup';
        box.setAttribute('role', 'group');
        const title = document.createElement('div');
        title.className = 'subgroup-title';
        title.id = 'sub-' + subgroups.size;
        title.textContent = input.subgroup;
        box.setAttribute('aria-labelledby', title.id);
        box.append(title);
        parent.append(box);
        subgroups.set(key, box);
      }
      parent = subgroups.get(key);
    }
    const name = input.subgroup ? `${input.subgroup}: ${input.label}` : input.label;  // a name that stands alone
    const id = 'in-' + input.path.replace(/[^A-Za-z0-9_-]/g, '_');
    const box = document.createElement('div');
    box.className = 'control';
    box.dataset.path = input.path;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = input.label + ' ';
    const note = document.createElement('span');
    note.className = 'shown';
    label.append(note);
    const range = document.createElement('input');
    Object.assign(range, { type: 'range', id, min: input.min, max: input.max, step: input.step });
    range.dataset.path = input.path;
    if (input.subgroup) range.setAttribute('aria-label', name);
    const number = document.createElement('input');
    Object.assign(number, { type: 'number', step: 'any' });
    number.setAttribute('aria-label', name + ' (value)');
    number.dataset.path = input.path;
    number.dataset.kind = input.kind;
    if (input.row !== undefined && input.row !== null) number.dataset.row = String(input.row);
    if (input.points) {
      number.dataset.points = input.points;
      number.dataset.point = input.point;
    }
    range.addEventListener('input', () => change(input, Number(range.value)));
    number.addEventListener('change', () => { if (number.value !== '') change(input, Number(number.value)); });
    box.append(label, range, number);
    parent.append(box);
  }
  syncControls();
}

function syncControls() {
  for (const input of inputs) {
    const box = document.querySelector(`.control[data-path="${CSS.escape(input.path)}"]`);
    if (!box) continue;
    const value = current(input);
    box.querySelector('input[type=range]').value = String(value);
    box.querySelector('input[type=number]').value = String(value);
    box.querySelector('.shown').textContent = shown(input, value);
    box.classList.toggle('changed', setKey(input) in state.set);
  }
}

/** The other points of a three-point table (low, mode, high) when `input` moves to `value`: a point
 *  it passes is pushed along, the mode to the same value, the far end one step beyond it (the
 *  scenario needs low < high). */
function pushed(input, value) {
  const point = (name) => inputs.find((x) => x.points === input.points && x.point === name);
  const low = point('low'), mode = point('mode'), high = point('high');
  const tidy = (x) => Number(x.toPrecision(12));
  const out = [];
  if (input.point === 'low') {
    if (mode && current(mode) < value) out.push([mode, value]);
    if (high && current(high) <= value) out.push([high, tidy(value + high.step)]);
  } else if (input.point === 'high') {
    if (mode && current(mode) > value) out.push([mode, value]);
    if (low && current(low) >= value) out.push([low, tidy(value - low.step)]);
  } else {
    if (low && current(low) > value) out.push([low, value]);
    if (high && current(high) < value) out.push([high, value]);
  }
  return out;
}

/** A new value for an input. A share moves the other shares of its row (and only its row) in
 *  proportion, so that the row still sums to 1; a point of a three-point table pushes the points
 *  it passes, so that low <= mode <= high. */
function change(input, value) {
  if (!isFinite(value)) return;
  if (input.kind === 'share') {
    value = Math.min(Math.max(value, 0.001), 0.999);
    const siblings = inputs.filter((x) => x.row === input.row && x.path !== input.path);
    const rest = siblings.reduce((sum, x) => sum + current(x), 0);
    const moved = siblings.map((x) => [x, rest > 0 ? current(x) * (1 - value) / rest : (1 - value) / siblings.length]);
    for (const [x, v] of moved) put(x, v);
  } else if (input.points) {
    for (const [x, v] of pushed(input, value)) put(x, v);
  }
  put(input, value);
  syncControls();
  writeHash();
  run();
}

// ---- results ----------------------------------------------------------------------------------

async function run() {
  const mine = ++latest;
  document.body.dataset.requested = String(mine);
  status('sampling ' + state.paths.toLocaleString('en') + ' paths ...');
  const request = {
    file: state.file, set: state.set, paths: state.paths, compare: true, client,
    charts: { dimension: state.dim, shares: state.shares && hasShares() }, sample_paths: state.spaghetti ? 20 : 0,
  };
  // The page stops waiting for an older answer; the server, seeing the same client ask again,
  // stops sampling for it (and answers 409 to a request nobody waits for any more).
  if (pending) pending.abort();
  const controller = new AbortController();
  pending = controller;
  let reply;
  try {
    reply = await api('/api/run', request, controller.signal);
  } catch (error) {
    if (mine === latest && error.name !== 'AbortError') status('no answer from the server: ' + error, true);
    return;
  } finally {
    if (pending === controller) pending = null;
  }
  if (mine !== latest || reply.status === 409) return;  // a newer request is on its way
  if (reply.status !== 200) {
    status(reply.data.error || ('error ' + reply.status), true);
    return;
  }
  const received = performance.now();
  draw(reply.data);
  requestAnimationFrame(() => {
    window.marketsimRedrawMs = performance.now() - received;  // from the answer to the frame that shows it
    document.body.dataset.drawn = String(mine);
  });
}

function bandOf(rows, series, year) {
  return rows.find((row) => row.series === series && row.year === year);
}

function draw(d) {
  const horizon = scenario.horizon;
  const median = d.quantiles.includes('p50') ? 'p50' : d.quantiles[Math.floor(d.quantiles.length / 2)];
  const total = bandOf(d.bands, 'total', horizon);
  const delta = bandOf(d.delta, 'total', horizon);
  const moved = d.moved.find((m) => m.series === 'total');
  $('fan').innerHTML = d.charts.total;
  $('delta').innerHTML = d.charts.delta;
  $('members').innerHTML = d.charts.members.join('');
  $('members-title').textContent = 'By ' + d.charts.dimension + (d.charts.shares ? ': share of the total' : '');
  $('horizon').textContent = String(horizon);
  $('median').textContent = fmt(total[median]) + (scenario.unit ? ' ' + scenario.unit : '');
  $('median').dataset.value = String(total[median]);
  $('median-unchanged').textContent = moved ? fmt(moved.unchanged_p50) : '';
  $('median-unchanged').dataset.value = moved ? String(moved.unchanged_p50) : '';
  $('prob').textContent = delta ? percent(delta.prob_b_gt_a) : '';
  $('targets').replaceChildren(...d.targets.map((t, i) => {
    const li = document.createElement('li');
    const before = d.unchanged_targets[i];
    const value = isShare(t.series) ? percent(t.value, 2) : fmt(t.value);
    li.textContent = `target ${t.series} ${t.year} >= ${value}: met in ${percent(t.probability)} of paths` +
      (before ? ` (unchanged: ${percent(before.probability)})` : '');
    return li;
  }));
  // values in the scenario's unit; shares of the total in percent, their change in percentage points
  const row = (cells, className) => {
    const tr = document.createElement('tr');
    if (className) tr.className = className;
    for (const [text, cls] of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.append(td);
    }
    return tr;
  };
  const rows = d.moved.map((m) => row([[m.series, 'l'], [fmt(m.unchanged_p50)], [fmt(m.p50)], [fmt(m.change)],
    [percent(m.change_pct, 2)], [percent(m.prob_b_gt_a)]]));
  const shares = d.moved_shares || [];
  if (shares.length) {
    const heading = row([['shares of the total: percent, change in percentage points', 'l']], 'share-heading');
    heading.firstChild.colSpan = 6;
    rows.push(heading, ...shares.map((m) => row([[m.series, 'l'], [percent(m.unchanged_p50, 2)], [percent(m.p50, 2)],
      [pp(m.change)], [''], [percent(m.prob_b_gt_a)]], 'share')));
  }
  $('moved').tBodies[0].replaceChildren(...rows);
  const e = d.mc_error;
  $('mc-error').textContent = `Monte Carlo error: ${e.quantile} of ${e.series} ${e.year} ${fmt(e.value)}, ` +
    `95% interval ${fmt(e.lo)}-${fmt(e.hi)} (+/-${percent(e.relative_half_width, 2)})`;
  $('warnings').replaceChildren(...d.warnings.map((w) => {
    const li = document.createElement('li');
    li.textContent = 'warning: ' + w;
    return li;
  }));
  status(`${d.paths.toLocaleString('en')} paths, seed ${d.seed}, ${d.threads} threads (${d.simd}), ` +
    `answered in ${Math.round(d.elapsed_ms)} ms`);
}

// ---- scenarios, saving ------------------------------------------------------------------------

async function open(file, keepSet) {
  const { status: code, data } = await api('/api/inputs?file=' + encodeURIComponent(file));
  if (code !== 200) {
    status(data.error, true);
    return;
  }
  state.file = file;
  if (!keepSet) state.set = {};
  inputs = data.inputs;
  scenario = data.scenario;
  $('scenario').value = file;
  const dims = scenario.dimensions.map((x) => x.name);
  if (!dims.includes(state.dim)) state.dim = dims[0] || '';
  $('dimension').replaceChildren(...dims.map((name) => new Option(name, name, false, name === state.dim)));
  $('shares-toggle').hidden = !hasShares();  // only a scenario with share series (output.shares) has the view
  $('shares').checked = state.shares;
  buildControls();
  writeHash();
  await run();
}

/** Whether the scenario reports each member's share of the total (output.shares). */
const hasShares = () => Boolean(scenario && scenario.series.some(isShare));

async function listScenarios() {
  const { data } = await api('/api/scenarios');
  const usable = data.scenarios.filter((s) => !s.error);
  $('scenario').replaceChildren(...usable.map((s) => new Option(`${s.name} (${s.file})`, s.file)));
  return usable;
}

async function save() {
  const name = $('save-name').value.trim();
  const { status: code, data } = await api('/api/save', { file: state.file, set: state.set, name });
  $('save-status').textContent = code === 201 ? `saved as ${data.file}` : data.error;
  if (code === 201) await listScenarios().then(() => { $('scenario').value = state.file; });
}

async function download() {
  const { status: code, data } = await api('/api/toml', { file: state.file, set: state.set });
  if (code !== 200) {
    $('save-status').textContent = data.error;
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([data.toml], { type: 'application/toml' }));
  link.download = ($('save-name').value.trim() || 'what_if') + '.toml';
  link.click();
  URL.revokeObjectURL(link.href);
}

async function start() {
  readHash();
  $('paths').value = String(state.paths);
  if ($('paths').value !== String(state.paths)) {
    $('paths').append(new Option(state.paths.toLocaleString('en'), String(state.paths), true, true));
  }
  $('spaghetti').checked = state.spaghetti;
  const usable = await listScenarios();
  if (!usable.length) {
    status('no scenario file in the served folder loads', true);
    return;
  }
  const file = usable.some((s) => s.file === state.file) ? state.file : usable[0].file;
  await open(file, file === state.file);
}

$('scenario').addEventListener('change', () => open($('scenario').value, false));
$('paths').addEventListener('change', () => { state.paths = Number($('paths').value); writeHash(); run(); });
$('spaghetti').addEventListener('change', () => { state.spaghetti = $('spaghetti').checked; writeHash(); run(); });
$('dimension').addEventListener('change', () => { state.dim = $('dimension').value; writeHash(); run(); });
$('shares').addEventListener('change', () => { state.shares = $('shares').checked; writeHash(); run(); });
$('reset').addEventListener('click', () => { state.set = {}; syncControls(); writeHash(); run(); });
$('save-button').addEventListener('click', save);
$('download').addEventListener('click', download);
start();
