import { brand } from '../../src/brand.js';
import { ConfigError, PlanError } from '../../src/errors.js';

/** A flow graph the service cannot run: a node id used twice, an edge to nowhere, a kind no worker takes, a bad guard. */
export class FlowGraphError extends PlanError {
  static {
    brand(this, 'FlowGraphError');
  }
}

/** The operation does not apply to the workflow as it is (resume a finished one, say), or there is no such workflow. */
export class WorkflowStateError extends ConfigError {
  static {
    brand(this, 'WorkflowStateError');
  }
}
