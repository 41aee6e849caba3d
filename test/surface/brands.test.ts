import assert from 'node:assert/strict';
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { packageTempDir, PACKAGE_ROOT } from '../helpers/readme.js';

type Falco = typeof import('../../src/index.js');
type CodeErrors = typeof import('../../flows/code/errors.js');
type TriggerErrors = typeof import('../../flows/triggers/errors.js');
type WorkspacePort = typeof import('../../stores/ports/workspace.js');

/** Two installed copies of the built package, as a global CLI and a project's own dependency are. */
async function installCopy(dir: string, name: string): Promise<Falco> {
  const copy = join(dir, 'node_modules', name);
  await mkdir(join(copy, 'dist'), { recursive: true });
  for (const part of ['src', 'flows', 'stores']) await cp(join(PACKAGE_ROOT, 'dist', part), join(copy, 'dist', part), { recursive: true });
  await cp(join(PACKAGE_ROOT, 'package.json'), join(copy, 'package.json'));
  return (await import(pathToFileURL(join(copy, 'dist', 'src', 'index.js')).href)) as Falco;
}

/** A module of an installed copy, by its path under `dist/`. */
async function moduleOf<M>(dir: string, name: string, path: string): Promise<M> {
  return (await import(pathToFileURL(join(dir, 'node_modules', name, 'dist', path)).href)) as M;
}

describe('falco errors and drivers made by another installed copy', () => {
  const dir = packageTempDir('brands-');
  let a: Falco;
  let b: Falco;
  before(async () => {
    a = await installCopy(dir(), 'falco-a');
    b = await installCopy(dir(), 'falco-b');
  });

  it('are two copies: their classes differ', () => {
    assert.notEqual(a.ConfigError, b.ConfigError);
    assert.notEqual(a.Driver, b.Driver);
  });

  it('are instances of the same class, and its base classes, of the other copy', () => {
    const error = new a.ConfigError('bad option');
    assert.ok(error instanceof b.ConfigError);
    assert.ok(error instanceof b.FatalError);
    assert.ok(error instanceof b.FalcoError);
    assert.ok(new a.ThrottledError('slow down') instanceof b.ThrottledError);
    assert.ok(new a.PhaseNotStartedError('reduce', 'map', ['n1']) instanceof b.PhaseNotStartedError);
    assert.ok(new a.JournalError('torn') instanceof b.FatalError);
  });

  it('include the errors of falco/flows and falco/stores', async () => {
    const [codeA, codeB] = await Promise.all(['falco-a', 'falco-b'].map((name) => moduleOf<CodeErrors>(dir(), name, 'flows/code/errors.js')));
    const [triggersA, triggersB] = await Promise.all(['falco-a', 'falco-b'].map((name) => moduleOf<TriggerErrors>(dir(), name, 'flows/triggers/errors.js')));
    const [portA, portB] = await Promise.all(['falco-a', 'falco-b'].map((name) => moduleOf<WorkspacePort>(dir(), name, 'stores/ports/workspace.js')));
    assert.notEqual(codeA!.NonDeterminismError, codeB!.NonDeterminismError);
    assert.ok(new codeA!.WorkflowCodeError('x') instanceof codeB!.WorkflowCodeError);
    assert.ok(new triggersA!.DeliveryCapError('x') instanceof triggersB!.DeliveryCapError);
    assert.ok(new triggersA!.DeliveryCapError('x') instanceof b.FatalError);
    assert.ok(new portA!.CheckpointConflictError('x') instanceof portB!.CheckpointConflictError);
    assert.ok(!(new portA!.CheckpointConflictError('x') instanceof portB!.WorkspaceNotFoundError));
  });

  it('are not instances of a sibling class, nor is a plain error or look-alike', () => {
    assert.ok(!(new a.ConfigError('x') instanceof b.PlanError));
    assert.ok(!(new a.TransientError('x') instanceof b.FatalError));
    assert.ok(!(new Error('x') instanceof b.FalcoError));
    assert.ok(!({ errorClass: 'fatal', name: 'ConfigError' } instanceof b.ConfigError));
  });

  it("match a user's subclass only within its own copy: a subclass carries no brand of its own", () => {
    class QuotaError extends b.ConfigError {}
    assert.ok(new QuotaError('x') instanceof a.ConfigError);
    assert.ok(new QuotaError('x') instanceof QuotaError);
    assert.ok(!(new a.ConfigError('x') instanceof QuotaError));
  });

  it("recognise a driver whose class extends the other copy's Driver", () => {
    class Squares extends a.Driver {
      runtime() {
        return { identifier: 'nodejs:20', makeDeployment: () => a.deployable({ runtime: 'nodejs:20', code: { source: 'x' } }), invocationPayload: () => [] };
      }
    }
    assert.ok(new Squares() instanceof b.Driver);
    assert.ok(Squares.prototype instanceof b.Driver);
    assert.ok(!(new a.ConfigError('x') instanceof b.Driver));
  });
});
