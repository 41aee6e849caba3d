import type { Json } from '../../stores/ports/workspace.js';
import { lookup, parsePath, readPath, type ReferencePath } from './paths.js';

/** A Choice rule (JSONPath flavour): a comparison of `Variable`, or And / Or / Not of rules. */
export type ChoiceRule = AndRule | OrRule | NotRule | Comparison;

interface AndRule {
  readonly And: readonly ChoiceRule[];
  readonly Next?: string;
}

interface OrRule {
  readonly Or: readonly ChoiceRule[];
  readonly Next?: string;
}

interface NotRule {
  readonly Not: ChoiceRule;
  readonly Next?: string;
}

/** `Variable` and one operator: `{ "Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big" }`. */
interface Comparison {
  readonly Variable: string;
  readonly Next?: string;
  readonly [operator: string]: Json | undefined;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/** True for an RFC 3339 timestamp such as `2026-03-14T01:59:00Z`, the form ASL compares. */
export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && TIMESTAMP.test(value) && !Number.isNaN(Date.parse(value));
}

type Kind = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';

const KINDS: Record<Kind, { readonly is: (value: unknown) => boolean; readonly key: (value: Json) => number | string | boolean }> = {
  String: { is: (v) => typeof v === 'string', key: (v) => v as string },
  Numeric: { is: (v) => typeof v === 'number', key: (v) => v as number },
  Boolean: { is: (v) => typeof v === 'boolean', key: (v) => v as boolean },
  Timestamp: { is: isTimestamp, key: (v) => Date.parse(v as string) },
};

const ORDERS = {
  Equals: (a: unknown, b: unknown) => a === b,
  LessThan: (a: number | string, b: number | string) => a < b,
  GreaterThan: (a: number | string, b: number | string) => a > b,
  LessThanEquals: (a: number | string, b: number | string) => a <= b,
  GreaterThanEquals: (a: number | string, b: number | string) => a >= b,
} as const;

type Order = keyof typeof ORDERS;

interface Ordering {
  readonly kind: Kind;
  readonly order: Order;
  readonly byPath: boolean;
}

const TESTS: Record<string, (value: Json | undefined) => boolean> = {
  IsPresent: (v) => v !== undefined,
  IsNull: (v) => v === null,
  IsNumeric: (v) => typeof v === 'number',
  IsString: (v) => typeof v === 'string',
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: isTimestamp,
};

const COMPARISON = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals)(Path)?$/;

function comparisonOf(key: string): Ordering | undefined {
  const match = COMPARISON.exec(key);
  if (!match || (match[1] === 'Boolean' && match[2] !== 'Equals')) return undefined;
  return { kind: match[1] as Kind, order: match[2] as Order, byPath: match[3] !== undefined };
}

const OPERATORS = 'String|Numeric|Timestamp Equals, LessThan, GreaterThan, LessThanEquals, GreaterThanEquals (and their ...Path forms), BooleanEquals(Path), StringMatches, IsPresent, IsNull, IsNumeric, IsString, IsBoolean, IsTimestamp, And, Or, Not';

/** What is wrong with a rule, each naming where (`where`); `top` rules need `Next`, nested ones must not have it. */
export function ruleProblems(rule: unknown, where: string, top: boolean): string[] {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) return [`${where} must be an object (a Choice rule)`];
  const fields = rule as Record<string, unknown>;
  const problems: string[] = [];
  if (top && typeof fields.Next !== 'string') problems.push(`${where} has no "Next": every top-level Choice rule names the state it leads to`);
  if (!top && 'Next' in fields) problems.push(`${where} has a "Next" inside And/Or/Not: only top-level rules have one`);
  const keys = Object.keys(fields).filter((key) => key !== 'Next' && key !== 'Comment');
  if ('And' in fields || 'Or' in fields) {
    const op = 'And' in fields ? 'And' : 'Or';
    const list = fields[op];
    if (!Array.isArray(list) || list.length === 0) return [...problems, `${where}.${op} must be a non-empty array of rules`];
    return [...problems, ...list.flatMap((inner, i) => ruleProblems(inner, `${where}.${op}[${i}]`, false))];
  }
  if ('Not' in fields) return [...problems, ...ruleProblems(fields.Not, `${where}.Not`, false)];
  if (typeof fields.Variable !== 'string') return [...problems, `${where} has neither "Variable" nor And/Or/Not`];
  const variable = parsePath(fields.Variable);
  if (typeof variable === 'string') problems.push(`${where}.Variable: ${variable}`);
  const operators = keys.filter((key) => key !== 'Variable');
  if (operators.length !== 1) {
    return [...problems, `${where} needs exactly one comparison operator next to "Variable" (got ${operators.length === 0 ? 'none' : operators.join(', ')}); supported: ${OPERATORS}`];
  }
  return [...problems, ...operandProblems(operators[0]!, fields[operators[0]!], where)];
}

function operandProblems(operator: string, operand: unknown, where: string): string[] {
  const at = `${where}.${operator}`;
  if (operator in TESTS) return typeof operand === 'boolean' ? [] : [`${at} must be true or false`];
  if (operator === 'StringMatches') return typeof operand === 'string' ? [] : [`${at} must be a string pattern (with * wildcards)`];
  const comparison = comparisonOf(operator);
  if (!comparison) return [`${at}: unknown comparison operator; supported: ${OPERATORS}`];
  if (comparison.byPath) {
    const path = parsePath(operand as string);
    return typeof path === 'string' ? [`${at}: ${path}`] : [];
  }
  return KINDS[comparison.kind].is(operand) ? [] : [`${at} must be a ${comparison.kind.toLowerCase()}${comparison.kind === 'Timestamp' ? ' (RFC 3339, e.g. "2026-03-14T01:59:00Z")' : ''}`];
}

/** Evaluates a rule checked by `ruleProblems` against a state's input. */
export function evaluateRule(rule: ChoiceRule, input: Json, context: Json): boolean {
  if ('And' in rule) return (rule as AndRule).And.every((inner) => evaluateRule(inner, input, context));
  if ('Or' in rule) return (rule as OrRule).Or.some((inner) => evaluateRule(inner, input, context));
  if ('Not' in rule) return !evaluateRule((rule as NotRule).Not, input, context);
  const variable = parsePath(rule.Variable) as ReferencePath;
  const [operator, operand] = Object.entries(rule).find(([key]) => key !== 'Variable' && key !== 'Next' && key !== 'Comment')!;
  const test = TESTS[operator];
  if (test) return test(lookup(variable, input, context)) === operand;
  const value = readPath(variable, input, context);
  if (operator === 'StringMatches') return typeof value === 'string' && wildcard(operand as string).test(value);
  const { kind, order, byPath } = comparisonOf(operator)!;
  const other = byPath ? readPath(parsePath(operand as string) as ReferencePath, input, context) : operand!;
  const { is, key } = KINDS[kind];
  if (!is(value) || !is(other)) return false;
  return (ORDERS[order] as (a: unknown, b: unknown) => boolean)(key(value), key(other));
}

/** StringMatches: `*` matches any run of characters; `\*` and `\\` are literal. */
function wildcard(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '\\' && i + 1 < pattern.length) source += escape(pattern[++i]!);
    else source += char === '*' ? '.*' : escape(char);
  }
  return new RegExp(`^${source}$`, 's');
}

function escape(char: string): string {
  return char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
