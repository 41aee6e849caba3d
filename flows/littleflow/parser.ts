import { ConfigError } from '../../src/errors.js';
import type { Declaration, Destination, FlowAst, Label, Literal, Source, Statement, Step, Subflow, Task, TaskList } from './ast.js';
import { FlowSyntaxError, type SourceText } from './errors.js';
import { tokenize, type Token, type TokenType } from './lexer.js';

export interface FlowParseOptions {
  /** The file's name, for error messages (`pipeline.flow:3:14: …`). */
  readonly file?: string;
}

/** How deep subflows may nest; deeper is surely not a workflow anyone wrote, and would exhaust the stack. */
export const MAX_NESTING = 100;

const CLOSING: Record<string, string> = { '{': '}', '[': ']' };
const DECLARATION_TYPES = new Set(['flow', 'task']);

/**
 * Parses a `.flow` text into its syntax tree, following littleflow's grammar (littleflow/parser.py), where an
 * ambiguity is resolved as littleflow's LALR parser resolves it: a label after a step is that step's output
 * label, and a label after an arrow is the next step's input label when a step follows it.
 */
export function parseFlow(text: string, options: FlowParseOptions = {}): FlowAst {
  if (typeof text !== 'string') throw new ConfigError(`parseFlow takes the text of a .flow file as a string, not ${text === null ? 'null' : typeof text}`);
  const source: SourceText = options.file === undefined ? { text } : { file: options.file, text };
  const items = new Parser(source, tokenize(source)).flow();
  return options.file === undefined ? { text, items } : { file: options.file, text, items };
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly source: SourceText,
    private readonly tokens: readonly Token[],
  ) {}

  flow(): (Declaration | Statement)[] {
    const items: (Declaration | Statement)[] = [];
    while (this.peek().type !== 'end') {
      if (this.peek().type === 'close') this.fail(this.peek(), `unexpected ${describe(this.peek())}: no subflow is open here`);
      items.push(this.peek().type === 'declare' ? this.declaration() : this.statement());
    }
    return items;
  }

  private declaration(): Declaration {
    const declare = this.next();
    if (!DECLARATION_TYPES.has(declare.value)) this.fail(declare, `unknown declaration "@${declare.value}": expected @flow or @task`);
    const name = this.expect('name', `a name after "@${declare.value}"`);
    let alias: Label | undefined;
    if (this.accept('equal')) {
      const base = this.expect('name', `the name of the task that "@${declare.value} ${name.value} =" stands for`);
      alias = { name: base.value, at: base.at };
    }
    const parameters = this.peek().type === 'parameters' ? literalOf(this.next()) : undefined;
    const doc = this.peek().type === 'doc' ? this.next().value : undefined;
    const subflow = this.peek().type === 'open' ? this.subflow() : undefined;
    this.accept('semicolon');
    return {
      kind: 'declaration',
      type: declare.value,
      name: name.value,
      at: declare.at,
      ...(alias && { alias }),
      ...(parameters && { parameters }),
      ...(doc !== undefined && { doc }),
      ...(subflow && { subflow }),
    };
  }

  private statement(): Statement {
    const at = this.peek().at;
    const source = this.leadingSource();
    const steps: Step[] = [this.step(source ? `after "${this.tokens[this.index - 1]!.value}"` : 'to start a statement')];
    let destination: Destination | undefined;
    while (this.peek().type === 'arrow') {
      const arrow = this.next();
      const t = this.peek();
      const after = this.peek(1);
      if (t.type === 'label' && !startsStepBody(after)) {
        destination = { kind: 'label', label: labelOf(this.next()), merge: false };
      } else if (t.type === 'merge' && (after.type === 'label' || after.type === 'uri')) {
        this.next();
        destination = after.type === 'label' ? { kind: 'label', label: labelOf(this.next()), merge: true } : this.resourceDestination(true);
      } else if (t.type === 'uri') {
        destination = this.resourceDestination(false);
      } else {
        steps.push(this.step(`after "${arrow.value}"`));
        continue;
      }
      break;
    }
    this.accept('semicolon');
    return { kind: 'statement', at, ...(source && { source }), steps, ...(destination && { destination }) };
  }

  /** The statement's source, when it has one: a label, resource or resource literal, then an arrow. */
  private leadingSource(): Source | undefined {
    const t = this.peek();
    let source: Source;
    if (t.type === 'label' && this.peek(1).type === 'arrow') source = { kind: 'label', label: labelOf(this.next()) };
    else if (t.type === 'uri') source = { kind: 'resource', uri: this.next().value, at: t.at, ...this.parameters() };
    else if (t.type === 'literal') source = { kind: 'literal', literal: literalOf(this.next()), at: t.at };
    else return undefined;
    this.expect('arrow', `"→" after ${describe(t)}: it starts a statement, so a step follows it`);
    return source;
  }

  private resourceDestination(merge: boolean): Destination {
    const uri = this.next();
    return { kind: 'resource', uri: uri.value, merge, at: uri.at, ...this.parameters() };
  }

  private parameters(): { parameters?: Literal } {
    return this.peek().type === 'parameters' ? { parameters: literalOf(this.next()) } : {};
  }

  private step(context: string): Step {
    const at = this.peek().at;
    const inputLabel = this.peek().type === 'label' ? labelOf(this.next()) : undefined;
    const prefix = this.peek();
    const merge = this.accept('merge') !== undefined;
    const star = merge ? undefined : this.accept('star');
    let guard: Step['guard'];
    const question = this.accept('question');
    if (question) {
      const expression = this.expect('expression', 'a guard expression in back quotes after "?", as in ? `$[?(@.ok)]`');
      guard = { expression: expression.value, at: expression.at };
    }
    const body = this.peek();
    const written = inputLabel !== undefined || merge || star !== undefined || guard !== undefined;
    if (body.type !== 'name' && body.type !== 'open') {
      const what = written ? `a task name or subflow after ${describe(this.tokens[this.index - 1]!)}` : `a task name or label ${context}`;
      this.fail(body, `expected ${what}, found ${describe(body)}`);
    }
    const step: Step = {
      at: inputLabel ? at : prefix.at,
      ...(inputLabel && { inputLabel }),
      merge,
      ...(star && { iterate: star.at }),
      ...(guard && { guard }),
      body: body.type === 'open' ? this.subflow() : this.tasks(),
    };
    return this.peek().type === 'label' ? { ...step, outputLabel: labelOf(this.next()) } : step;
  }

  private tasks(): Task | TaskList {
    const first = this.task();
    if (this.peek().type !== 'or') return first;
    const tasks = [first];
    while (this.accept('or')) tasks.push(this.task());
    return { kind: 'tasks', tasks, at: first.at };
  }

  private task(): Task {
    const name = this.expect('name', 'a task name after "|"');
    return { kind: 'task', name: name.value, at: name.at, ...this.parameters() };
  }

  private subflow(): Subflow {
    const open = this.next();
    if (++this.depth > MAX_NESTING) this.fail(open, `subflows nest deeper than ${MAX_NESTING} levels here: flatten the flow`);
    const closing = CLOSING[open.value]!;
    const statements: Statement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'close' && statements.length > 0) {
        if (t.value !== closing) this.fail(t, `expected "${closing}" to close the subflow opened at ${open.at.line}:${open.at.column} with "${open.value}", found "${t.value}"`);
        break;
      }
      if (t.type === 'close') this.fail(t, `a subflow needs at least one statement: found "${t.value}" right after "${open.value}"`);
      if (t.type === 'end') this.fail(open, `the subflow opened here with "${open.value}" is never closed: expected "${closing}" before the end of the file`);
      if (t.type === 'declare') this.fail(t, `declarations belong at the top of the flow, not inside a subflow: move ${describe(t)} out of it`);
      statements.push(this.statement());
    }
    this.next();
    this.depth--;
    return { kind: 'subflow', statements, at: open.at };
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.type !== 'end') this.index++;
    return t;
  }

  private accept(type: TokenType): Token | undefined {
    return this.peek().type === type ? this.next() : undefined;
  }

  private expect(type: TokenType, what: string): Token {
    const t = this.peek();
    if (t.type !== type) this.fail(t, `expected ${what}, found ${describe(t)}`);
    return this.next();
  }

  private fail(at: Token, problem: string): never {
    throw new FlowSyntaxError(this.source, at.at, problem);
  }
}

function startsStepBody(t: Token): boolean {
  return t.type === 'name' || t.type === 'open' || t.type === 'star' || t.type === 'merge' || t.type === 'question';
}

function labelOf(t: Token): Label {
  return { name: t.value, at: t.at };
}

function literalOf(t: Token): Literal {
  return { syntax: t.syntax!, body: t.value, at: t.bodyAt! };
}

/** A token as an error message names it. */
export function describe(t: Token): string {
  switch (t.type) {
    case 'end':
      return 'end of file';
    case 'name':
      return `task name "${t.value}"`;
    case 'label':
      return `label ":${t.value}"`;
    case 'declare':
      return `declaration "@${t.value}"`;
    case 'expression':
      return 'a guard expression';
    case 'parameters':
      return 'a parameter literal';
    case 'literal':
      return 'a resource literal';
    case 'uri':
      return `resource "<${t.value}>"`;
    case 'doc':
      return 'a documentation string';
    default:
      return `"${t.value}"`;
  }
}
