import type { SourcePosition } from './errors.js';

/**
 * A parsed `.flow` file, as littleflow's grammar has it: declarations and flow statements in source
 * order. Plain data; `text` is kept so that the compiler's errors can show the source line.
 */
export interface FlowAst {
  readonly file?: string;
  readonly text: string;
  readonly items: readonly (Declaration | Statement)[];
}

/** How a literal's body is written: `()`/`<>` empty, `(- yaml -)`, `({ json })`, `([ json ])` and their `<…>` forms. */
export type LiteralSyntax = 'empty' | 'yaml' | 'json-object' | 'json-array';

/** A parameter or resource literal, its body as written (without the delimiters). */
export interface Literal {
  readonly syntax: LiteralSyntax;
  readonly body: string;
  /** Where the body starts, so a YAML or JSON error can point into it. */
  readonly at: SourcePosition;
}

export interface Label {
  readonly name: string;
  readonly at: SourcePosition;
}

/** `@flow name …` or `@task name (= alias)? (- defaults -)? '''doc'''? { subflow }?`. */
export interface Declaration {
  readonly kind: 'declaration';
  readonly type: string;
  readonly name: string;
  readonly at: SourcePosition;
  readonly alias?: Label;
  readonly parameters?: Literal;
  readonly doc?: string;
  readonly subflow?: Subflow;
}

/** `source → step → … → destination ;`: a source and a destination are optional, one step is not. */
export interface Statement {
  readonly kind: 'statement';
  readonly at: SourcePosition;
  readonly source?: Source;
  readonly steps: readonly Step[];
  readonly destination?: Destination;
}

/** What may start a statement before its first arrow: a label, a resource `<uri>`, or a resource literal. */
export type Source =
  | { readonly kind: 'label'; readonly label: Label }
  | { readonly kind: 'resource'; readonly uri: string; readonly parameters?: Literal; readonly at: SourcePosition }
  | { readonly kind: 'literal'; readonly literal: Literal; readonly at: SourcePosition };

/** What may end a statement after its last arrow: a label (`→ :x`, `→ > :x`) or a resource (`→ <uri>`). */
export type Destination =
  | { readonly kind: 'label'; readonly label: Label; readonly merge: boolean }
  | { readonly kind: 'resource'; readonly uri: string; readonly parameters?: Literal; readonly merge: boolean; readonly at: SourcePosition };

/** `:in? (* | >)? (? `guard`)? body :out?`. */
export interface Step {
  readonly at: SourcePosition;
  readonly inputLabel?: Label;
  readonly outputLabel?: Label;
  readonly merge: boolean;
  /** Where `*` (iteration) was written, if it was. */
  readonly iterate?: SourcePosition;
  readonly guard?: Guard;
  readonly body: Task | TaskList | Subflow;
}

export interface Guard {
  /** The expression between the back quotes. */
  readonly expression: string;
  readonly at: SourcePosition;
}

export interface Task {
  readonly kind: 'task';
  readonly name: string;
  readonly parameters?: Literal;
  readonly at: SourcePosition;
}

/** `A|B|C`: the tasks run side by side, as a subflow of one statement each. */
export interface TaskList {
  readonly kind: 'tasks';
  readonly tasks: readonly Task[];
  readonly at: SourcePosition;
}

/** `{ statements }` or `[ statements ]`: a flow with its own start and end, used as one step. */
export interface Subflow {
  readonly kind: 'subflow';
  readonly statements: readonly Statement[];
  readonly at: SourcePosition;
}
