import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StateMachineSource } from '../../flows/index.js';
import { openMachineRecords } from '../../flows/console/sources/state-machine-record.js';
import { createPlatform } from '../../platforms/index.js';
import type { Platform } from '../../src/index.js';
import { MemoryWorkspaceStore } from '../../stores/index.js';
import { countdown, step, until } from './kinds.js';

/** A store that cannot delete the workspaces named in `failing`. */
class StuckStore extends MemoryWorkspaceStore {
  readonly failing = new Set<string>();

  override async deleteWorkspace(workspace: string): Promise<void> {
    if (this.failing.has(workspace)) throw new Error(`cannot delete ${workspace} now`);
    return super.deleteWorkspace(workspace);
  }
}

describe('a state-machine host cleaning up after an earlier host', () => {
  let platform: Platform;
  before(async () => {
    platform = await createPlatform('local', { maxInstances: 2 });
  });
  after(() => platform.close());

  it('removes every workspace left behind, though one cannot be removed yet; that one goes at a later look', async () => {
    const store = new StuckStore();
    const machines = await StateMachineSource.open({ store, platform, resources: { step }, watchPollMs: 20 });
    const records = await openMachineRecords(store, undefined);
    const present = async (id: string) => (await store.listWorkspaces()).includes(id);
    try {
      const ids = ['left-a', 'left-b'];
      for (const id of ids) await machines.start({ kind: 'state-machine', definition: countdown }, { id, input: { n: 1 } });
      await until('both ended and were cleaned up', async () => (await Promise.all(ids.map(async (id) => (await records.get(id))?.workspaceRemoved === true))).every(Boolean));
      // What a host stopped between recording the ends and removing the workspaces leaves, with the first one stuck.
      store.failing.add('left-a');
      for (const id of ids) {
        const { workspaceRemoved, ...leftBehind } = (await records.get(id))!;
        assert.equal(workspaceRemoved, true);
        await store.createWorkspace(id);
        await records.put(id, leftBehind);
      }
      await until('the second workspace is removed while the first cannot be', async () => !(await present('left-b')) && (await records.get('left-b'))?.workspaceRemoved === true);
      assert.ok(await present('left-a'), 'the stuck workspace is still there');
      assert.equal((await records.get('left-a'))?.workspaceRemoved, undefined, 'and its record does not say it was removed');
      store.failing.clear();
      await until('the first is removed at a later look', async () => !(await present('left-a')) && (await records.get('left-a'))?.workspaceRemoved === true);
    } finally {
      await machines.close();
    }
  });
});
