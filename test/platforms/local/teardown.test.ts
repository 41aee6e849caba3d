import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { childrenBuffer } from '../../../platforms/local/children.js';
import { launchWorker, type LauncherReport } from '../../../platforms/local/launcher.js';
import { STOP_WORKER } from '../../../platforms/local/worker-contract.js';
import { suiteTempDir } from '../../helpers/temp-dir.js';

describe('local platform: teardown', () => {
  const dir = suiteTempDir('falco-teardown-');

  it('an idle Node.js instance ends itself when the host posts STOP_WORKER, with no terminate through the launcher thread', { timeout: 60_000 }, async () => {
    const entry = join(dir(), 'echo.js');
    await writeFile(entry, 'exports.main = (args) => args;\n');
    // The launcher thread is unref'd, and the port closes as the worker ends: the test keeps the loop alive until the report.
    const keepAlive = setInterval(() => {}, 1_000);
    const report = await new Promise<LauncherReport>((resolve) => {
      const worker = launchWorker({ entry, entryPoint: 'main', logs: 'ignore', children: childrenBuffer(), env: {}, memoryMB: 128 }, resolve);
      worker.port.once('message', () => worker.port.postMessage(STOP_WORKER)); // once it is up (its init message)
    }).finally(() => clearInterval(keepAlive));
    // Exit code 0: it left through process.exit; a terminate would have ended it with code 1.
    assert.equal(report.code, 0);
    assert.equal(report.error, undefined);
  });
});
