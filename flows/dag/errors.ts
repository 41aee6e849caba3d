import { brand } from '../../src/brand.js';
import { PlanError } from '../../src/errors.js';

/** A DAG that cannot run: a cycle, a dependency on an unknown task, a duplicate id... The message names the tasks and the fix. */
export class DagError extends PlanError {
  static {
    brand(this, 'DagError');
  }
}
