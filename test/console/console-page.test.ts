import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeSource, serveWorkflowApi, StateMachineSource, WorkflowClient, Workspaces, type EmbeddedWorkflows, type FlowGraph, type WorkflowApi } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import type { Platform } from '../../src/index.js';
import { MemoryWorkflowLog, MemoryWorkspaceStore } from '../../stores/index.js';
import { findChromium, HeadlessPage, keepOutput, NO_CHROMIUM, repositoryRoot } from '../helpers/chromium.js';
import { countdown, demo, hourLong, step } from './kinds.js';
import { Gates, line, openWorkflows } from './workflows.js';

const chromium = findChromium();

/** `FALCO_DOCS_SCREENSHOTS=1` also copies the screenshot the README shows to docs/console.png. */
const UPDATE_DOCS = process.env.FALCO_DOCS_SCREENSHOTS === '1';

/** A gated task A, a fan-out to B and C, and D joining them: each runs until the test opens its gate. */
const graph: FlowGraph = {
  name: 'console-demo',
  nodes: [
    { id: 'A.1', name: 'gate', parameters: { gate: 'a' } },
    { id: 'B.2', name: 'gate', parameters: { gate: 'b' } },
    { id: 'C.3', name: 'gate-2', parameters: { gate: 'c' } },
    { id: 'D.4', name: 'gate', parameters: { gate: 'd' }, merge: true },
  ],
  edges: [
    { from: '$start', to: 'A.1' },
    { from: 'A.1', to: 'B.2' },
    { from: 'A.1', to: 'C.3' },
    { from: 'B.2', to: 'D.4' },
    { from: 'C.3', to: 'D.4' },
    { from: 'D.4', to: '$end' },
  ],
};

const stateOf = (node: string) => `document.querySelector('#graph g.node[data-node="${node}"]')?.dataset.state`;
const waitState = (page: HeadlessPage, node: string, state: string) =>
  page.waitFor(`${stateOf(node)} === '${state}' && document.querySelector('#tasks tr[data-node="${node}"] .state')?.textContent === '${state}'`, `${node} ${state} in the graph and the table`);
const waitWorkflow = (page: HeadlessPage, state: string) => page.waitFor(`document.querySelector('#wf-state')?.textContent === '${state}'`, `the workflow ${state}`);

describe('the console in headless Chromium', { skip: chromium ? false : NO_CHROMIUM }, () => {
  const gates = new Gates();
  let service: EmbeddedWorkflows;
  let api: WorkflowApi;
  let page: HeadlessPage;
  before(async () => {
    service = await openWorkflows(gates);
    api = await serveWorkflowApi({ service });
    page = await HeadlessPage.open(chromium!, { width: 1280, height: 900 });
  });
  after(async () => {
    await page?.close();
    await api?.close();
    await service?.close();
  });

  it('starts a workflow from the page and follows it live: pending → running → succeeded, paused and resumed on the buttons', async () => {
    await page.goto(`${api.url}/`);
    await page.waitFor(`document.querySelector('#live')?.textContent === 'live'`, 'the event stream open');
    await page.click('#start-form summary');
    await page.evaluate(`(() => {
      document.querySelector('#definition').value = ${JSON.stringify(JSON.stringify(graph, null, 2))};
      document.querySelector('#input').value = '{"n": 1}';
      document.querySelector('#workflow-id').value = 'ui-1';
    })()`);
    await page.click('#start');
    await page.waitFor(`location.hash === '#/workflow/ui-1'`, 'the page to show the new workflow');
    await waitState(page, 'A.1', 'running');
    for (const node of ['B.2', 'C.3', 'D.4']) assert.equal(await page.evaluate(stateOf(node)), 'pending', `${node} waits for A.1`);
    assert.equal(await page.evaluate(`document.querySelectorAll('#graph path.edge').length`), graph.edges.length, 'every edge drawn');
    assert.equal(await page.evaluate(`document.querySelectorAll('#gantt rect.bar').length`), 1, 'one bar: only A.1 has started');

    await page.click('#actions button[data-action="pause"]');
    await waitWorkflow(page, 'paused');
    gates.open('a');
    await waitState(page, 'A.1', 'succeeded');
    assert.equal(await page.evaluate(stateOf('B.2')), 'pending', 'a paused workflow starts no task');
    await keepOutput('console-paused.png', await page.screenshot());

    await page.click('#actions button[data-action="resume"]');
    await waitWorkflow(page, 'running');
    await waitState(page, 'B.2', 'running');
    await waitState(page, 'C.3', 'running');
    gates.open('b');
    await waitState(page, 'B.2', 'succeeded');
    const bars = await page.evaluate<{ node: string; cls: string; width: number }[]>(
      `[...document.querySelectorAll('#gantt rect.bar')].map((bar) => ({ node: bar.dataset.node, cls: bar.getAttribute('class'), width: Number(bar.getAttribute('width')) }))`,
    );
    assert.deepEqual(bars.map((bar) => bar.node), ['A.1', 'B.2', 'C.3'], 'a bar for each task that started');
    assert.ok(bars.every((bar) => bar.width > 0));
    assert.equal(bars[0]!.cls, 'bar succeeded');
    const table = await page.evaluate<string[][]>(`[...document.querySelectorAll('#tasks tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent))`);
    assert.equal(table.length, 4);
    assert.match(table[0]!.join('|'), /^A\.1\|gate\|succeeded\|1\|\|\d\d:\d\d:\d\d\.\d{3}\|\d\d:\d\d:\d\d\.\d{3}\|\d+\.\d\d s$/, 'A.1 has its start, end and duration');
    await page.click('#graph g.node[data-node="A.1"]');
    await page.waitFor(`!document.querySelector('#task-detail').hidden`, 'the task detail');
    assert.deepEqual(JSON.parse(await page.evaluate<string>(`document.querySelector('#task-input').textContent`)), { n: 1 });
    assert.deepEqual(JSON.parse(await page.evaluate<string>(`document.querySelector('#task-output').textContent`)), { n: 1 });
    const png = await keepOutput('console.png', await page.screenshot());
    if (UPDATE_DOCS) await copyFile(png, join(repositoryRoot(), 'docs', 'console.png'));

    gates.open('c');
    gates.open('d');
    await waitState(page, 'D.4', 'succeeded');
    await waitWorkflow(page, 'finished');
    assert.deepEqual(JSON.parse(await page.evaluate<string>(`document.querySelector('#task-output').textContent`)), { n: 1 }, 'the selected task stays shown');
  });

  it('shows a failed task in red with its error, and the list with every workflow', async () => {
    const client = new WorkflowClient({ url: api.url });
    await client.start(line('failing', [{ id: 'F.1', name: 'fail', parameters: { message: 'the disk is full' } }]), {}, { id: 'ui-failing' });
    await page.goto(`${api.url}/#/workflow/ui-failing`);
    await waitState(page, 'F.1', 'failed');
    await waitWorkflow(page, 'failed');
    const fill = await page.evaluate<string>(`getComputedStyle(document.querySelector('#graph g.node[data-node="F.1"] rect')).fill`);
    assert.equal(fill, 'rgb(220, 38, 38)', 'a failed task is red');
    await page.click('#tasks tr[data-node="F.1"]');
    const error = await page.waitForSelector('#task-error-box:not([hidden]) #task-error');
    assert.match(error, /the disk is full/);
    assert.equal(await page.evaluate(`document.querySelector('#actions button[data-action="restart"]').disabled`), false, 'a failed workflow can be restarted');
    assert.equal(await page.evaluate(`document.querySelector('#actions button[data-action="pause"]').disabled`), true, 'but not paused');
    await keepOutput('console-failed.png', await page.screenshot());

    await page.click('#actions button[data-action="restart"]');
    await page.waitFor(`Number(document.querySelector('#tasks tr[data-node="F.1"]').cells[3].textContent) === 2`, 'the restarted task on its second attempt');
    await waitWorkflow(page, 'failed');

    await page.goto(`${api.url}/`);
    await page.waitForSelector('#workflows tbody tr[data-id="ui-failing"]');
    const rows = await page.evaluate<string[]>(`[...document.querySelectorAll('#workflows tbody tr')].map((row) => row.dataset.id + ' ' + row.cells[2].textContent)`);
    assert.deepEqual(rows.sort(), ['ui-1 finished', 'ui-failing failed']);
    await keepOutput('console-list.png', await page.screenshot());
  });

  it('shows the server\'s refusal on the page: a definition that is not a graph', async () => {
    await page.goto(`${api.url}/`);
    // The page's handlers are bound once its script has run, which the listed workflows show: a click before that does nothing.
    await page.waitForSelector('#workflows tbody tr[data-id="ui-1"]');
    await page.click('#start-form summary');
    await page.evaluate(`document.querySelector('#definition').value = '{"name": "broken", "nodes": [{"id": "X"}], "edges": []}'`);
    await page.click('#start');
    const message = await page.waitForSelector('#message:not([hidden])');
    assert.match(message, /"graph\.nodes\.0\.name"/);
  });
});

describe('the console in headless Chromium: state machines and workflows as code', { skip: chromium ? false : NO_CHROMIUM }, () => {
  let platform: Platform;
  let service: EmbeddedWorkflows;
  let machines: StateMachineSource;
  let code: CodeSource;
  let api: WorkflowApi;
  let page: HeadlessPage;
  const store = new MemoryWorkspaceStore();
  before(async () => {
    platform = await createPlatform('local', { maxInstances: 2 });
    service = await openWorkflows();
    machines = await StateMachineSource.open({ store, platform, resources: { step }, watchPollMs: 20 });
    code = new CodeSource({ store, log: new MemoryWorkflowLog(), platform, workflows: [demo], watchPollMs: 20 });
    api = await serveWorkflowApi({ service, sources: [machines, code] });
    page = await HeadlessPage.open(chromium!, { width: 1280, height: 900 });
  });
  after(async () => {
    await page?.close();
    await api?.close();
    await Promise.all([machines?.close(), code?.close(), service?.close()]);
    await store.close();
    await platform?.close();
  });

  it('lists a state machine and a workflow as code with their kinds, and draws their states and calls', async () => {
    const client = new WorkflowClient({ url: api.url });
    await client.startStateMachine(countdown, { n: 2 }, { id: 'ui-machine' });
    await client.startWorkflow('demo', { n: 3 }, { id: 'ui-code' });
    await page.goto(`${api.url}/`);
    await page.waitForSelector('#workflows tbody tr[data-id="ui-code"]');
    await page.waitForSelector('#workflows tbody tr[data-id="ui-machine"]');
    const kinds = await page.evaluate<string[]>(`[...document.querySelectorAll('#workflows tbody tr')].map((row) => row.dataset.id + ' ' + row.cells[5].textContent).sort()`);
    assert.deepEqual(kinds, ['ui-code code', 'ui-machine state machine']);

    await page.goto(`${api.url}/#/workflow/ui-machine`);
    await waitWorkflow(page, 'finished');
    await waitState(page, 'Check', 'succeeded');
    await waitState(page, 'Step', 'succeeded');
    await waitState(page, 'Done', 'succeeded');
    assert.ok(await page.evaluate<boolean>(`[...document.querySelectorAll('#graph path.edge.back')].some((edge) => edge.dataset.from === 'Step' && edge.dataset.to === 'Check')`), 'the loop drawn as a back edge');
    assert.equal(await page.evaluate(`document.querySelector('#tasks tr[data-node="Check"]').cells[4].textContent`), '3×', 'Check entered three times');
    assert.equal(await page.evaluate(`document.querySelector('#wf-kind').textContent`), 'state machine');
    await keepOutput('console-state-machine.png', await page.screenshot());

    await page.goto(`${api.url}/#/workflow/ui-code`);
    await waitState(page, 'E003', 'waiting');
    for (const node of ['A000', 'M001/0', 'M001/1', 'M001/2', 'S002']) await waitState(page, node, 'succeeded');
    await page.click('#graph g.node[data-node="M001/2"]');
    await page.waitFor(`!document.querySelector('#task-detail').hidden`, 'the task detail');
    assert.deepEqual(JSON.parse(await page.evaluate<string>(`document.querySelector('#task-output').textContent`)), { square: 9 });
    await keepOutput('console-code.png', await page.screenshot());
    await new Workspaces(store).publish('ui-code', [{ id: 'go-ui', source: 'test', type: 'go', subject: 'ui-code', data: 1 }]);
    await waitState(page, 'E003', 'succeeded');
    await waitWorkflow(page, 'finished');
  });

  it('keeps following a workflow after the API restarts on its port: the page reconnects and shows what changed meanwhile', async () => {
    const client = new WorkflowClient({ url: api.url });
    await client.startStateMachine(hourLong, {}, { id: 'ui-long' });
    await page.goto(`${api.url}/#/workflow/ui-long`);
    await waitState(page, 'Hour', 'waiting');
    await page.waitFor(`document.querySelector('#live')?.textContent === 'live'`, 'the event stream open');
    const port = Number(new URL(api.url).port);
    await api.close();
    await page.waitFor(`document.querySelector('#live')?.textContent === 'reconnecting'`, 'the page to notice the stream is gone');
    await machines.act('ui-long', 'terminate');
    api = await serveWorkflowApi({ service, sources: [machines, code], port });
    await waitWorkflow(page, 'terminated');
    await page.waitFor(`document.querySelector('#live')?.textContent === 'live'`, 'the event stream open again');
  });
});
