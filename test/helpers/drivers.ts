import { deployable, Driver, ExecutionPlan, type Deployable, type Phase, type Runtime } from '../../src/index.js';

export const echoDeployable: Deployable = deployable({ runtime: 'nodejs:20', code: { source: 'function main(args) { return args; }' }, name: 'echo' });

/** A driver whose plan is given: the shape every test driver shares. */
export class PlanDriver extends Driver {
  constructor(
    private readonly phases: Phase<any>[],
    private readonly code: Deployable = echoDeployable,
  ) {
    super();
  }

  runtime(): Runtime {
    return { makeDeployment: () => this.code, invocationPayload: () => [] };
  }

  override executionPlan(): ExecutionPlan {
    return new ExecutionPlan(this.phases);
  }
}

export function inputs(count: number, prefix = 'i'): { id: string; input: { n: number } }[] {
  return Array.from({ length: count }, (_, n) => ({ id: `${prefix}${n}`, input: { n } }));
}
