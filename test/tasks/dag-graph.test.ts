import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dag, dagInput, EmbeddedWorkflows, FalcoTasks, FlowGraphError, graphOfDag, item, output } from '../../flows/index.js';
import { createPlatform } from '../../platforms/index.js';
import { deployable } from '../../src/index.js';
import { settled } from './helpers.js';

const double = deployable({ runtime: 'nodejs:20', name: 'double', code: { source: 'function main({ n }) { if (n < 0) throw new RangeError("negative"); return { n: n * 2 }; }' } });
const add = deployable({ runtime: 'nodejs:20', name: 'add', code: { source: 'function main({ a, b }) { return { n: a + b }; }' } });

describe('graphOfDag: falco DAGs on the workflow service, invoking through a platform with the executor', () => {
  it('runs each task as falco:<function>, resolving output() and dagInput() against what flows in', async () => {
    const pipeline = dag('sums')
      .task('x', { deployable: double, input: { n: dagInput('n') } })
      .task('y', { deployable: double, input: { n: output('x', 'n') } })
      .task('sum', { deployable: add, input: { a: output('x', 'n'), b: output('y', 'n') } });
    const { graph, deployables } = graphOfDag(pipeline);
    assert.deepEqual(graph.nodes.map((n) => n.name), ['falco:double', 'falco:double', 'falco:add']);
    const platform = await createPlatform('local');
    const falco = new FalcoTasks({ platform, deployables });
    const service = await EmbeddedWorkflows.start({ kinds: falco.kinds() });
    try {
      await service.start(graph, { n: 3 }, { id: 'sums-1' });
      const detail = await settled(service, 'sums-1');
      assert.equal(detail.state, 'finished', JSON.stringify(detail.error));
      assert.deepEqual(detail.output, { n: 18 }, 'x = 6, y = 12, sum = 18');
      assert.ok(detail.tasks.every((t) => t.state === 'succeeded'));
      for (const task of detail.tasks) {
        const [attempt] = (task.attempts ?? []) as Array<{ attempt?: number; submittedAt?: number; errorClass?: string }>;
        assert.equal(task.attempts?.length, 1, `task ${task.node} carries the executor's attempt record`);
        assert.deepEqual([attempt?.attempt, typeof attempt?.submittedAt, attempt?.errorClass], [1, 'number', undefined]);
      }
    } finally {
      await service.close();
      await falco.remove();
      await platform.close();
    }
  });

  it('a function error fails the task and the workflow, with the error recorded', async () => {
    const { graph, deployables } = graphOfDag(dag('neg').task('x', { deployable: double, input: { n: -1 } }));
    const platform = await createPlatform('local');
    const falco = new FalcoTasks({ platform, deployables });
    const service = await EmbeddedWorkflows.start({ kinds: falco.kinds() });
    try {
      await service.start(graph, {}, { id: 'neg-1' });
      const detail = await settled(service, 'neg-1');
      assert.equal(detail.state, 'failed');
      assert.match(detail.tasks[0]!.error!.message, /negative/);
      assert.equal((detail.tasks[0]!.attempts as Array<{ errorClass?: string }> | undefined)?.at(-1)?.errorClass, 'function', 'the failed attempt is recorded');
      assert.match(detail.error!.message, /task "x" \(falco:double\) failed/);
    } finally {
      await service.close();
      await falco.remove();
      await platform.close();
    }
  });

  it('refuses what only runDag runs, naming it', () => {
    const fanned = dag('fan').task('r', { deployable: double, input: { n: 1 } }).task('each', { deployable: double, forEach: output('r', 'n'), input: { n: item() } });
    assert.throws(() => graphOfDag(fanned), (error: Error) => error instanceof FlowGraphError && /"each" uses forEach/.test(error.message));
  });
});
