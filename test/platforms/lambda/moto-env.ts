import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { after, afterEach, before, beforeEach } from 'node:test';
import { LambdaPlatform, type LambdaOptions } from '../../../platforms/lambda/index.js';
import { FAKE_CREDENTIALS, startMoto, type Moto } from '../../doubles/moto.js';

export const REGION = 'us-east-1';
/** moto's default account. */
export const ACCOUNT = '123456789012';
export const BASIC_EXECUTION_ARN = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

/** What the tests need to reach moto: a platform factory and SDK clients to look behind its back. */
export class MotoEnv {
  readonly lambda: LambdaClient;
  readonly iam: IAMClient;
  readonly #platforms: LambdaPlatform[] = [];

  constructor(readonly moto: Moto) {
    const config = { region: REGION, endpoint: moto.endpoint, credentials: FAKE_CREDENTIALS };
    this.lambda = new LambdaClient(config);
    this.iam = new IAMClient(config);
  }

  get connection() {
    return { region: REGION, endpoint: this.moto.endpoint, credentials: FAKE_CREDENTIALS };
  }

  platform(options: LambdaOptions = {}): LambdaPlatform {
    const platform = new LambdaPlatform({ ...this.connection, ...options });
    this.#platforms.push(platform);
    return platform;
  }

  async close(): Promise<void> {
    await Promise.all(this.#platforms.splice(0).map((platform) => platform.close()));
    this.lambda.destroy();
    this.iam.destroy();
  }
}

/**
 * A moto server for the enclosing suite, reset before each test, with the test's platforms and
 * clients closed after it; call inside `describe`, read the environment inside a test.
 */
export function useMoto(): () => MotoEnv {
  let env: MotoEnv | undefined;
  before(async () => {
    env = new MotoEnv(await startMoto());
  });
  after(async () => {
    await env?.close();
    await env?.moto.stop();
  });
  beforeEach(async () => {
    await env?.moto.reset();
  });
  afterEach(async () => {
    await env?.close();
  });
  return () => {
    if (!env) throw new Error('useMoto(): moto is not started yet; read it inside a test');
    return env;
  };
}
