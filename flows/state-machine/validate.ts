import { isTimestamp, ruleProblems } from './choice.js';
import { STATE_TYPES, type StateMachineDefinition, type StateType } from './definition.js';
import { StateMachineError } from './errors.js';
import { parsePath, templateProblems } from './paths.js';

const IO = ['InputPath', 'OutputPath'];
const FLOW = ['Next', 'End'];
const RESULTS = ['Parameters', 'ResultSelector', 'ResultPath'];
const RECOVERS = ['Retry', 'Catch'];
const NULLABLE_PATHS = ['InputPath', 'OutputPath', 'ResultPath'];

/** The fields each state type may have, besides `Type` and `Comment`. */
const FIELDS: Record<StateType, readonly string[]> = {
  Pass: [...IO, ...FLOW, 'Result', 'Parameters', 'ResultPath'],
  Task: [...IO, ...FLOW, ...RESULTS, ...RECOVERS, 'Resource'],
  Choice: [...IO, 'Choices', 'Default'],
  Wait: [...IO, ...FLOW, 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'],
  Succeed: IO,
  Fail: ['Error', 'Cause'],
  Parallel: [...IO, ...FLOW, ...RESULTS, ...RECOVERS, 'Branches'],
  Map: [...IO, ...FLOW, ...RESULTS, ...RECOVERS, 'ItemProcessor', 'Iterator', 'ItemsPath', 'ItemSelector', 'MaxConcurrency'],
};

type Fields = Record<string, unknown>;

/**
 * Checks an ASL definition (parsed JSON or a typed object) and returns it typed. Every problem is
 * collected into one `StateMachineError`, each naming its state (`Outer/Branches[0]/Inner` inside
 * a branch) and the fix. `resources`, when given, are the deployables a Task may name.
 */
export function parseStateMachine(definition: unknown, resources?: readonly string[]): StateMachineDefinition {
  const problems = machineProblems(definition, '', resources);
  if (problems.length > 0) {
    throw new StateMachineError(`invalid state machine definition: ${problems.join('; ')}`);
  }
  return definition as StateMachineDefinition;
}

/**
 * The typed builder: `stateMachine({ StartAt, States })` checks the definition (as
 * `parseStateMachine` does, Task resources aside) and returns it, so a definition written in
 * TypeScript is checked by the compiler and by falco where it is written.
 */
export function stateMachine<D extends StateMachineDefinition>(definition: D): D {
  parseStateMachine(definition);
  return definition;
}

/** `scope` prefixes the names of states inside a branch or item processor: `Outer/Branches[0]/`. */
function machineProblems(machine: unknown, scope: string, resources: readonly string[] | undefined): string[] {
  const where = scope === '' ? 'the state machine' : `the machine "${scope.slice(0, -1)}"`;
  if (!isObject(machine)) return [`${where} must be an object with StartAt and States`];
  const problems = unknownFields(machine, ['StartAt', 'States', 'Comment', 'Version', 'ProcessorConfig'], where);
  if (machine.ProcessorConfig !== undefined && (!isObject(machine.ProcessorConfig) || machine.ProcessorConfig.Mode !== 'INLINE')) {
    problems.push(`${where}: ProcessorConfig.Mode must be "INLINE" (distributed maps are not supported)`);
  }
  if (!isObject(machine.States) || Object.keys(machine.States).length === 0) {
    return [...problems, `${where} has no States: add an object of named states`];
  }
  const states = machine.States;
  const names = Object.keys(states);
  if (typeof machine.StartAt !== 'string') {
    problems.push(`${where} has no StartAt: name the first state (one of ${list(names)})`);
  } else if (!(machine.StartAt in states)) {
    problems.push(`${where}: StartAt "${machine.StartAt}" names no state; use one of ${list(names)}`);
  }
  for (const name of names) problems.push(...stateProblems(states[name], `${scope}${name}`, names, resources));
  if (problems.length === 0) problems.push(...unreachable(machine.StartAt as string, states as Record<string, Fields>, scope));
  return problems;
}

function stateProblems(state: unknown, name: string, names: readonly string[], resources: readonly string[] | undefined): string[] {
  const where = `state "${name}"`;
  if (!isObject(state)) return [`${where} must be an object with a Type`];
  const type = state.Type;
  if (!(STATE_TYPES as readonly unknown[]).includes(type)) {
    return [`${where} has ${type === undefined ? 'no Type' : `an unknown Type "${String(type)}"`}: use one of ${STATE_TYPES.join(', ')}`];
  }
  const kind = type as StateType;
  const problems = [...unknownFields(state, ['Type', 'Comment', ...FIELDS[kind]], where, kind)];
  const target = (next: unknown, field: string) => {
    if (typeof next !== 'string') problems.push(`${where}: ${field} must be a state name`);
    else if (!names.includes(next)) problems.push(`${where}: ${field} "${next}" names no state in its machine; use one of ${list(names)}`);
  };
  if (FIELDS[kind].includes('Next')) {
    if ((state.Next === undefined) === (state.End !== true)) {
      problems.push(`${where} needs exactly one of "Next" (the state that follows) or "End": true`);
    } else if (state.Next !== undefined) target(state.Next, 'Next');
  }
  for (const field of ['InputPath', 'OutputPath', 'ResultPath', 'ItemsPath', 'SecondsPath', 'TimestampPath']) {
    const value = state[field];
    if (value === undefined || (value === null && NULLABLE_PATHS.includes(field))) continue;
    const path = parsePath(value as string);
    if (typeof path === 'string') problems.push(`${where}.${field}: ${path}`);
    else if (field === 'ResultPath' && (path.root === '$$' || path.steps.some((step) => typeof step === 'number'))) {
      problems.push(`${where}.ResultPath "${path.text}" must name object fields of the input ($.a.b)`);
    }
  }
  for (const field of ['Parameters', 'ResultSelector', 'ItemSelector']) {
    if (state[field] === undefined) continue;
    if (!isObject(state[field])) problems.push(`${where}.${field} must be an object (a payload template)`);
    else problems.push(...templateProblems(state[field], `${where}.${field}`));
  }
  if (kind === 'Task' && typeof state.Resource !== 'string') problems.push(`${where} has no Resource: name a deployable registered with the run`);
  else if (kind === 'Task' && resources && !resources.includes(state.Resource as string)) {
    problems.push(`${where}: Resource "${String(state.Resource)}" is not a deployable registered with the run; pass it in resources (registered: ${list(resources)})`);
  }
  if (kind === 'Choice') problems.push(...choiceProblems(state, where, target));
  if (kind === 'Wait') problems.push(...waitProblems(state, where));
  if (kind === 'Fail') {
    for (const field of ['Error', 'Cause']) if (state[field] !== undefined && typeof state[field] !== 'string') problems.push(`${where}.${field} must be a string`);
  }
  if (kind === 'Parallel') {
    if (!Array.isArray(state.Branches) || state.Branches.length === 0) problems.push(`${where}.Branches must be a non-empty array of machines ({ StartAt, States })`);
    else state.Branches.forEach((branch, i) => problems.push(...machineProblems(branch, `${name}/Branches[${i}]/`, resources)));
  }
  if (kind === 'Map') problems.push(...mapProblems(state, name, resources));
  if (Array.isArray(state.Retry)) state.Retry.forEach((retrier, i) => problems.push(...retrierProblems(retrier, `${where}.Retry[${i}]`, i === (state.Retry as unknown[]).length - 1)));
  else if (state.Retry !== undefined) problems.push(`${where}.Retry must be an array of retriers`);
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((catcher, i) => {
      const at = `${where}.Catch[${i}]`;
      if (!isObject(catcher)) return problems.push(`${at} must be an object with ErrorEquals and Next`);
      problems.push(...errorEqualsProblems(catcher.ErrorEquals, at, i === (state.Catch as unknown[]).length - 1));
      problems.push(...unknownFields(catcher, ['ErrorEquals', 'Next', 'ResultPath', 'Comment'], at));
      target(catcher.Next, `Catch[${i}].Next`);
      if (catcher.ResultPath !== undefined && catcher.ResultPath !== null && typeof parsePath(catcher.ResultPath as string) === 'string') {
        problems.push(`${at}.ResultPath: ${parsePath(catcher.ResultPath as string) as string}`);
      }
    });
  } else if (state.Catch !== undefined) problems.push(`${where}.Catch must be an array of catchers`);
  return problems;
}

function choiceProblems(state: Fields, where: string, target: (next: unknown, field: string) => void): string[] {
  if (!Array.isArray(state.Choices) || state.Choices.length === 0) return [`${where}.Choices must be a non-empty array of rules`];
  const problems = state.Choices.flatMap((rule, i) => ruleProblems(rule, `${where}.Choices[${i}]`, true));
  state.Choices.forEach((rule, i) => isObject(rule) && typeof rule.Next === 'string' && target(rule.Next, `Choices[${i}].Next`));
  if (state.Default !== undefined) target(state.Default, 'Default');
  return problems;
}

function waitProblems(state: Fields, where: string): string[] {
  const given = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter((field) => state[field] !== undefined);
  if (given.length !== 1) return [`${where} needs exactly one of Seconds, Timestamp, SecondsPath or TimestampPath (got ${given.length === 0 ? 'none' : given.join(', ')})`];
  if (state.Seconds !== undefined && !(Number.isInteger(state.Seconds) && (state.Seconds as number) >= 0)) return [`${where}.Seconds must be a whole number of seconds, 0 or more`];
  if (state.Timestamp !== undefined && !isTimestamp(state.Timestamp)) return [`${where}.Timestamp must be an RFC 3339 timestamp such as "2026-03-14T01:59:00Z"`];
  return [];
}

function mapProblems(state: Fields, name: string, resources: readonly string[] | undefined): string[] {
  const where = `state "${name}"`;
  const problems: string[] = [];
  if ((state.ItemProcessor === undefined) === (state.Iterator === undefined)) {
    problems.push(`${where} needs exactly one of ItemProcessor (or its older name Iterator): the machine each item runs through`);
  } else {
    const field = state.ItemProcessor !== undefined ? 'ItemProcessor' : 'Iterator';
    problems.push(...machineProblems(state[field], `${name}/${field}/`, resources));
  }
  if (state.ItemSelector !== undefined && state.Parameters !== undefined) problems.push(`${where} has both ItemSelector and Parameters (its older name): keep ItemSelector`);
  if (state.MaxConcurrency !== undefined && !(Number.isInteger(state.MaxConcurrency) && (state.MaxConcurrency as number) >= 0)) {
    problems.push(`${where}.MaxConcurrency must be a whole number, 0 (no limit) or more`);
  }
  return problems;
}

function retrierProblems(retrier: unknown, where: string, last: boolean): string[] {
  if (!isObject(retrier)) return [`${where} must be an object with ErrorEquals`];
  const problems = [
    ...unknownFields(retrier, ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'Comment'], where),
    ...errorEqualsProblems(retrier.ErrorEquals, where, last),
  ];
  const check = (field: string, ok: (value: number) => boolean, what: string) => {
    const value = retrier[field];
    if (value !== undefined && !(typeof value === 'number' && ok(value))) problems.push(`${where}.${field} must be ${what}`);
  };
  check('IntervalSeconds', (v) => Number.isInteger(v) && v >= 1, 'a whole number of seconds, 1 or more');
  check('MaxAttempts', (v) => Number.isInteger(v) && v >= 0, 'a whole number, 0 or more');
  check('BackoffRate', (v) => v >= 1, 'a number, 1.0 or more');
  check('MaxDelaySeconds', (v) => Number.isInteger(v) && v >= 1, 'a whole number of seconds, 1 or more');
  return problems;
}

function errorEqualsProblems(errors: unknown, where: string, last: boolean): string[] {
  if (!Array.isArray(errors) || errors.length === 0 || errors.some((e) => typeof e !== 'string')) {
    return [`${where}.ErrorEquals must be a non-empty array of error names (e.g. ["States.ALL"])`];
  }
  if (errors.includes('States.ALL') && (errors.length > 1 || !last)) return [`${where}: "States.ALL" must stand alone, in the last retrier or catcher`];
  return [];
}

function unreachable(startAt: string, states: Record<string, Fields>, prefix: string): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const state = states[name]!;
    const nexts = [state.Next, state.Default, ...[state.Choices, state.Catch].flatMap((rules) => (Array.isArray(rules) ? rules.map((rule: Fields) => rule.Next) : []))];
    for (const next of nexts) if (typeof next === 'string') visit(next);
  };
  visit(startAt);
  return Object.keys(states)
    .filter((name) => !seen.has(name))
    .map((name) => `state "${prefix}${name}" is never reached from StartAt "${startAt}": lead to it with a Next, or remove it`);
}

function unknownFields(object: Fields, allowed: readonly string[], where: string, type?: StateType): string[] {
  return Object.keys(object)
    .filter((key) => !allowed.includes(key))
    .map((key) => `${where}: field "${key}" is not supported${type ? ` on a ${type} state (supported: ${allowed.filter((f) => f !== 'Type').join(', ')})` : ` here (supported: ${allowed.join(', ')})`}`);
}

function isObject(value: unknown): value is Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function list(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((name) => `"${name}"`).join(', ');
}
