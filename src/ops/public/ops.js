// The operations page: signs in, keeps the tokens in memory only (a reload signs out), and draws
// what /ops/stream pushes every second. Actions go to the API's own routes. No framework: every
// list is updated in place, keyed by id, so focus and scroll survive the updates.

const WINDOW_S = 15 * 60;
/** The overview tiles sum up this many seconds. */
const TILE_WINDOW_S = 60;
const RECONNECT_MS = 1000;
/** Refresh the access token when this share of its lifetime has passed. */
const REFRESH_AT = 0.8;

const $ = (selector, root = document) => root.querySelector(selector);

/** Creates an element: attributes (data-*, aria-*, class, …) and children (nodes or text). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// ---------------------------------------------------------------- formatting

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const fmtInt = (value) => (value === null || value === undefined ? '–' : integer.format(value));
const fmtPercent = (ratio) => (ratio === null || ratio === undefined ? '–' : `${decimal.format(ratio * 100)}%`);
function fmtBytes(bytes) {
  if (bytes === null || bytes === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? integer.format(value) : decimal.format(value)} ${units[unit]}`;
}
function fmtMs(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1) return `${decimal.format(ms * 1000)} µs`;
  if (ms < 1000) return `${decimal.format(ms)} ms`;
  if (ms < 60_000) return `${decimal.format(ms / 1000)} s`;
  if (ms < 3_600_000) return `${decimal.format(ms / 60_000)} min`;
  return `${decimal.format(ms / 3_600_000)} h`;
}
function fmtTtl(ms) {
  if (ms < 0) return 'no expiry';
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}
function fmtAgo(iso, now = Date.now()) {
  if (!iso) return '–';
  const delta = Math.round((now - Date.parse(iso)) / 1000);
  const abs = Math.abs(delta);
  const text =
    abs < 60
      ? `${abs} s`
      : abs < 3600
        ? `${Math.round(abs / 60)} min`
        : abs < 86400
          ? `${Math.round(abs / 3600)} h`
          : `${Math.round(abs / 86400)} d`;
  return delta >= 0 ? `${text} ago` : `in ${text}`;
}
const fmtTime = (iso) =>
  iso ? new Date(iso).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '–';
const shortId = (id) => id.replace(/^process-/, '').slice(0, 8);

// ---------------------------------------------------------------- session (memory only)

const session = { access: null, refresh: null, account: null, timer: null, refreshing: null };

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ? (Array.isArray(body.message) ? body.message.join('; ') : body.message) : `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function postJson(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

function adopt(tokens) {
  session.access = tokens.access_token;
  session.refresh = tokens.refresh_token;
  clearTimeout(session.timer);
  session.timer = setTimeout(() => void refreshTokens().catch(() => {}), tokens.expires_in * 1000 * REFRESH_AT);
}

/**
 * One refresh at a time: a refresh token is single-use, and presenting a used one again revokes
 * the whole sign-in, so concurrent callers share the refresh in flight.
 */
function refreshTokens() {
  if (!session.refreshing) {
    const token = session.refresh;
    session.refreshing = postJson('/auth/refresh', { refresh_token: token })
      .then((tokens) => adopt(tokens))
      .catch((error) => {
        if (session.refresh === token) endSession('Your session ended; sign in again.');
        throw error;
      })
      .finally(() => (session.refreshing = null));
  }
  return session.refreshing;
}

/** Calls the API with the access token; a 401 refreshes the tokens once and tries again. */
async function api(path, { method = 'GET', body } = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = { authorization: `Bearer ${session.access}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status === 401 && attempt === 0 && session.refresh) {
      await refreshTokens();
      continue;
    }
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed;
  }
}

async function signIn(email, password) {
  const tokens = await postJson('/auth/login', { email, password });
  adopt(tokens);
  const account = await api('/auth/me').catch(() => null);
  if (account?.role !== 'admin') {
    await signOut();
    throw new Error('This page is for admin accounts.');
  }
  session.account = account;
  startApp();
}

async function signOut() {
  const token = session.refresh;
  endSession();
  if (token) await postJson('/auth/logout', { refresh_token: token }).catch(() => {});
}

function endSession(message) {
  clearTimeout(session.timer);
  Object.assign(session, { access: null, refresh: null, account: null, timer: null });
  stream.stop();
  $('#app').hidden = true;
  $('#signin-view').hidden = false;
  $('#password').value = '';
  const error = $('#signin-error');
  error.hidden = !message;
  error.textContent = message ?? '';
  $('#email').focus();
}

// ---------------------------------------------------------------- the event stream

const stream = {
  controller: null,
  retry: null,
  start() {
    this.stop();
    const controller = (this.controller = new AbortController());
    void this.read(controller)
      .catch(() => {})
      .finally(() => {
        if (this.controller !== controller || controller.signal.aborted) return;
        setLive('connecting', 'Reconnecting…');
        this.retry = setTimeout(() => this.start(), this.retryMs ?? RECONNECT_MS);
      });
  },
  stop() {
    clearTimeout(this.retry);
    this.controller?.abort();
    this.controller = null;
  },
  async read(controller) {
    let response = await fetch('/ops/stream', {
      headers: { authorization: `Bearer ${session.access}`, accept: 'text/event-stream' },
      signal: controller.signal,
    });
    if (response.status === 401) {
      await refreshTokens();
      response = await fetch('/ops/stream', {
        headers: { authorization: `Bearer ${session.access}`, accept: 'text/event-stream' },
        signal: controller.signal,
      });
    }
    if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        this.dispatch(block);
      }
    }
  },
  dispatch(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    if (data.length === 0) return;
    const payload = JSON.parse(data.join('\n'));
    if (type === 'history') onHistory(payload);
    else if (type === 'snapshot') onSnapshot(payload);
    // The instance is shutting down, or the token that opened the stream expired: the stream ends and is reopened.
    else if (type === 'reconnect') setLive('connecting', 'Reconnecting…');
  },
};

function setLive(state, text) {
  const live = $('#live');
  live.dataset.state = state;
  live.textContent = text;
}

// ---------------------------------------------------------------- overview

const traffic = { instance: null, total: new Map(), instances: new Map() };

function ingest(series) {
  for (const point of series.total) traffic.total.set(point.t, point);
  for (const instance of series.instances) {
    let known = traffic.instances.get(instance.id);
    if (!known) traffic.instances.set(instance.id, (known = { self: instance.self, points: new Map() }));
    for (const point of instance.points) known.points.set(point.t, point);
  }
  const horizon = Math.floor(Date.now() / 1000) - WINDOW_S;
  for (const t of traffic.total.keys()) if (t < horizon) traffic.total.delete(t);
  for (const [id, instance] of traffic.instances) {
    for (const t of instance.points.keys()) if (t < horizon) instance.points.delete(t);
    if (instance.points.size === 0) traffic.instances.delete(id);
  }
}

function onHistory(history) {
  traffic.instance = history.instance;
  traffic.total.clear();
  traffic.instances.clear();
  ingest(history);
  drawOverview();
}

const charts = new Map();
let chartShape = '';

function palette() {
  const style = getComputedStyle(document.documentElement);
  const read = (name) => style.getPropertyValue(name).trim();
  return {
    text: read('--muted'),
    grid: read('--grid'),
    series: [0, 1, 2, 3, 4, 5].map((index) => read(`--series-${index}`)),
  };
}

const CHARTS = [
  { id: 'rps', perInstance: true, value: (p) => p.rps, format: (v) => decimal.format(v) },
  { id: 'latency', perInstance: false, format: (v) => (v >= 1000 ? `${decimal.format(v / 1000)} s` : `${decimal.format(v)} ms`) },
  {
    id: 'errors',
    perInstance: true,
    value: (p) => (p.error_rate === null ? null : p.error_rate * 100),
    format: (v) => `${decimal.format(v)}%`,
    floor: 1,
  },
  {
    id: 'hits',
    perInstance: true,
    value: (p) => (p.hit_ratio === null ? null : p.hit_ratio * 100),
    format: (v) => `${decimal.format(v)}%`,
    fixed: [0, 100],
  },
];

function seriesOf(chart, instances, colors) {
  if (chart.id === 'latency') {
    return ['p50', 'p95', 'p99'].map((name, index) => ({ label: name, stroke: colors.series[index], value: (p) => p[`${name}_ms`] }));
  }
  const lines = [
    { label: instances.length > 1 ? 'All instances' : 'This instance', stroke: colors.series[0], value: chart.value, source: 'total' },
  ];
  if (chart.perInstance && instances.length > 1) {
    instances.forEach(([id, instance], index) =>
      lines.push({
        label: `${shortId(id)}${instance.self ? ' (this)' : ''}`,
        stroke: colors.series[(index + 1) % colors.series.length],
        value: chart.value,
        source: id,
        dash: [5, 4],
      }),
    );
  }
  return lines;
}

function buildChart(chart, container, lines, colors) {
  const axis = { stroke: colors.text, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 } };
  const width = Math.max(container.clientWidth, 200);
  const options = {
    width,
    height: 220,
    cursor: { points: { size: 6 } },
    // The legend names the lines; hovering shows the values at that second.
    legend: { live: true },
    scales: {
      x: { time: true },
      y: { range: (u, min, max) => chart.fixed ?? [0, Math.max(max ?? 0, chart.floor ?? 0) * 1.1 || 1] },
    },
    axes: [
      { ...axis, space: 70 },
      { ...axis, size: 64, values: (u, values) => values.map((v) => chart.format(v)) },
    ],
    series: [
      { value: (u, v) => (v === null ? '–' : new Date(v * 1000).toLocaleTimeString()) },
      ...lines.map((line) => ({
        label: line.label,
        stroke: line.stroke,
        width: 2,
        dash: line.dash,
        points: { show: false },
        value: (u, v) => (v === null || v === undefined ? '–' : chart.format(v)),
      })),
    ],
  };
  container.replaceChildren();
  return new window.uPlot(options, [[]], container);
}

function drawOverview() {
  if (!window.uPlot) return;
  const colors = palette();
  const instances = [...traffic.instances].sort(([, a], [, b]) => Number(b.self) - Number(a.self));
  const shape = `${matchMedia('(prefers-color-scheme: dark)').matches}|${instances.map(([id]) => id).join(',')}`;
  const xs = [...traffic.total.keys()].sort((a, b) => a - b);
  for (const chart of CHARTS) {
    const container = $(`#chart-${chart.id}`);
    const lines = seriesOf(chart, instances, colors);
    let entry = charts.get(chart.id);
    if (!entry || shape !== chartShape) {
      entry?.plot.destroy();
      entry = { plot: buildChart(chart, container, lines, colors), lines };
      charts.set(chart.id, entry);
    }
    const data = [xs];
    for (const line of entry.lines) {
      const points = line.source && line.source !== 'total' ? traffic.instances.get(line.source)?.points : traffic.total;
      data.push(
        xs.map((t) => {
          const point = points?.get(t);
          return point ? line.value(point) : null;
        }),
      );
    }
    entry.plot.setData(data);
  }
  chartShape = shape;
  drawTiles(xs, instances.length);
}

/** The tiles sum up the last minute: its rate, its slowest second's p95, its errors and hits. */
function drawTiles(xs, instanceCount) {
  const since = Math.floor(Date.now() / 1000) - TILE_WINDOW_S;
  const minute = xs.filter((t) => t > since).map((t) => traffic.total.get(t));
  const sum = (field) => minute.reduce((total, point) => total + point[field], 0);
  const requests = sum('requests');
  const slowest = minute.reduce((worst, point) => (point.p95_ms === null ? worst : Math.max(worst ?? 0, point.p95_ms)), null);
  const seconds = minute.length > 0 ? Math.min(TILE_WINDOW_S, Math.floor(Date.now() / 1000) - minute[0].t + 1) : 0;
  setFigure('rps', seconds > 0 ? decimal.format(requests / seconds) : '–');
  setFigure('p95', slowest === null ? '–' : decimal.format(slowest), slowest === null ? '' : 'ms');
  setFigure('errors', requests > 0 ? fmtPercent(sum('errors') / requests) : '–');
  const reads = sum('cache_reads');
  setFigure('hits', reads > 0 ? fmtPercent(sum('cache_hits') / reads) : '–');
  setFigure('instances', String(instanceCount || 1));
}

function setFigure(name, text, unit = '') {
  const node = $(`[data-figure="${name}"]`);
  node.replaceChildren(text, ...(unit ? [el('small', { text: unit })] : []));
}

const resizer = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const chart = charts.get(entry.target.id.replace('chart-', ''));
    const width = Math.floor(entry.contentRect.width);
    if (chart && width > 0 && width !== chart.plot.width) chart.plot.setSize({ width, height: 220 });
  }
});

// ---------------------------------------------------------------- keyed lists

/** Makes `container`'s children the items in order, reusing the node of each key. */
function sync(container, items, key, create, update) {
  const existing = new Map([...container.children].filter((node) => node.dataset.key).map((node) => [node.dataset.key, node]));
  const wanted = items.map((item) => {
    const id = String(key(item));
    let node = existing.get(id);
    const fresh = !node;
    if (fresh) {
      node = create(item);
      node.dataset.key = id;
    }
    existing.delete(id);
    update(node, item, fresh);
    return node;
  });
  for (const node of existing.values()) node.remove();
  for (const node of [...container.children]) if (!node.dataset.key) node.remove();
  wanted.forEach((node, index) => {
    if (container.children[index] !== node) container.insertBefore(node, container.children[index] ?? null);
  });
}

function setCell(cell, text, value) {
  if (cell.textContent !== text) cell.textContent = text;
  if (value !== undefined) cell.dataset.value = value === null ? '' : String(value);
}

function emptyRow(tbody, columns, text) {
  if (tbody.children.length === 0) tbody.append(el('tr', {}, el('td', { class: 'empty', colspan: columns, text })));
}

// ---------------------------------------------------------------- cache

const NUMERIC_FIELDS = ['hits_l1', 'hits_l2', 'misses', 'stale_serves', 'invalidations'];

function renderCache(cache) {
  const tbody = $('#namespace-table tbody');
  if (cache.error) {
    $('#cache-note').textContent = `Cache figures unavailable: ${cache.error}`;
    return;
  }
  const redis = cache.redis;
  $('#cache-note').textContent = redis
    ? `Counters of this instance since ${fmtTime(cache.since)}; entries and memory are the keys in Redis, counted ${fmtAgo(redis.memory_at)}.${redis.error ? ` Redis: ${redis.error}` : ''}`
    : `Counters of this instance since ${fmtTime(cache.since)}; entries and memory are its L1 (no Redis configured).`;
  setFigure('cache-hit', fmtPercent(cache.totals.hit_ratio));
  setFigure('l1-entries', fmtInt(cache.l1.entries));
  setFigure('l1-bytes', fmtBytes(cache.l1.bytes));
  setFigure('redis-bytes', redis ? fmtBytes(redis.used_bytes) : 'no Redis');
  sync(
    tbody,
    cache.namespaces,
    (row) => row.namespace,
    (row) =>
      el(
        'tr',
        { 'data-namespace': row.namespace },
        el('th', { scope: 'row', text: row.namespace }),
        el('td', { class: 'num', 'data-field': 'entries' }),
        ...NUMERIC_FIELDS.map((field) => el('td', { class: 'num', 'data-field': field })),
        el('td', { class: 'num', 'data-field': 'bytes' }),
        el('td', { class: 'num', 'data-field': 'hit_ratio' }),
        el(
          'td',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'small danger-outline',
              'aria-label': `Clear ${row.namespace}`,
              onclick: () => void confirmClear(row.namespace),
            },
            'Clear',
          ),
        ),
      ),
    (tr, row) => {
      const entries = row.redis_keys ?? row.l1_entries;
      setCell($('[data-field="entries"]', tr), fmtInt(entries), entries);
      for (const field of NUMERIC_FIELDS) setCell($(`[data-field="${field}"]`, tr), fmtInt(row[field]), row[field]);
      const bytes = row.redis_bytes ?? row.l1_bytes;
      setCell($('[data-field="bytes"]', tr), fmtBytes(bytes), bytes);
      setCell($('[data-field="hit_ratio"]', tr), fmtPercent(row.hit_ratio), row.hit_ratio);
    },
  );
  const targets = $('#clear-target');
  if (targets.options.length === 0) {
    for (const target of [...cache.namespaces.map((row) => row.namespace), 'restaurant-menus'])
      targets.append(el('option', { value: target, text: target }));
    targets.append(el('option', { value: '*', text: 'everything' }));
    const keyNamespaces = $('#keys-namespace');
    for (const row of cache.namespaces) keyNamespaces.append(el('option', { value: row.namespace, text: row.namespace }));
  }
}

function renderAudit(audit) {
  const tbody = $('#audit-table tbody');
  if (audit.error) return;
  sync(
    tbody,
    audit,
    (entry) => entry.id,
    () =>
      el(
        'tr',
        {},
        el('td', { 'data-field': 'when' }),
        el('td', { 'data-field': 'action' }),
        el('td', { 'data-field': 'namespace' }),
        el('td', { 'data-field': 'cause' }),
        el('td', { class: 'num', 'data-field': 'keys' }),
      ),
    (tr, entry) => {
      setCell($('[data-field="when"]', tr), `${fmtTime(entry.occurred_at)} · ${fmtAgo(entry.occurred_at)}`);
      setCell($('[data-field="action"]', tr), entry.action);
      setCell($('[data-field="namespace"]', tr), entry.namespace ?? 'all');
      setCell($('[data-field="cause"]', tr), entry.reason ? `${entry.cause} — ${entry.reason}` : entry.cause);
      setCell($('[data-field="keys"]', tr), fmtInt(entry.key_count), entry.key_count);
    },
  );
  emptyRow(tbody, 5, 'No invalidations recorded yet.');
}

function confirmDialog(title, text, action) {
  const dialog = $('#confirm');
  $('#confirm-title').textContent = title;
  $('#confirm-text').textContent = text;
  $('#confirm-ok').textContent = action;
  dialog.returnValue = '';
  dialog.showModal();
  $('#confirm-cancel').focus();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true }));
}

async function confirmClear(target) {
  const everything = target === '*';
  const confirmed = await confirmDialog(
    everything ? 'Clear the whole cache?' : `Clear ${target}?`,
    everything
      ? 'Every cached entry is removed from Redis and from the L1 of every instance. Requests load from the database until the cache fills again.'
      : `Every entry of ${target} is removed from Redis and from the L1 of every instance.`,
    'Clear',
  );
  if (!confirmed) return;
  try {
    const result = await api(everything ? '/cache/clear' : `/cache/clear/${encodeURIComponent(target)}`, { method: 'DELETE' });
    toast(`Cleared ${everything ? 'the cache' : target}: ${fmtInt(result.removed.total)} keys removed in ${fmtMs(result.duration_ms)}.`);
  } catch (error) {
    toast(`Clear failed: ${error.message}`);
  }
}

const keyBrowser = { namespace: null, cursor: '0' };

async function loadKeys(next) {
  const namespace = next ? keyBrowser.namespace : $('#keys-namespace').value;
  const cursor = next ? keyBrowser.cursor : '0';
  const tbody = $('#keys-table tbody');
  try {
    const page = await api(`/cache/keys/${encodeURIComponent(namespace)}?count=25&cursor=${encodeURIComponent(cursor)}`);
    Object.assign(keyBrowser, { namespace, cursor: page.cursor });
    tbody.replaceChildren(
      ...page.keys.map((key) =>
        el(
          'tr',
          {},
          el('td', { class: 'key', text: key.key }),
          el('td', { class: 'num', text: fmtTtl(key.ttl_ms) }),
          el('td', { class: 'num', text: fmtBytes(key.bytes) }),
        ),
      ),
    );
    emptyRow(tbody, 3, next ? 'No more keys on this page of the scan.' : `No keys cached in ${namespace}.`);
    $('#keys-note').textContent =
      `${namespace}: ${page.keys.length} keys from ${page.source === 'redis' ? 'Redis' : 'this instance’s L1'}${page.cursor === '0' ? ', end of the listing.' : '; more on the next page.'}`;
    $('#keys-next').disabled = page.cursor === '0';
  } catch (error) {
    $('#keys-note').textContent = `Could not list keys: ${error.message}`;
  }
}

async function loadTtlTable() {
  const info = await api('/cache/info');
  $('#ttl-table tbody').replaceChildren(
    ...info.ttl.map((row) =>
      el(
        'tr',
        {},
        el('td', { text: row.name }),
        el('td', { class: 'num', text: fmtTtl(row.seconds * 1000) }),
        el('td', {}, el('span', { class: 'badge', text: row.source })),
      ),
    ),
  );
}

// ---------------------------------------------------------------- jobs

const jobNotes = new Map();
const OUTCOME_BADGE = { succeeded: 'ok', failed: 'danger', running: 'info' };

function renderJobs(jobs) {
  if (jobs.error) return;
  const tbody = $('#jobs-table tbody');
  sync(
    tbody,
    jobs,
    (job) => job.name,
    (job) =>
      el(
        'tr',
        { 'data-job': job.name },
        el('td', {}, el('div', { class: 'job-name', text: job.name }), el('div', { class: 'job-desc', text: job.description })),
        el('td', { 'data-field': 'every', 'data-label': 'Every' }),
        el('td', { 'data-field': 'last', 'data-label': 'Last run' }),
        el('td', { 'data-field': 'outcome', 'data-label': 'Outcome' }),
        el('td', { class: 'num', 'data-field': 'duration', 'data-label': 'Duration' }),
        el('td', { 'data-field': 'next', 'data-label': 'Next run' }),
        el(
          'td',
          {},
          el(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-label': `Run ${job.name} now`,
              onclick: (event) => void runJob(job.name, event.currentTarget),
            },
            'Run now',
          ),
          el('div', { class: 'row-note', 'data-field': 'note', role: 'status' }),
        ),
      ),
    (tr, job) => {
      setCell($('[data-field="every"]', tr), fmtMs(job.interval_ms), job.interval_ms);
      setCell($('[data-field="last"]', tr), job.last_run ? `${fmtTime(job.last_run.started_at)} · ${job.last_run.trigger}` : 'never');
      const outcome = job.running_here ? 'running' : job.last_run?.outcome;
      const cell = $('[data-field="outcome"]', tr);
      cell.dataset.value = outcome ?? '';
      const badge = outcome
        ? el('span', { class: `badge ${OUTCOME_BADGE[outcome] ?? ''}`, text: outcome })
        : el('span', { class: 'muted', text: '–' });
      if (cell.textContent !== badge.textContent) cell.replaceChildren(badge);
      setCell($('[data-field="duration"]', tr), fmtMs(job.last_run?.duration_ms), job.last_run?.duration_ms ?? null);
      setCell($('[data-field="next"]', tr), job.next_run_at ? fmtAgo(job.next_run_at) : '–');
      setCell($('[data-field="note"]', tr), jobNotes.get(job.name) ?? '');
    },
  );
}

async function runJob(name, button) {
  button.disabled = true;
  jobNotes.set(name, 'running…');
  const note = $(`tr[data-job="${name}"] [data-field="note"]`);
  note.textContent = 'running…';
  try {
    const run = await api(`/jobs/${encodeURIComponent(name)}/run`, { method: 'POST' });
    jobNotes.set(name, '');
    toast(`${name} ${run.outcome} in ${fmtMs(run.duration_ms)}.`);
  } catch (error) {
    jobNotes.set(name, error.status === 409 ? 'running elsewhere' : `failed: ${error.message}`);
  } finally {
    note.textContent = jobNotes.get(name);
    button.disabled = false;
  }
}

// ---------------------------------------------------------------- alerts

const SEVERITY_BADGE = { critical: 'danger', warning: 'warn', info: 'info' };
const STATUS_BADGE = { open: 'danger', acknowledged: 'info', resolved: 'ok' };

function renderAlerts(alerts) {
  if (alerts.error) {
    $('#alerts-note').textContent = `Alerts unavailable: ${alerts.error}`;
    return;
  }
  const open = alerts.items.filter((alert) => alert.status === 'open').length;
  const badge = $('#alert-badge');
  badge.hidden = open === 0;
  badge.textContent = String(open);
  $('#alerts-note').textContent =
    `${open} open · ${alerts.total} in all${alerts.total > alerts.items.length ? ` (latest ${alerts.items.length} shown)` : ''}`;
  const list = $('#alert-list');
  sync(
    list,
    alerts.items,
    (alert) => alert.id,
    (alert) =>
      el(
        'li',
        { class: 'alert', 'data-alert-id': alert.id },
        el('div', {}, el('div', { class: 'alert-title' }), el('p', { class: 'alert-message' }), el('div', { class: 'alert-meta' })),
        el(
          'div',
          { class: 'actions' },
          el(
            'button',
            { type: 'button', class: 'small', 'data-action': 'acknowledge', onclick: () => void changeAlert(alert.id, 'acknowledge') },
            'Acknowledge',
          ),
          el(
            'button',
            { type: 'button', class: 'small', 'data-action': 'resolve', onclick: () => void changeAlert(alert.id, 'resolve') },
            'Resolve',
          ),
        ),
      ),
    (li, alert) => {
      li.dataset.status = alert.status;
      li.dataset.severity = alert.severity;
      const title = $('.alert-title', li);
      const wanted = `${alert.severity}${alert.status}${alert.rule}`;
      if (title.dataset.was !== wanted) {
        title.dataset.was = wanted;
        title.replaceChildren(
          el('span', { class: `badge ${SEVERITY_BADGE[alert.severity] ?? ''}`, text: alert.severity }),
          el('span', { class: `badge ${STATUS_BADGE[alert.status] ?? ''}`, 'data-field': 'status', text: alert.status }),
          el('span', { text: alert.rule }),
        );
      }
      setCell($('.alert-message', li), alert.message);
      const meta = [`opened ${fmtAgo(alert.opened_at)}`, `last seen ${fmtAgo(alert.last_seen_at)}`];
      if (alert.acknowledged_at) meta.push(`acknowledged ${fmtAgo(alert.acknowledged_at)}`);
      if (alert.resolved_at) meta.push(`resolved ${fmtAgo(alert.resolved_at)}`);
      setCell($('.alert-meta', li), meta.join(' · '));
      $('[data-action="acknowledge"]', li).hidden = alert.status !== 'open';
      $('[data-action="resolve"]', li).hidden = alert.status === 'resolved';
    },
  );
  if (alerts.items.length === 0 && !$('.empty-state', list)) list.append(el('li', { class: 'empty-state', text: 'No alerts. All quiet.' }));
}

async function changeAlert(id, action) {
  try {
    const alert = await api(`/alerts/${id}/${action}`, { method: 'POST' });
    toast(`Alert ${id} ${alert.status}.`);
    const li = $(`[data-alert-id="${id}"]`);
    if (li) {
      li.dataset.status = alert.status;
      $('[data-field="status"]', li).textContent = alert.status;
      $('[data-action="acknowledge"]', li).hidden = alert.status !== 'open';
      $('[data-action="resolve"]', li).hidden = alert.status === 'resolved';
    }
  } catch (error) {
    toast(`Could not ${action} alert ${id}: ${error.message}`);
  }
}

// ---------------------------------------------------------------- live orders

const STATUS_ORDER_BADGE = { placed: 'warn', confirmed: 'info', preparing: 'info', out_for_delivery: 'ok' };
let seenOrders = null;

function renderOrders(groups) {
  if (groups.error) {
    $('#orders-note').textContent = `Live orders unavailable: ${groups.error}`;
    return;
  }
  const count = groups.reduce((sum, group) => sum + group.order_count, 0);
  const badge = $('#order-badge');
  badge.hidden = count === 0;
  badge.textContent = String(count);
  $('#orders-note').textContent =
    `${count} orders in progress at ${groups.length} restaurants, updated ${fmtTime(new Date().toISOString())}.`;
  const first = seenOrders === null;
  const seen = (seenOrders ??= new Set());
  const container = $('#order-groups');
  sync(
    container,
    groups,
    (group) => group.restaurant_id,
    (group) =>
      el(
        'section',
        { class: 'card order-group', 'data-restaurant-id': group.restaurant_id, 'aria-label': group.restaurant_name },
        el('h2'),
        el('ul', { class: 'order-list' }),
      ),
    (section, group) => {
      const heading = $('h2', section);
      const title = `${group.restaurant_name}|${group.order_count}`;
      if (heading.dataset.was !== title) {
        heading.dataset.was = title;
        heading.replaceChildren(
          el('span', { text: group.restaurant_name }),
          el('span', { class: 'badge', text: `${group.order_count} in progress` }),
        );
      }
      sync(
        $('ul', section),
        group.orders,
        (order) => order.id,
        (order) =>
          el(
            'li',
            { class: 'order', 'data-order-id': order.id },
            el('span', { class: 'order-id', text: `#${order.id}` }),
            el('span', { 'data-field': 'status' }),
            el('span', { class: 'order-total', text: money.format(order.total_amount) }),
            el('span', { class: 'order-meta' }),
          ),
        (li, order, fresh) => {
          const status = $('[data-field="status"]', li);
          if (status.dataset.value !== order.order_status) {
            status.dataset.value = order.order_status;
            status.replaceChildren(
              el('span', { class: `badge ${STATUS_ORDER_BADGE[order.order_status] ?? ''}`, text: order.order_status.replaceAll('_', ' ') }),
            );
          }
          setCell($('.order-meta', li), `customer ${order.customer_id} · placed ${fmtAgo(order.order_date)}`);
          if (fresh && !first && !seen.has(order.id)) li.classList.add('fresh');
          seen.add(order.id);
        },
      );
    },
  );
  if (groups.length === 0 && !$('.empty-state', container))
    container.append(el('p', { class: 'empty-state', text: 'No orders in progress.' }));
}

// ---------------------------------------------------------------- snapshot, tabs, toast

function onSnapshot(snapshot) {
  setLive('live', `Live · ${fmtTime(snapshot.at)}`);
  ingest(snapshot.overview);
  drawOverview();
  renderCache(snapshot.cache);
  renderAudit(snapshot.audit);
  renderJobs(snapshot.jobs);
  renderAlerts(snapshot.alerts);
  renderOrders(snapshot.live_orders);
}

const TABS = ['overview', 'cache', 'jobs', 'alerts', 'orders'];

function selectTab(name, focus = false) {
  const tab = TABS.includes(name) ? name : 'overview';
  for (const other of TABS) {
    const button = $(`#tab-${other}`);
    const selected = other === tab;
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`#view-${other}`).hidden = !selected;
  }
  if (focus) $(`#tab-${tab}`).focus();
  if (location.hash !== `#${tab}`) history.replaceState(null, '', `#${tab}`);
  if (tab === 'overview') requestAnimationFrame(() => drawOverview());
}

function wireTabs() {
  const list = $('#tablist');
  list.addEventListener('click', (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (tab) selectTab(tab.id.replace('tab-', ''));
  });
  list.addEventListener('keydown', (event) => {
    const current = TABS.indexOf(document.activeElement?.id?.replace('tab-', ''));
    if (current < 0) return;
    const moves = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: TABS.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    selectTab(TABS[(moves[event.key] + TABS.length) % TABS.length], true);
  });
  window.addEventListener('hashchange', () => selectTab(location.hash.slice(1)));
}

let toastTimer;
function toast(text) {
  const node = $('#toast');
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (node.hidden = true), 4000);
}

function startApp() {
  $('#signin-view').hidden = true;
  $('#app').hidden = false;
  $('#account').textContent = session.account?.email ?? '';
  selectTab(location.hash.slice(1));
  setLive('connecting', 'Connecting…');
  stream.start();
  void loadTtlTable().catch((error) => toast(`Could not load the TTL table: ${error.message}`));
}

function init() {
  wireTabs();
  for (const chart of CHARTS) resizer.observe($(`#chart-${chart.id}`));
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => drawOverview());
  $('#signin-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = $('#signin-button');
    const error = $('#signin-error');
    button.disabled = true;
    error.hidden = true;
    try {
      await signIn($('#email').value.trim(), $('#password').value);
    } catch (failure) {
      error.textContent = failure instanceof ApiError && failure.status === 401 ? 'Wrong email or password.' : failure.message;
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  $('#signout').addEventListener('click', () => void signOut());
  $('#clear-selected').addEventListener('click', () => void confirmClear($('#clear-target').value));
  $('#keys-load').addEventListener('click', () => void loadKeys(false));
  $('#keys-next').addEventListener('click', () => void loadKeys(true));
  $('#email').focus();
}

init();
