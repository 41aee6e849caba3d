/**
 * The pipeline function's entry point: `main(signedRequest)` runs the one phase the request asks
 * for and answers the next request, signed. Deployed by `pipelineDeployable`, code used in place.
 */
import { pathToFileURL } from 'node:url';
import { parsePlatformName, createPlatform } from '../../../platforms/index.js';
import { ConfigError } from '../../../src/errors.js';
import { EventBus, type FalcoEvents } from '../../../src/events.js';
import { openStateManager } from '../../../stores/state/open.js';
import { definitionOf, type PipelineDefinition } from '../definition.js';
import { ForwardedRequestError } from '../errors.js';
import type { RequestSigner } from '../forwarding-types.js';
import { signRequest, verifiedRequest } from '../forwarding.js';
import { decodeKeys, PIPELINE_FUNCTION_ENV, type PipelineFunctionReply } from '../function.js';
import { RequestLedger } from '../ledger.js';
import type { PipelineRequest } from '../request.js';
import { PhaseRunner } from '../runner.js';
import { createSigner, unsignedForwarding } from '../signing.js';

export async function main(input: unknown): Promise<PipelineFunctionReply> {
  const signer = signerFromEnv();
  const forwarded = verifiedRequest(input, signer, 'the pipeline function\'s input');
  const definition = await loadDefinition();
  if (forwarded.pipeline !== definition.name) {
    throw new ForwardedRequestError(`the forwarded request is for pipeline "${forwarded.pipeline}"; this function runs "${definition.name}"`);
  }
  const state = await openStateManager(env(PIPELINE_FUNCTION_ENV.state));
  const ledger = new RequestLedger(state);
  const next: PipelineRequest[] = [];
  const invocations: PipelineFunctionReply['invocations'][number][] = [];
  try {
    const pending = await forwardedBefore(ledger, forwarded);
    if (pending) next.push(pending);
    else {
      const platform = await createPlatform(parsePlatformName(env(PIPELINE_FUNCTION_ENV.platform)));
      const events = new EventBus<FalcoEvents>();
      events.on('invocation:end', ({ invocation }) => invocations.push({ id: invocation.id, status: invocation.status, attempts: invocation.attempts.length }));
      const runner = new PhaseRunner(definition, { platform, ledger, events, forward: async (request) => void next.push(request) });
      try {
        await runner.handle(forwarded);
      } finally {
        await runner.close();
        await platform.close();
      }
    }
    const status = await ledger.get(forwarded.requestId);
    return { requestId: forwarded.requestId, phase: forwarded.phase, state: status?.state, next: next.map((request) => signRequest(request, signer)), invocations };
  } finally {
    await state.close();
  }
}

/**
 * The request a previous run of this same phase already recorded and handed on, when this is a
 * redelivery (the action worker died after the phase was recorded, before its answer was kept):
 * handing it on again is what keeps the request moving.
 */
async function forwardedBefore(ledger: RequestLedger, forwarded: PipelineRequest): Promise<PipelineRequest | undefined> {
  const status = await ledger.get(forwarded.requestId);
  const after = forwarded.phase + 1;
  return status?.state === 'running' && status.phase === after && status.next?.phase === after ? status.next : undefined;
}

function signerFromEnv(): RequestSigner {
  const keys = process.env[PIPELINE_FUNCTION_ENV.keys];
  if (keys) return createSigner(decodeKeys(keys));
  if (process.env[PIPELINE_FUNCTION_ENV.unsigned] === 'true') return unsignedForwarding();
  throw new ConfigError(`the pipeline function has no signing keys (${PIPELINE_FUNCTION_ENV.keys}): deploy it with pipelineDeployable(module, exportName, { keys })`);
}

async function loadDefinition(): Promise<PipelineDefinition> {
  const module = env(PIPELINE_FUNCTION_ENV.module);
  const name = env(PIPELINE_FUNCTION_ENV.export);
  const exports = (await import(pathToFileURL(module).href)) as Record<string, unknown>;
  const definition = definitionOf(exports[name]);
  if (!definition) {
    const pipelines = Object.keys(exports).filter((key) => definitionOf(exports[key]));
    throw new ConfigError(`module ${module} exports no pipeline "${name}"${pipelines.length > 0 ? ` (it exports ${pipelines.join(', ')})` : ': export the pipeline(...) chain under that name'}`);
  }
  return definition;
}

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new ConfigError(`the pipeline function needs ${name} in its environment: deploy it with pipelineDeployable(module, exportName, options)`);
  return value;
}
