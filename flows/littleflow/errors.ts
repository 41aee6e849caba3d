import { brand } from '../../src/brand.js';
import { ConfigError } from '../../src/errors.js';

/** A place in a `.flow` source: 1-based line and column, as editors count them. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** What a flow error knows about the source, to point at the place: the file's name (if any) and its text. */
export interface SourceText {
  readonly file?: string;
  readonly text: string;
}

/**
 * A `.flow` file that cannot become a graph. The message reads `file:line:column: what`, then the source
 * line and a caret under the column, so a user sees where to look without opening the file.
 */
export abstract class FlowSourceError extends ConfigError {
  static {
    brand(this, 'FlowSourceError');
  }

  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
  /** The problem alone, without the place and the source excerpt. */
  readonly problem: string;

  constructor(source: SourceText, at: SourcePosition, problem: string) {
    super(`${placeOf(source.file, at)}: ${problem}\n${excerpt(source.text, at)}`);
    this.file = source.file;
    this.line = at.line;
    this.column = at.column;
    this.problem = problem;
  }
}

/** The text does not follow the grammar: the message names what was expected and what was found. */
export class FlowSyntaxError extends FlowSourceError {
  static {
    brand(this, 'FlowSyntaxError');
  }
}

/** What a semantic error is about, for code that handles some of them differently. */
export type FlowProblem =
  | 'duplicate-output-label'
  | 'duplicate-input-label'
  | 'ambiguous-meet'
  | 'unknown-label'
  | 'reserved-label'
  | 'literal'
  | 'declaration'
  | 'resource'
  | 'guard'
  | 'unsupported'
  | 'too-large';

/** The text parses but does not make a graph: a duplicate or unknown label, a bad literal, an unsupported form. */
export class FlowSemanticError extends FlowSourceError {
  static {
    brand(this, 'FlowSemanticError');
  }

  constructor(
    source: SourceText,
    at: SourcePosition,
    readonly kind: FlowProblem,
    problem: string,
  ) {
    super(source, at, problem);
  }
}

function placeOf(file: string | undefined, at: SourcePosition): string {
  return `${file ?? '<flow>'}:${at.line}:${at.column}`;
}

/** The source line at `at`, and a caret under its column (tabs kept, so the caret lines up). */
function excerpt(text: string, at: SourcePosition): string {
  const line = lineAt(text, at.line);
  const shown = line.length > 200 ? line.slice(0, 200) : line;
  const pad = shown.slice(0, Math.max(0, at.column - 1)).replace(/[^\t]/g, ' ');
  return `  ${shown}\n  ${pad}^`;
}

function lineAt(text: string, line: number): string {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? text.length : end).replace(/\r$/, '');
}
