import { after, before, describe, test } from 'node:test';
import { GcfPlatform } from '../../platforms/gcf/index.js';
import type { Platform } from '../../src/platform.js';
import { startMoto, type Moto } from '../doubles/moto.js';
import { assertAimd, defaultController } from './contract/pacing.js';
import { startTestbed, type GcfTestbed } from './gcf/setup.js';
import { MotoEnv } from './lambda/moto-env.js';

// Each platform's default pacing is in the platform contract (contract.test.ts); this is the part particular to the cloud adapters.
describe("the cloud adapters' default pacing", { timeout: 180_000 }, () => {
  let moto: Moto;
  let lambda: MotoEnv;
  let gcf: GcfTestbed;
  const platforms: Platform[] = [];
  const track = <P extends Platform>(platform: P): P => {
    platforms.push(platform);
    return platform;
  };

  before(async () => {
    [moto, gcf] = await Promise.all([startMoto(), startTestbed()]);
    lambda = new MotoEnv(moto);
  });
  after(async () => {
    await Promise.all(platforms.map((platform) => platform.close()));
    await lambda?.close();
    await Promise.all([moto?.stop(), gcf?.double.stop()]);
  });

  test('the ceiling follows the sockets the adapter is given', async () => {
    assertAimd(await defaultController(track(lambda.platform({ maxSockets: 8 }))), 8);
    assertAimd(await defaultController(track(new GcfPlatform({ ...gcf.options, maxSockets: 8 }))), 8);
  });
});
