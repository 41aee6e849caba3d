import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { startMoto } from '../../doubles/moto.js';

const HARNESS = new URL('../../doubles/moto.js', import.meta.url).href;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until the process is gone; false if it is still there after `limitMs`. */
async function gone(pid: number, limitMs = 15_000): Promise<boolean> {
  for (const end = Date.now() + limitMs; Date.now() < end; await delay(50)) {
    if (!alive(pid)) return true;
  }
  return !alive(pid);
}

describe('the moto harness', () => {
  it('starts moto on a free port with Lambda set to echo, and stops it for good', async () => {
    const moto = await startMoto();
    const config = (await (await fetch(`${moto.endpoint}/moto-api/config`)).json()) as { lambda: { use_docker: boolean } };
    assert.equal(config.lambda.use_docker, false);
    assert.ok(alive(moto.pid));
    await moto.stop();
    assert.ok(await gone(moto.pid));
    await assert.rejects(fetch(`${moto.endpoint}/moto-api/config`));
    await moto.stop();
  });

  it('leaves no moto behind when the test process is killed', async () => {
    const script = `const { startMoto } = await import(${JSON.stringify(HARNESS)}); const moto = await startMoto(); console.log(moto.pid); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const pid = Number(line);
    assert.ok(alive(pid));
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.ok(await gone(pid), `moto (pid ${pid}) outlived the process that started it`);
  });
});
