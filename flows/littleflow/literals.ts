import { messageOf } from '../../src/errors.js';
import type { Json, JsonObject } from '../../stores/ports/workspace.js';
import type { Literal } from './ast.js';
import type { SourcePosition } from './errors.js';
import { yaml } from './yaml.js';

/** A literal that is not valid YAML or JSON, or holds what JSON cannot carry; `at` is where in the source. */
export class LiteralProblem extends Error {
  constructor(
    readonly at: SourcePosition,
    readonly problem: string,
  ) {
    super(problem);
  }
}

/**
 * The value of a literal, as littleflow reads it: `(- yaml -)` as YAML, `({ … })` as the JSON object
 * `{ … }`, `([ … ])` as the JSON array `[ … ]`, an empty literal or empty body as `{}` (`[]` for an array).
 * Returns a LiteralProblem rather than throwing, so the caller words the error for its context.
 */
export function literalValue(literal: Literal): Json | LiteralProblem {
  const body = literal.body.trim();
  try {
    switch (literal.syntax) {
      case 'empty':
        return {};
      case 'yaml':
        return body === '' ? {} : (plainMap(body) ?? asJson(yaml().parse(literal.body, { prettyErrors: false, logLevel: 'error' }), literal.at));
      case 'json-object':
        return body === '' ? {} : (JSON.parse(`{${literal.body}}`) as Json);
      case 'json-array':
        return body === '' ? [] : (JSON.parse(`[${literal.body}]`) as Json);
    }
  } catch (error) {
    if (error instanceof LiteralProblem) return error;
    return new LiteralProblem(positionIn(literal, error), `cannot read the ${SYNTAX_NAMES[literal.syntax]} literal: ${firstLine(messageOf(error))}`);
  }
}

/** `key: value` lines whose values are words, integers or booleans: the commonest YAML literal, read without a YAML parser. */
const PLAIN_LINE = /^([A-Za-z_][\w-]*)[ \t]*:[ \t]+(-?(?:0|[1-9]\d{0,14})|[A-Za-z_][\w-]*)[ \t]*$/;
/** Words YAML's core schema reads as null or a boolean rather than a string. */
const KEYWORDS: Record<string, Json> = { null: null, Null: null, NULL: null, true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };

/**
 * The map that YAML would read from `key: value` lines of plain words, integers and booleans; undefined
 * for anything else (or a repeated key, which YAML refuses), which then goes to the YAML parser.
 */
export function plainMap(body: string): JsonObject | undefined {
  const entries: [string, Json][] = [];
  for (const line of body.split('\n')) {
    const match = PLAIN_LINE.exec(line.trim());
    if (!match || Object.hasOwn(KEYWORDS, match[1]!) || entries.some(([key]) => key === match[1])) return undefined;
    const value = match[2]!;
    entries.push([match[1]!, Object.hasOwn(KEYWORDS, value) ? KEYWORDS[value]! : /^[-\d]/.test(value) ? Number(value) : value]);
  }
  return Object.fromEntries(entries);
}

const SYNTAX_NAMES = { empty: 'empty', yaml: 'YAML', 'json-object': 'JSON object', 'json-array': 'JSON array' } as const;

/** YAML can also give what JSON has no form for (NaN, dates as binary, …): refuse it, as the graph is JSON. */
function asJson(value: unknown, at: SourcePosition): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new LiteralProblem(at, `the YAML literal holds ${value}, which JSON cannot carry: write a number or a quoted string`);
  }
  if (Array.isArray(value)) return value.map((item) => asJson(item, at));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // fromEntries defines keys, so a "__proto__" key stays a key rather than setting the prototype.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asJson(item, at)]));
  }
  throw new LiteralProblem(at, `the YAML literal holds a ${describeValue(value)}, which JSON cannot carry: write plain maps, lists, strings, numbers and booleans`);
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing value';
  return typeof value === 'object' ? `${(value as object).constructor?.name ?? 'non-plain'} value` : `${typeof value} value`;
}

/** Where a YAML error points (its offset into the body), in the flow's coordinates; the literal's start for anything else. */
function positionIn(literal: Literal, error: unknown): SourcePosition {
  const offset = (error as { pos?: readonly number[] }).pos?.[0];
  if (offset === undefined) return literal.at;
  const before = literal.body.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const lines = before.split('\n').length - 1;
  return lines === 0 ? { line: literal.at.line, column: literal.at.column + offset } : { line: literal.at.line + lines, column: offset - lineStart + 1 };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}
