import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { LambdaPlatform } from '../../../platforms/lambda/index.js';
import { AbortedError, ConfigError, deployable, DeploymentError, FatalError, TransientError, type Deployment } from '../../../src/index.js';
import { FAKE_CREDENTIALS } from '../../doubles/moto.js';
import { errorReply, FakeLambdaApi, FUNCTION_PATH, FUNCTIONS_PATH, HANG, type Reply } from './fake-lambda-api.js';
import { unzip } from './zip.js';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/test';

const echo = deployable({ runtime: 'nodejs:20', code: { source: 'function main(args) { return args; }' }, name: 'echo', params: { p: 1 } });

const created: Reply = { status: 201, body: { FunctionName: 'x', State: 'Pending' } };
const state = (State: string, StateReason?: string): Reply => ({ status: 200, body: { Configuration: { State, StateReason } } });
const deleted: Reply = { status: 204 };

interface CreateFunctionBody {
  FunctionName: string;
  Runtime: string;
  Handler: string;
  Role: string;
  Code: { ZipFile: string };
  MemorySize: number;
  Timeout: number;
  Architectures: string[];
  Tags: Record<string, string>;
}

describe('Lambda deploy and remove against a loopback double of the API', () => {
  let api: FakeLambdaApi;
  let platform: LambdaPlatform;

  before(async () => {
    api = await FakeLambdaApi.start();
  });
  after(async () => {
    await api.stop();
  });
  beforeEach(() => {
    platform = new LambdaPlatform({ endpoint: api.endpoint, region: 'eu-west-1', credentials: FAKE_CREDENTIALS, roleArn: ROLE_ARN });
    api.requests.length = 0;
    api.route('DELETE', FUNCTION_PATH, deleted);
  });
  afterEach(async () => {
    await platform.close();
  });

  const creates = () => api.requestsTo('POST', FUNCTIONS_PATH);
  const deletes = () => api.requestsTo('DELETE', FUNCTION_PATH);

  it('uploads the zip with the wrapper and polls until the function is Active', async () => {
    api.route('POST', FUNCTIONS_PATH, created).route('GET', FUNCTION_PATH, state('Pending'), state('Active'));
    const deployment = await platform.deploy(echo);
    const [request] = creates();
    const body = JSON.parse(request?.body ?? '{}') as CreateFunctionBody;
    assert.equal(body.FunctionName, deployment.name);
    assert.equal(body.Runtime, 'nodejs20.x');
    assert.equal(body.Handler, 'falco_handler.handler');
    assert.equal(body.Role, ROLE_ARN);
    assert.equal(body.MemorySize, 256);
    assert.equal(body.Timeout, 60);
    assert.deepEqual(body.Architectures, ['x86_64']);
    const files = await unzip(Buffer.from(body.Code.ZipFile, 'base64'));
    assert.deepEqual([...files.keys()].sort(), ['falco.json', 'falco_handler.mjs', 'falco_loader.mjs', 'index.js']);
    assert.deepEqual(JSON.parse(files.get('falco.json')?.toString() ?? '{}'), { entryFile: 'index.js', entryPoint: 'main', params: { p: 1 } });
    assert.equal(api.requestsTo('GET', FUNCTION_PATH).length, 2, 'the waiter polled until Active');
    assert.deepEqual(deletes(), []);
  });

  it('retries CreateFunction while a new role is not yet assumable', async () => {
    const notReady = errorReply(400, 'InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
    api.route('POST', FUNCTIONS_PATH, notReady, created).route('GET', FUNCTION_PATH, state('Active'));
    await platform.deploy(echo);
    assert.equal(creates().length, 2);
  });

  it('refuses a function Lambda rejects, as a deployment error, without retrying', async () => {
    api.route('POST', FUNCTIONS_PATH, errorReply(400, 'InvalidParameterValueException', 'Reserved keys used in this request: AWS_REGION'));
    await assert.rejects(platform.deploy(echo), (error: unknown) => {
      assert.ok(error instanceof DeploymentError);
      assert.match(error.message, /Reserved keys used in this request: AWS_REGION/);
      assert.equal((error.cause as Error).name, 'InvalidParameterValueException');
      return true;
    });
    assert.equal(creates().length, 1);
  });

  it('reports refused access on deploy as fatal, not as a deployment error', async () => {
    api.route('POST', FUNCTIONS_PATH, errorReply(403, 'AccessDeniedException', 'not authorized to perform: lambda:CreateFunction'));
    await assert.rejects(platform.deploy(echo), (error: unknown) => {
      assert.ok(error instanceof FatalError && !(error instanceof DeploymentError));
      return true;
    });
  });

  it('deletes a function that failed to become Active, and says why', async () => {
    api.route('POST', FUNCTIONS_PATH, created).route('GET', FUNCTION_PATH, state('Failed', 'The function could not be initialised.'));
    await assert.rejects(platform.deploy(echo), (error: unknown) => {
      assert.ok(error instanceof DeploymentError);
      assert.match(error.message, /The function could not be initialised\./);
      return true;
    });
    const name = (JSON.parse(creates()[0]?.body ?? '{}') as CreateFunctionBody).FunctionName;
    assert.deepEqual(deletes().map((request) => request.path), [`/2015-03-31/functions/${name}`]);
  });

  it('deletes the function even when the deploy is aborted while waiting', async () => {
    api.route('POST', FUNCTIONS_PATH, created).route('GET', FUNCTION_PATH, HANG);
    const controller = new AbortController();
    const pending = platform.deploy(echo, { signal: controller.signal });
    while (api.requestsTo('GET', FUNCTION_PATH).length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await assert.rejects(pending, AbortedError);
    assert.equal(deletes().length, 1);
  });

  it('remove: a function already gone is fine; a service error is retried by the SDK, then transient; refused access fatal', async () => {
    const deployment: Deployment = { name: 'falco-echo-0000beef', platform: 'lambda', runtime: 'nodejs:20', memoryMB: 128, timeoutMs: 3_000, idempotent: true };
    const serviceError = errorReply(500, 'ServiceException', 'internal error');
    api.route(
      'DELETE',
      FUNCTION_PATH,
      errorReply(404, 'ResourceNotFoundException', 'Function not found'),
      serviceError,
      serviceError,
      serviceError,
      errorReply(403, 'AccessDeniedException', 'not authorized to perform: lambda:DeleteFunction'),
    );
    await platform.remove(deployment);
    await assert.rejects(platform.remove(deployment), TransientError);
    await assert.rejects(platform.remove(deployment), FatalError);
    assert.equal(api.requests.filter((r) => r.method === 'DELETE').length, 5, 'control-plane calls keep the SDK\'s three attempts');
  });

  it('fetchDeployment: refused access is fatal, not "no such function"', async () => {
    api.route('GET', FUNCTION_PATH, errorReply(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'));
    await assert.rejects(platform.fetchDeployment('falco-echo-0000beef'), FatalError);
  });

  it('without IAM permissions, says to pass a role ARN', async () => {
    await platform.close();
    platform = new LambdaPlatform({ endpoint: api.endpoint, region: 'eu-west-1', credentials: FAKE_CREDENTIALS });
    const denied =
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
      '<Message>User: arn:aws:iam::123456789012:user/analyst is not authorized to perform: iam:GetRole</Message></Error>' +
      '<RequestId>r1</RequestId></ErrorResponse>';
    api.route('POST', /^\/$/, { status: 403, headers: { 'content-type': 'text/xml' }, body: denied });
    await assert.rejects(platform.deploy(echo), (error: unknown) => {
      assert.ok(error instanceof FatalError);
      assert.match(error.message, /pass the roleArn option/);
      assert.match(error.message, /not authorized to perform: iam:GetRole/);
      return true;
    });
    assert.deepEqual(creates(), []);
  });

  it('names the fix when no credentials or no region can be found', async () => {
    const variables = {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: undefined,
      AWS_DEFAULT_REGION: undefined,
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/falco/credentials',
      AWS_CONFIG_FILE: '/nonexistent/falco/config',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const saved = Object.fromEntries(Object.keys(variables).map((key) => [key, process.env[key]]));
    const set = (values: Record<string, string | undefined>) => {
      for (const [key, value] of Object.entries(values)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };
    set(variables);
    const noCredentials = new LambdaPlatform({ endpoint: api.endpoint, region: 'eu-west-1' });
    const noRegion = new LambdaPlatform({ endpoint: api.endpoint, credentials: FAKE_CREDENTIALS });
    try {
      await assert.rejects(noCredentials.fetchDeployment('falco-echo-0000beef'), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /no AWS credentials.*AWS_ACCESS_KEY_ID/);
        return true;
      });
      await assert.rejects(noRegion.fetchDeployment('falco-echo-0000beef'), (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /no AWS region.*AWS_REGION/);
        return true;
      });
    } finally {
      set(saved);
      await noCredentials.close();
      await noRegion.close();
    }
  });
});
