// The falco console: the workflow list, and for one workflow its graph, timeline and tasks, kept
// live by the API's server-sent events. Plain browser JavaScript, no libraries, no external assets.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const START = '$start';
const END = '$end';
const $ = (selector) => document.querySelector(selector);
const KINDS = { graph: 'graph', 'state-machine': 'state machine', code: 'code' };
/** The lifecycle calls an engine lacks (the API answers them 409, naming what it supports): their buttons stay disabled. */
const LACKS = { graph: [], 'state-machine': ['pause', 'resume', 'restart'], code: ['pause', 'archive', 'restore'] };
/** The longest wait before the page opens its event stream again, after the browser gave up on it. */
const MAX_RECONNECT_MS = 30_000;

const view = {
  workflows: new Map(),
  /** The id of the workflow the page shows, and what it last read of it. */
  shown: undefined,
  detail: undefined,
  reading: false,
  again: false,
  selectedTask: undefined,
};

// ---- the API ----

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const token = $('#token').value;
  if (method === 'POST' && token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || `${response.status} ${response.statusText}`);
  return answer;
}

function report(error) {
  const message = $('#message');
  message.textContent = error ? error.message : '';
  message.hidden = !error;
}

async function run(action) {
  try {
    report(undefined);
    await action();
  } catch (error) {
    report(error);
  }
}

// ---- the list ----

async function loadList() {
  const archived = $('#archived').checked;
  const workflows = await api('GET', `/api/workflows${archived ? '?archived=true' : ''}`);
  view.workflows = new Map(workflows.map((workflow) => [workflow.id, workflow]));
  renderList();
}

function renderList() {
  const body = $('#workflows tbody');
  const rows = [...view.workflows.values()].filter((w) => w.archived === $('#archived').checked).sort((a, b) => b.createdAt - a.createdAt);
  body.replaceChildren(
    ...rows.map((workflow) => {
      const row = element('tr', { 'data-id': workflow.id });
      row.append(cell(workflow.name), cell(workflow.id), stateCell(workflow.state), cell(time(workflow.createdAt)), cell(time(workflow.endedAt)), cell(KINDS[workflow.kind] || workflow.kind));
      row.addEventListener('click', () => (location.hash = `#/workflow/${encodeURIComponent(workflow.id)}`));
      return row;
    }),
  );
}

// ---- one workflow ----

/**
 * Reads the shown workflow again. Every change to it calls this; a call while a read is in flight
 * reads once more after it, so the last read starts after the last change and the page ends up
 * showing the newest state, whatever order the answers and the events came in.
 */
async function refresh() {
  if (view.reading) {
    view.again = true;
    return;
  }
  view.reading = true;
  try {
    do {
      view.again = false;
      const id = view.shown;
      if (id === undefined) return;
      const detail = await api('GET', `/api/workflows/${encodeURIComponent(id)}`);
      if (view.shown !== id) continue;
      view.detail = { ...detail, tasks: new Map(detail.tasks.map((task) => [task.node, task])) };
      renderDetail();
    } while (view.again);
  } finally {
    view.reading = false;
  }
}

function renderDetail() {
  const detail = view.detail;
  if (!detail) return;
  $('#wf-name').textContent = detail.name;
  $('#wf-kind').textContent = KINDS[detail.kind] || detail.kind || '';
  $('#wf-id').textContent = detail.id;
  $('#wf-created').textContent = time(detail.createdAt) || '—';
  $('#wf-ended').textContent = time(detail.endedAt) || '—';
  const state = $('#wf-state');
  state.textContent = detail.archived ? `${detail.state} (archived)` : detail.state;
  state.className = `state ${detail.state}`;
  const allowed = {
    pause: detail.state === 'running',
    resume: detail.state === 'paused',
    terminate: detail.state === 'running' || detail.state === 'paused',
    restart: detail.state === 'failed' || detail.state === 'terminated',
    archive: !detail.archived && ['finished', 'failed', 'terminated'].includes(detail.state),
    restore: detail.archived,
  };
  const lacks = LACKS[detail.kind] || [];
  for (const button of document.querySelectorAll('#actions button')) button.disabled = !allowed[button.dataset.action] || lacks.includes(button.dataset.action);
  renderGraph(detail);
  renderGantt(detail);
  renderTasks(detail);
  renderTask(detail);
}

function taskOf(detail, node) {
  return detail.tasks.get(node.id) || { node: node.id, name: node.name, state: 'pending', attempt: 0 };
}

/** Layers for a left-to-right layout: the longest path from the start, back edges (cycles) left out. */
function layers(graph) {
  const ids = [START, ...graph.nodes.map((node) => node.id), END];
  const out = new Map(ids.map((id) => [id, []]));
  for (const edge of graph.edges) out.get(edge.from)?.push(edge.to);
  const back = new Set();
  const state = new Map();
  const order = [];
  const visit = (id) => {
    state.set(id, 'open');
    for (const next of out.get(id) || []) {
      if (state.get(next) === 'open') back.add(`${id}\u0000${next}`);
      else if (!state.has(next)) visit(next);
    }
    state.set(id, 'done');
    order.push(id);
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  const layer = new Map(ids.map((id) => [id, 0]));
  for (const id of order.reverse()) {
    for (const next of out.get(id)) {
      if (!back.has(`${id}\u0000${next}`)) layer.set(next, Math.max(layer.get(next), layer.get(id) + 1));
    }
  }
  for (const node of graph.nodes) if (layer.get(node.id) === 0) layer.set(node.id, 1);
  layer.set(END, Math.max(...ids.filter((id) => id !== END).map((id) => layer.get(id))) + 1);
  return { layer, back };
}

function renderGraph(detail) {
  const graph = detail.graph;
  const { layer, back } = layers(graph);
  const columns = new Map();
  for (const [id, at] of layer) columns.set(at, [...(columns.get(at) || []), id]);
  const width = 150;
  const height = 36;
  const gapX = 60;
  const gapY = 24;
  const tallest = Math.max(...[...columns.values()].map((ids) => ids.length));
  const position = new Map();
  for (const [at, ids] of columns) {
    const offset = ((tallest - ids.length) * (height + gapY)) / 2;
    ids.forEach((id, index) => position.set(id, { x: 20 + at * (width + gapX), y: 20 + offset + index * (height + gapY) }));
  }
  const svg = $('#graph');
  const last = Math.max(...columns.keys());
  svg.setAttribute('width', String(40 + (last + 1) * (width + gapX)));
  svg.setAttribute('height', String(50 + tallest * (height + gapY)));
  const defs = svgElement('defs');
  const marker = svgElement('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' });
  marker.append(svgElement('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#6b7280' }));
  defs.append(marker);
  const parts = [defs];
  const bottom = 20 + tallest * (height + gapY) + 10;
  const anchor = (id, side) => {
    const p = position.get(id);
    const terminal = id === START || id === END;
    const w = terminal ? 24 : width;
    return { x: p.x + (side === 'out' ? w : 0), y: p.y + height / 2 };
  };
  for (const edge of graph.edges) {
    if (!position.has(edge.from) || !position.has(edge.to)) continue;
    const from = anchor(edge.from, 'out');
    const to = anchor(edge.to, 'in');
    const isBack = back.has(`${edge.from}\u0000${edge.to}`);
    // A back edge (a loop) runs from the bottom of its source under every row to the bottom of its target.
    const below = (id) => ({ x: (anchor(id, 'in').x + anchor(id, 'out').x) / 2, y: position.get(id).y + height });
    const d = isBack
      ? `M ${below(edge.from).x} ${below(edge.from).y} C ${below(edge.from).x} ${bottom}, ${below(edge.to).x} ${bottom}, ${below(edge.to).x} ${below(edge.to).y}`
      : `M ${from.x} ${from.y} C ${(from.x + to.x) / 2} ${from.y}, ${(from.x + to.x) / 2} ${to.y}, ${to.x} ${to.y}`;
    parts.push(svgElement('path', { class: isBack ? 'edge back' : 'edge', d, 'data-from': edge.from, 'data-to': edge.to }));
  }
  for (const id of [START, END]) {
    const p = position.get(id);
    const group = svgElement('g', { class: 'terminal', 'data-node': id });
    group.append(svgElement('circle', { cx: String(p.x + 12), cy: String(p.y + height / 2), r: '10' }));
    group.append(svgElement('text', { x: String(p.x + 12), y: String(p.y + height + 12) }, id === START ? 'start' : 'end'));
    parts.push(group);
  }
  for (const node of graph.nodes) {
    const task = taskOf(detail, node);
    const p = position.get(node.id);
    const group = svgElement('g', { class: `node ${task.state}${view.selectedTask === node.id ? ' selected' : ''}`, 'data-node': node.id, 'data-state': task.state });
    group.append(svgElement('rect', { x: String(p.x), y: String(p.y), width: String(width), height: String(height) }));
    group.append(svgElement('text', { x: String(p.x + width / 2), y: String(p.y + 15) }, node.name));
    group.append(svgElement('text', { x: String(p.x + width / 2), y: String(p.y + 29) }, `${node.id} · ${task.state}`));
    group.append(svgElement('title', {}, `${node.id}: ${task.state}`));
    group.addEventListener('click', () => selectTask(node.id));
    parts.push(group);
  }
  svg.replaceChildren(...parts);
}

function renderGantt(detail) {
  const svg = $('#gantt');
  const rows = detail.graph.nodes.map((node) => taskOf(detail, node));
  const started = rows.filter((task) => task.startedAt !== undefined);
  const now = Date.now();
  const t0 = Math.min(...started.map((task) => task.startedAt), detail.createdAt);
  const t1 = Math.max(t0 + 1, ...started.map((task) => task.endedAt ?? now), detail.endedAt ?? t0 + 1);
  const labelWidth = 160;
  const chartWidth = 640;
  const rowHeight = 22;
  const scale = (t) => labelWidth + ((t - t0) / (t1 - t0)) * chartWidth;
  svg.setAttribute('width', String(labelWidth + chartWidth + 20));
  svg.setAttribute('height', String(30 + rows.length * rowHeight));
  const parts = [];
  for (let i = 0; i <= 4; i++) {
    const t = t0 + ((t1 - t0) * i) / 4;
    const x = scale(t);
    parts.push(svgElement('line', { class: 'tick', x1: String(x), x2: String(x), y1: '0', y2: String(10 + rows.length * rowHeight) }));
    parts.push(svgElement('text', { class: 'axis', x: String(x), y: String(24 + rows.length * rowHeight), 'text-anchor': 'middle' }, `+${((t - t0) / 1000).toFixed(1)} s`));
  }
  rows.forEach((task, index) => {
    const y = 6 + index * rowHeight;
    parts.push(svgElement('text', { class: 'label', x: '6', y: String(y + 13) }, task.node));
    if (task.startedAt === undefined) return;
    const x = scale(task.startedAt);
    const bar = svgElement('rect', { class: `bar ${task.state}`, 'data-node': task.node, x: String(x), y: String(y), height: String(rowHeight - 6), width: String(Math.max(2, scale(task.endedAt ?? now) - x)) });
    bar.append(svgElement('title', {}, `${task.node} ${task.state}: ${duration(task)}`));
    parts.push(bar);
  });
  svg.replaceChildren(...parts);
}

function renderTasks(detail) {
  $('#tasks tbody').replaceChildren(
    ...detail.graph.nodes.map((node) => {
      const task = taskOf(detail, node);
      const row = element('tr', { 'data-node': node.id, class: view.selectedTask === node.id ? 'selected' : '' });
      row.append(cell(node.id), cell(node.name), stateCell(task.state), cell(String(task.attempt)), cell(task.entries > 1 ? `${task.entries}×` : ''), cell(time(task.startedAt)), cell(time(task.endedAt)), cell(duration(task)));
      row.addEventListener('click', () => selectTask(node.id));
      return row;
    }),
  );
}

function renderTask(detail) {
  const box = $('#task-detail');
  const node = detail.graph.nodes.find((n) => n.id === view.selectedTask);
  box.hidden = !node;
  if (!node) return;
  const task = taskOf(detail, node);
  $('#task-node').textContent = `${node.id} (${node.name}): ${task.state}`;
  $('#task-input').textContent = json(task.input);
  $('#task-output').textContent = json(task.output);
  $('#task-error-box').hidden = !task.error;
  $('#task-error').textContent = task.error ? `${task.error.class ?? 'error'}: ${task.error.message}` : '';
}

function selectTask(node) {
  view.selectedTask = node;
  renderDetail();
}

// ---- live changes ----

/**
 * Follows the API's event stream. The browser reconnects by itself after the server's `retry:`,
 * resuming after the last event id; when it gives up (the server answered with an error), the page
 * opens a new stream after a wait that doubles up to MAX_RECONNECT_MS.
 */
function listen(failures = 0) {
  const source = new EventSource('/api/watch');
  const live = $('#live');
  const reread = () => void run(() => Promise.all([loadList(), refresh()]));
  source.addEventListener('open', () => {
    failures = 0;
    live.textContent = 'live';
    live.className = 'live on';
    // Whatever changed while the stream was down is in a fresh read.
    reread();
  });
  source.addEventListener('error', () => {
    live.textContent = 'reconnecting';
    live.className = 'live off';
    if (source.readyState !== EventSource.CLOSED) return;
    setTimeout(() => listen(failures + 1), Math.min(1000 * 2 ** failures, MAX_RECONNECT_MS));
  });
  // The server could not replay what this stream missed, and sent every workflow afresh.
  source.addEventListener('snapshot', reread);
  source.addEventListener('message', (event) => {
    const change = JSON.parse(event.data);
    if (change.kind === 'workflow') {
      view.workflows.set(change.workflow.id, change.workflow);
      renderList();
    }
    if ((change.kind === 'workflow' ? change.workflow.id : change.workflow) === view.shown) void run(refresh);
  });
}

// ---- starting a workflow ----

/** A state machine (JSON with StartAt and States), a flow graph (other JSON), .flow text, or a workflow as code by name. */
function startRequest() {
  const text = $('#definition').value.trim();
  const code = $('#code-name').value.trim();
  if (!text && !code) throw new Error('paste a workflow definition first (a flow graph or a state machine as JSON, or .flow text), or name a workflow as code');
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const isObject = parsed && typeof parsed === 'object';
  const request = code ? { workflow: code } : isObject && 'StartAt' in parsed && 'States' in parsed ? { stateMachine: parsed } : isObject ? { graph: parsed } : { flow: text };
  const input = $('#input').value.trim();
  if (input) {
    try {
      request.input = JSON.parse(input);
    } catch (error) {
      throw new Error(`the input is not JSON: ${error.message}`);
    }
  }
  const id = $('#workflow-id').value.trim();
  if (id) request.id = id;
  return request;
}

// ---- small helpers ----

function element(name, attributes = {}, text) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) if (value) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgElement(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const cell = (text) => element('td', {}, text ?? '');

function stateCell(state) {
  const td = element('td', { class: 'state-cell' });
  td.append(element('span', { class: `state ${state}` }, state));
  return td;
}

function time(ms) {
  if (ms === undefined) return '';
  const at = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  return `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, '0')}`;
}

function duration(task) {
  if (task.startedAt === undefined) return '';
  return `${(((task.endedAt ?? Date.now()) - task.startedAt) / 1000).toFixed(2)} s`;
}

function json(value) {
  return value === undefined ? '—' : JSON.stringify(value, null, 2);
}

// ---- wiring ----

function route() {
  const match = /^#\/workflow\/(.+)$/.exec(location.hash);
  $('#list-view').hidden = Boolean(match);
  $('#detail-view').hidden = !match;
  view.shown = match ? decodeURIComponent(match[1]) : undefined;
  view.detail = undefined;
  view.selectedTask = undefined;
  void run(() => (match ? refresh() : loadList()));
}

window.addEventListener('DOMContentLoaded', () => {
  const token = $('#token');
  token.value = sessionStorage.getItem('falco-token') || '';
  token.addEventListener('change', () => sessionStorage.setItem('falco-token', token.value));
  $('#archived').addEventListener('change', () => void run(loadList));
  for (const button of document.querySelectorAll('#actions button')) {
    button.addEventListener('click', () => void run(async () => {
      await api('POST', `/api/workflows/${encodeURIComponent(view.shown)}/${button.dataset.action}`);
      await refresh();
    }));
  }
  $('#start').addEventListener('click', () => void run(async () => {
    const summary = await api('POST', '/api/workflows', startRequest());
    location.hash = `#/workflow/${encodeURIComponent(summary.id)}`;
  }));
  window.addEventListener('hashchange', route);
  route();
  listen();
});
