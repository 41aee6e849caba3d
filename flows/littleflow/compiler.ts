import { basename, extname } from 'node:path';
import { ConfigError, messageOf } from '../../src/errors.js';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import { FLOW_END, FLOW_START, SUBFLOW_END, SUBFLOW_START, type FlowEdge, type FlowGraph, type FlowNode } from '../tasks/graph.js';
import type { Declaration, FlowAst, Label, Literal, Statement, Step, Subflow, Task } from './ast.js';
import { FlowSemanticError, type FlowProblem, type SourcePosition } from './errors.js';
import { EdgeSet } from './edges.js';
import { guardExpression } from './guard.js';
import { literalValue, LiteralProblem } from './literals.js';
import { MAX_NESTING, parseFlow } from './parser.js';
import { fileResolver, type ResourceResolver } from './resources.js';

export interface FlowCompileOptions {
  /** The file's name, for error messages, when compiling text. */
  readonly file?: string;
  /** The folder relative resources `<data.json>` are read from. @default the current directory */
  readonly baseDir?: string;
  /** Loads resources `<uri>` instead of reading files (for `http:` URIs and the like). */
  readonly resolveResource?: ResourceResolver;
  /**
   * Keep every subflow's start and end as `flow:start` / `flow:end` nodes, as littleflow's own graph has them.
   * By default they are kept only where they do something (a guard or `>` on the subflow, `> :end`).
   */
  readonly keepSubflows?: boolean;
}

/** Subflow boundaries, as nodes: pass-through steps that the workflow service runs itself. */
export { SUBFLOW_END, SUBFLOW_START };

/** More nodes than this is a runaway (subflow declarations that use each other many times), not a workflow. */
export const MAX_NODES = 1_000_000;

/**
 * Compiles a `.flow` text (or its parsed tree) to a FlowGraph: every task reference is one node, numbered
 * `<name>.<n>` in source order as littleflow numbers its steps (subflow starts and ends take numbers too),
 * joined by labels as littleflow's compiler joins them. Any fault is a FlowSyntaxError or FlowSemanticError.
 */
export function compileFlow(input: string | FlowAst, options: FlowCompileOptions = {}): FlowGraph {
  const ast = typeof input === 'string' ? parseFlow(input, options.file === undefined ? {} : { file: options.file }) : input;
  if (typeof ast !== 'object' || ast === null || typeof ast.text !== 'string' || !Array.isArray(ast.items)) {
    throw new ConfigError('compileFlow takes the text of a .flow file, or the tree parseFlow returns');
  }
  return new Compiler(ast, options).graph();
}

type Vertex = TaskVertex | ValueVertex | StartVertex | EndVertex;

interface TaskVertex {
  readonly kind: 'task';
  readonly index: number;
  readonly name: string;
  readonly parameters: JsonObject;
  readonly guard: string | undefined;
  merge: boolean;
  readonly at: SourcePosition;
}

interface ValueVertex {
  readonly kind: 'literal' | 'resource';
  readonly index: number;
  readonly value: Json;
  readonly parameters: JsonObject | undefined;
  readonly at: SourcePosition;
}

interface StartVertex {
  readonly kind: 'start';
  readonly index: number;
  readonly guard: string | undefined;
  merge: boolean;
  end?: EndVertex;
  readonly at: SourcePosition;
}

interface EndVertex {
  readonly kind: 'end';
  index: number;
  merge: boolean;
  /** Its subflow has a guard: a skipped subflow goes on from here, so the end is kept as a node. */
  guarded: boolean;
  readonly at: SourcePosition;
}

/** A flow or subflow: its own start, end and labels, and its statements once their steps are numbered. */
interface Scope {
  readonly start: StartVertex;
  readonly end: EndVertex;
  /** Labels naming a step's input: `:x A`, and a statement's source label naming its first step. */
  readonly inputs: Map<string, Labelled>;
  /** Labels naming an output: `A :x`, and `→ :x` naming a statement's last step. */
  readonly outputs: Map<string, Labelled>;
  readonly statements: NumberedStatement[];
}

/** The vertex a label names, and where the label was written. */
interface Labelled {
  readonly vertex: Vertex;
  readonly at: SourcePosition;
}

interface NumberedStatement {
  readonly source: Label | undefined;
  readonly steps: readonly { readonly entry: Vertex; readonly exit: Vertex }[];
  readonly destination: { readonly label: Label; readonly merge: boolean } | undefined;
}

interface TaskDefinition {
  readonly name: string;
  readonly parameters: Json | undefined;
  readonly subflow?: { readonly body: Subflow; readonly declared: string };
}

const RESERVED_LABELS = new Set(['start', 'end']);
const RESERVED_TASKS = new Set([SUBFLOW_START, SUBFLOW_END]);

class Compiler {
  private readonly vertices: Vertex[] = [];
  private readonly scopes: Scope[] = [];
  private readonly declarations = new Map<string, Declaration>();
  private flowDeclaration: Declaration | undefined;
  private readonly inlining: string[] = [];
  /** How many subflows are open where the compiler is, counting those that @task declarations stand for. */
  private depth = 0;
  private readonly resolve: ResourceResolver;

  constructor(
    private readonly ast: FlowAst,
    private readonly options: FlowCompileOptions,
  ) {
    this.resolve = options.resolveResource ?? fileResolver(options.baseDir ?? process.cwd());
  }

  graph(): FlowGraph {
    const statements = this.declare();
    if (statements.length === 0) this.fail({ line: 1, column: 1 }, 'unsupported', 'the flow has no statements: write at least one task, as in `A → B`');
    const top = this.scope(this.startVertex({ line: 1, column: 1 }, undefined, false));
    this.number(top, statements);
    top.end.index = this.nextIndex();
    // One number past the end, for FLOW_END when `> :end` makes the end a flow:end node.
    const edges = new EdgeSet(top.end.index + 2);
    for (const scope of this.scopes) this.connect(scope, edges);
    return this.assemble(top, edges);
  }

  /** Records the declarations (they apply wherever they are written) and returns the statements. */
  private declare(): Statement[] {
    const statements: Statement[] = [];
    for (const item of this.ast.items) {
      if (item.kind === 'statement') {
        statements.push(item);
        continue;
      }
      if (item.type === 'flow') {
        if (this.flowDeclaration) this.fail(item.at, 'declaration', `a flow has one @flow declaration, and this is a second: the first is at line ${this.flowDeclaration.at.line}`);
        if (item.alias) this.fail(item.alias.at, 'declaration', `@flow ${item.name} cannot stand for another name: only @task declarations have "= name"`);
        if (item.subflow) this.fail(item.subflow.at, 'declaration', `@flow ${item.name} cannot have a subflow: write the flow's statements after its declaration`);
        this.flowDeclaration = item;
      } else {
        const earlier = this.declarations.get(item.name);
        if (earlier) this.fail(item.at, 'declaration', `task ${item.name} is declared twice: here and at line ${earlier.at.line}; keep one`);
        if (item.alias && item.subflow) this.fail(item.subflow.at, 'declaration', `@task ${item.name} stands for ${item.alias.name}, so it cannot also have a subflow`);
        if (item.subflow && item.parameters) this.fail(item.parameters.at, 'declaration', `@task ${item.name} is a subflow, which takes no parameters: give its tasks the parameters`);
        this.declarations.set(item.name, item);
      }
    }
    return statements;
  }

  /** Numbers the statements' steps in source order and records their labels, recursing into subflows. */
  private number(scope: Scope, statements: readonly Statement[]): void {
    for (const statement of statements) {
      const steps: { entry: Vertex; exit: Vertex }[] = [];
      const source = statement.source;
      let sourceLabel: Label | undefined;
      if (source?.kind === 'label') {
        if (source.label.name === 'end') this.fail(source.label.at, 'reserved-label', '":end" cannot start a statement: it is the end of the flow');
        if (source.label.name !== 'start') sourceLabel = source.label;
      } else if (source) {
        const vertex = source.kind === 'literal' ? this.literalVertex(source.literal, source.at) : this.resourceVertex(source.uri, source.parameters, source.at);
        steps.push({ entry: vertex, exit: vertex });
      }
      for (const step of statement.steps) {
        const numbered = this.step(scope, step);
        if (sourceLabel && steps.length === 0) scope.inputs.set(sourceLabel.name, { vertex: numbered.entry, at: sourceLabel.at });
        steps.push(numbered);
      }
      let destination: NumberedStatement['destination'];
      const exit = steps[steps.length - 1]!.exit;
      if (statement.destination?.kind === 'resource') {
        this.fail(statement.destination.at, 'unsupported', `a resource at the end of a statement (writing the output to <${statement.destination.uri}>) is not supported: store the output with a task`);
      } else if (statement.destination) {
        const { label, merge } = statement.destination;
        if (label.name === 'start') {
          this.fail(label.at, 'reserved-label', '"→ :start" would feed the output back into the start of the flow, which falco does not do: label the first step and loop to it, as in `:top A → B → :top`');
        }
        if (label.name !== 'end') scope.outputs.set(label.name, { vertex: exit, at: label.at });
        destination = { label, merge };
      }
      scope.statements.push({ source: sourceLabel, steps, destination });
    }
  }

  private step(scope: Scope, step: Step): { entry: Vertex; exit: Vertex } {
    if (step.iterate) this.fail(step.iterate, 'unsupported', 'iteration "*" is not supported (littleflow lists it as a future feature and does not run it either): give the task the whole list');
    const guard = step.guard && this.guard(step.guard.expression, step.guard.at);
    const body = step.body;
    let numbered: { entry: Vertex; exit: Vertex };
    if (body.kind === 'subflow') {
      numbered = this.subflow(body, guard, step.merge);
    } else if (body.kind === 'tasks') {
      numbered = this.subflowOf(body.at, guard, step.merge, (inner) => {
        for (const task of body.tasks) {
          const vertex = this.task(task, undefined, false);
          inner.statements.push({ source: undefined, steps: [vertex], destination: undefined });
        }
      });
    } else {
      numbered = this.task(body, guard, step.merge);
    }
    if (step.inputLabel) this.label(scope, step.inputLabel, numbered.entry, 'input', step);
    if (step.outputLabel) this.label(scope, step.outputLabel, numbered.exit, 'output', step);
    return numbered;
  }

  private label(scope: Scope, label: Label, vertex: Vertex, role: 'input' | 'output', step: Step): void {
    const labels = role === 'input' ? scope.inputs : scope.outputs;
    if (RESERVED_LABELS.has(label.name)) {
      this.fail(label.at, 'reserved-label', `":${label.name}" is reserved for the ${label.name} of the flow and cannot name a step's ${role}: choose another label`);
    }
    const earlier = labels.get(label.name);
    if (!earlier) {
      labels.set(label.name, { vertex, at: label.at });
      return;
    }
    if (role === 'output' && label.at.line > step.at.line) {
      this.fail(label.at, 'ambiguous-meet', `":${label.name}" is already an output label (at ${earlier.at.line}:${earlier.at.column}); here, with no ";" before it, it continues the statement above as the output label of ${describeStep(step)}: end the line before with ";" to start a new statement with ":${label.name}"`);
    }
    this.fail(label.at, role === 'output' ? 'duplicate-output-label' : 'duplicate-input-label', `${role} label ":${label.name}" is already used at ${earlier.at.line}:${earlier.at.column} in this ${scope === this.scopes[0] ? 'flow' : 'subflow'}: an ${role} label names one step; choose another name`);
  }

  /** A task reference: a task node, or the subflow its declaration stands for. */
  private task(task: Task, guard: string | undefined, merge: boolean): { entry: Vertex; exit: Vertex } {
    const definition = this.definition(task);
    if (definition.subflow) {
      if (task.parameters) this.fail(task.parameters.at, 'declaration', `${task.name} is a subflow (declared at line ${this.declarations.get(task.name)!.at.line}), which takes no parameters`);
      const { body, declared } = definition.subflow;
      if (this.inlining.includes(declared)) this.fail(task.at, 'declaration', `the subflow of ${declared} uses ${declared} itself (${[...this.inlining, declared].join(' → ')}): a subflow cannot contain itself`);
      this.inlining.push(declared);
      const numbered = this.subflow(body, guard, merge);
      this.inlining.pop();
      return numbered;
    }
    if (RESERVED_TASKS.has(definition.name)) this.fail(task.at, 'reserved-label', `"${definition.name}" is the name falco gives subflow boundaries: name the task otherwise`);
    let parameters = definition.parameters;
    if (task.parameters) parameters = mergeParameters(parameters, this.literal(task.parameters, 'parameters'), (problem) => this.fail(task.parameters!.at, 'literal', problem));
    const vertex: TaskVertex = { kind: 'task', index: this.nextIndex(), name: definition.name, parameters: this.parameterObject(parameters, task), guard, merge, at: task.at };
    this.vertices.push(vertex);
    return { entry: vertex, exit: vertex };
  }

  /** What a task name stands for, following `@task X = Y` aliases, with the defaults of each merged under the next. */
  private definition(task: Task): TaskDefinition {
    const chain: string[] = [];
    let name = task.name;
    let declaration = this.declarations.get(name);
    const defaults: Json[] = [];
    while (declaration) {
      if (chain.includes(name)) this.fail(task.at, 'declaration', `the @task aliases of ${task.name} go round in a circle (${[...chain, name].join(' = ')}): one of them must name a task`);
      chain.push(name);
      if (declaration.parameters) defaults.unshift(this.literal(declaration.parameters, 'parameters'));
      if (declaration.subflow) {
        if (defaults.length > 0) this.fail(task.at, 'declaration', `${task.name} stands for the subflow ${name}, which takes no parameters`);
        return { name, parameters: undefined, subflow: { body: declaration.subflow, declared: name } };
      }
      if (!declaration.alias) break;
      name = declaration.alias.name;
      declaration = this.declarations.get(name);
    }
    let parameters: Json | undefined;
    for (const value of defaults) parameters = mergeParameters(parameters, value, (problem) => this.fail(task.at, 'literal', `the declarations of ${task.name}: ${problem}`));
    return { name, parameters };
  }

  /** Task parameters are an object; a list (littleflow's positional arguments) becomes `{ args: [...] }`. */
  private parameterObject(value: Json | undefined, task: Task): JsonObject {
    if (value === undefined) return {};
    if (Array.isArray(value)) return { args: value };
    if (typeof value === 'object' && value !== null) return value;
    return this.fail(task.parameters?.at ?? task.at, 'literal', `the parameters of ${task.name} are ${JSON.stringify(value)}: parameters are a map (- key: value -) or a list ([1, 2])`);
  }

  private subflow(body: Subflow, guard: string | undefined, merge: boolean): { entry: Vertex; exit: Vertex } {
    return this.subflowOf(body.at, guard, merge, (inner) => this.number(inner, body.statements));
  }

  private subflowOf(at: SourcePosition, guard: string | undefined, merge: boolean, fill: (inner: Scope) => void): { entry: Vertex; exit: Vertex } {
    if (++this.depth > MAX_NESTING) this.fail(at, 'too-large', `subflows (with the @task subflows used in them) nest deeper than ${MAX_NESTING} levels here: flatten the flow`);
    const start = this.startVertex(at, guard, merge);
    const inner = this.scope(start);
    fill(inner);
    this.depth--;
    inner.end.index = this.nextIndex();
    start.end = inner.end;
    this.vertices.push(inner.end);
    return { entry: start, exit: inner.end };
  }

  private startVertex(at: SourcePosition, guard: string | undefined, merge: boolean): StartVertex {
    const start: StartVertex = { kind: 'start', index: this.vertices.length === 0 ? 0 : this.nextIndex(), guard, merge, at };
    this.vertices.push(start);
    return start;
  }

  private scope(start: StartVertex): Scope {
    const scope: Scope = { start, end: { kind: 'end', index: -1, merge: false, guarded: start.guard !== undefined, at: start.at }, inputs: new Map(), outputs: new Map(), statements: [] };
    this.scopes.push(scope);
    return scope;
  }

  private literalVertex(literal: Literal, at: SourcePosition): ValueVertex {
    const value = this.literal(literal, 'resource');
    if (typeof value !== 'object' || value === null) this.fail(literal.at, 'literal', `a resource literal is the output of a step, so it is a map or a list, not ${JSON.stringify(value)}`);
    const vertex: ValueVertex = { kind: 'literal', index: this.nextIndex(), value, parameters: undefined, at };
    this.vertices.push(vertex);
    return vertex;
  }

  private resourceVertex(uri: string, literal: Literal | undefined, at: SourcePosition): ValueVertex {
    const index = this.nextIndex();
    const given = literal ? this.literal(literal, 'parameters') : {};
    if (typeof given !== 'object' || given === null || Array.isArray(given)) this.fail(literal!.at, 'literal', `the parameters of <${uri}> are a map, as in (- content-type: application/json -)`);
    let value: Json;
    try {
      value = this.resolve(uri, given);
    } catch (error) {
      return this.fail(at, 'resource', `cannot load the resource <${uri}>: ${messageOf(error)}`);
    }
    const vertex: ValueVertex = { kind: 'resource', index, value, parameters: { uri, ...given }, at };
    this.vertices.push(vertex);
    return vertex;
  }

  private literal(literal: Literal, role: 'parameters' | 'resource'): Json {
    const value = literalValue(literal);
    if (value instanceof LiteralProblem) return this.fail(value.at, 'literal', `${role === 'parameters' ? 'parameters' : 'resource literal'}: ${value.problem}`);
    return value;
  }

  private guard(written: string, at: SourcePosition): string {
    const guard = guardExpression(written);
    if ('problem' in guard) return this.fail(at, 'guard', guard.problem);
    return guard.expression;
  }

  /** The next step's number: every vertex so far has one (a subflow's end is numbered when it closes). */
  private nextIndex(): number {
    const index = this.vertices.length;
    if (index > MAX_NODES) this.fail(this.vertices[index - 1]!.at, 'too-large', `the flow has more than ${MAX_NODES} steps: subflow declarations that use each other multiply; flatten them`);
    return index;
  }

  /** The edges of one scope's statements, as littleflow's compiler draws them. */
  private connect(scope: Scope, edges: EdgeSet): void {
    for (const statement of scope.statements) {
      let current: Vertex = scope.start;
      if (statement.source) {
        const named = scope.outputs.get(statement.source.name);
        if (!named) this.fail(statement.source.at, 'unknown-label', `unknown output label ":${statement.source.name}": no step before it is labelled \`A :${statement.source.name}\` and no statement ends with \`→ :${statement.source.name}\``);
        current = named.vertex;
      }
      for (const step of statement.steps) {
        edges.add(current.index, step.entry.index);
        current = step.exit;
      }
      const destination = statement.destination;
      if (destination && destination.label.name !== 'end') {
        const target = scope.inputs.get(destination.label.name)?.vertex;
        if (!target) this.fail(destination.label.at, 'unknown-label', `unknown input label ":${destination.label.name}": no step is labelled \`:${destination.label.name} A\` and no statement starts with \`:${destination.label.name} →\``);
        if (destination.merge && (target.kind === 'task' || target.kind === 'start' || target.kind === 'end')) target.merge = true;
        edges.add(current.index, target.index);
      } else {
        if (destination?.merge) scope.end.merge = true;
        edges.add(current.index, scope.end.index);
      }
    }
    for (const [name, output] of scope.outputs) {
      const input = scope.inputs.get(name);
      if (input) edges.add(output.vertex.index, input.vertex.index);
    }
  }

  private assemble(top: Scope, edges: EdgeSet): FlowGraph {
    const ids: string[] = [FLOW_START];
    const nodes: FlowNode[] = [];
    for (const vertex of this.vertices) {
      if (vertex === top.start) continue;
      if ((vertex.kind === 'start' || vertex.kind === 'end') && !this.kept(vertex)) {
        edges.bypass(vertex.index);
        continue;
      }
      ids[vertex.index] = idOf(vertex);
      nodes.push(this.nodeOf(vertex, ids));
    }
    const end = top.end.index;
    ids[end] = FLOW_END;
    if (top.end.merge) {
      // `> :end` merges the flow's output: a flow:end node does it, as FLOW_END is no node.
      ids[end] = idOf(top.end);
      ids[end + 1] = FLOW_END;
      edges.add(end, end + 1);
      nodes.push(this.nodeOf(top.end, ids));
    }
    const flowEdges: FlowEdge[] = edges.sorted().map(([from, to]) => ({ from: ids[from]!, to: ids[to]! }));
    const declaration = this.flowDeclaration;
    const parameters = declaration?.parameters ? this.literal(declaration.parameters, 'parameters') : undefined;
    if (parameters !== undefined && (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters))) {
      this.fail(declaration!.parameters!.at, 'literal', `the parameters of @flow ${declaration!.name} are a map, as in (- key: value -)`);
    }
    const doc = declaration?.doc?.trim();
    return {
      name: declaration?.name ?? nameOfFile(this.ast.file),
      ...(doc && { doc }),
      ...(parameters && { parameters }),
      nodes,
      edges: flowEdges,
    };
  }

  /** A subflow boundary is a node where it does something; elsewhere its edges are joined past it. */
  private kept(vertex: StartVertex | EndVertex): boolean {
    if (this.options.keepSubflows === true || vertex.merge) return true;
    return vertex.kind === 'start' ? vertex.guard !== undefined : vertex.guarded;
  }

  private nodeOf(vertex: Vertex, ids: readonly string[]): FlowNode {
    const id = ids[vertex.index]!;
    const source = vertex.at;
    switch (vertex.kind) {
      case 'task':
        return { id, name: vertex.name, parameters: vertex.parameters, ...(vertex.guard !== undefined && { guard: vertex.guard }), ...(vertex.merge && { merge: true }), source };
      case 'literal':
      case 'resource':
        return { id, name: vertex.kind, ...(vertex.parameters && { parameters: vertex.parameters }), literal: vertex.value, source };
      case 'start':
        return {
          id,
          name: SUBFLOW_START,
          parameters: this.kept(vertex.end!) ? { end: `${SUBFLOW_END}.${vertex.end!.index}` } : {},
          ...(vertex.guard !== undefined && { guard: vertex.guard }),
          ...(vertex.merge && { merge: true }),
          source,
        };
      case 'end':
        return { id, name: SUBFLOW_END, parameters: {}, ...(vertex.merge && { merge: true }), source };
    }
  }

  private fail(at: SourcePosition, kind: FlowProblem, problem: string): never {
    throw new FlowSemanticError(this.ast, at, kind, problem);
  }
}

function idOf(vertex: Vertex): string {
  switch (vertex.kind) {
    case 'task':
      return `${vertex.name}.${vertex.index}`;
    case 'start':
      return `${SUBFLOW_START}.${vertex.index}`;
    case 'end':
      return `${SUBFLOW_END}.${vertex.index}`;
    default:
      return `${vertex.kind}.${vertex.index}`;
  }
}

/** Declaration defaults under a statement's parameters: maps merge key by key, a list replaces a list. */
function mergeParameters(defaults: Json | undefined, given: Json, fail: (problem: string) => never): Json {
  if (defaults === undefined || isEmpty(defaults)) return given;
  if (isEmpty(given)) return defaults;
  const defaultsAreMap = isMap(defaults);
  if (defaultsAreMap !== isMap(given) || Array.isArray(defaults) !== Array.isArray(given)) {
    fail(`the defaults are ${kindOf(defaults)} and the parameters ${kindOf(given)}: write both as maps or both as lists`);
  }
  return defaultsAreMap && isMap(given) ? { ...defaults, ...given } : given;
}

function isMap(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: Json): boolean {
  return (isMap(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0);
}

function kindOf(value: Json): string {
  return isMap(value) ? 'a map' : Array.isArray(value) ? 'a list' : JSON.stringify(value);
}

function describeStep(step: Step): string {
  const body = step.body;
  return body.kind === 'task' ? body.name : body.kind === 'tasks' ? body.tasks.map((t) => t.name).join('|') : 'the subflow';
}

function nameOfFile(file: string | undefined): string {
  if (!file) return 'flow';
  return basename(file, extname(file)) || 'flow';
}
