import type { LiteralSyntax } from './ast.js';
import { textPositions } from '../text-position.js';
import { FlowSyntaxError, type SourcePosition, type SourceText } from './errors.js';

export type TokenType =
  | 'arrow'
  | 'semicolon'
  | 'label'
  | 'name'
  | 'declare'
  | 'equal'
  | 'or'
  | 'star'
  | 'merge'
  | 'question'
  | 'expression'
  | 'open'
  | 'close'
  | 'parameters'
  | 'literal'
  | 'uri'
  | 'doc'
  | 'end';

export interface Token {
  readonly type: TokenType;
  /** The token as written (for a name, label or declaration: without `:` or `@`; for a body: the body). */
  readonly value: string;
  readonly at: SourcePosition;
  /** For `parameters` and `literal`: how the body is written, and where it starts. */
  readonly syntax?: LiteralSyntax;
  readonly bodyAt?: SourcePosition;
}

/** The delimiters of parameter and resource literals: `(- -)`, `({ })`, `([ ])`, `<- ->`, `<{ }>`, `<[ ]>`. */
const BODIES: Record<string, { readonly syntax: LiteralSyntax; readonly close: string }> = {
  '-': { syntax: 'yaml', close: '-' },
  '{': { syntax: 'json-object', close: '}' },
  '[': { syntax: 'json-array', close: ']' },
};

const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[\p{L}\p{N}_:-]/u;
const SPACE = /\s/;

/** Splits a `.flow` text into tokens, littleflow's lexical grammar: names with `- _ :`, `→`/`->`, `#` comments. */
export function tokenize(source: SourceText): Token[] {
  const { text } = source;
  const tokens: Token[] = [];
  const position: (offset: number) => SourcePosition = textPositions(text);
  const fail = (offset: number, problem: string): never => {
    throw new FlowSyntaxError(source, position(offset), problem);
  };
  const push = (type: TokenType, value: string, offset: number, extra: Partial<Token> = {}): void => {
    tokens.push({ type, value, at: position(offset), ...extra });
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (SPACE.test(c)) {
      i++;
    } else if (c === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '→') {
      push('arrow', '→', i++);
    } else if (c === '-' && text[i + 1] === '>') {
      push('arrow', '->', i);
      i += 2;
    } else if (c === ';' || c === '=' || c === '|' || c === '*' || c === '>' || c === '?') {
      push(SINGLE[c]!, c, i++);
    } else if (c === '{' || c === '[') {
      push('open', c, i++);
    } else if (c === '}' || c === ']') {
      push('close', c, i++);
    } else if (c === ':' || c === '@') {
      const end = nameEnd(text, i + 1);
      if (end === i + 1) fail(i, `expected a ${c === ':' ? 'label' : 'declaration'} name after "${c}", found ${describeChar(text, i + 1)}`);
      push(c === ':' ? 'label' : 'declare', text.slice(i + 1, end), i);
      i = end;
    } else if (NAME_START.test(c)) {
      const end = nameEnd(text, i);
      push('name', text.slice(i, end), i);
      i = end;
    } else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) fail(i, 'the guard expression opened here is never closed: expected a closing "`"');
      push('expression', text.slice(i + 1, end), i);
      i = end + 1;
    } else if (c === '(' || c === '<') {
      i = delimited(c, i);
    } else if ((c === "'" || c === '"') && text.startsWith(c.repeat(3), i)) {
      const quotes = c.repeat(3);
      const end = text.indexOf(quotes, i + 3);
      if (end < 0) fail(i, `the documentation opened here is never closed: expected ${quotes}`);
      push('doc', text.slice(i + 3, end), i);
      i = end + 3;
    } else {
      fail(i, `unexpected ${describeChar(text, i)}`);
    }
  }
  push('end', '', text.length);
  return tokens;

  /** A parameter literal `( … )`, a resource literal `< … >` or a resource `<uri>`, starting at `start`; returns where it ends. */
  function delimited(open: '(' | '<', start: number): number {
    const shut = open === '(' ? ')' : '>';
    const type = open === '(' ? 'parameters' : 'literal';
    const body = BODIES[text[start + 1] ?? ''];
    if (body) {
      const closing = body.close + shut;
      const end = text.indexOf(closing, start + 2);
      if (end < 0) fail(start, `the ${open === '(' ? 'parameter' : 'resource'} literal opened here with "${open}${text[start + 1]}" is never closed: expected "${closing}"`);
      push(type, text.slice(start + 2, end), start, { syntax: body.syntax, bodyAt: position(start + 2) });
      return end + 2;
    }
    let next = start + 1;
    while (next < text.length && SPACE.test(text[next]!)) next++;
    if (text[next] === shut) {
      push(type, '', start, { syntax: 'empty', bodyAt: position(start) });
      return next + 1;
    }
    if (open === '(') fail(start, `expected "()", "(-", "({" or "([" to open parameters, found "(" followed by ${describeChar(text, start + 1)}`);
    const end = text.indexOf('>', start + 1);
    if (end < 0) fail(start, 'the resource opened here with "<" is never closed: expected ">"');
    const uri = text.slice(start + 1, end);
    const space = uri.search(/\s/);
    if (space >= 0) fail(start + 1 + space, `a resource <uri> cannot hold ${describeChar(text, start + 1 + space)}: write the URI without spaces, or close it with ">"`);
    push('uri', uri, start);
    return end + 1;
  }
}

const SINGLE: Record<string, TokenType> = { ';': 'semicolon', '=': 'equal', '|': 'or', '*': 'star', '>': 'merge', '?': 'question' };

/** Where a name that continues at `from` ends: name characters, but not the `-` of a following `->`. */
function nameEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && NAME_PART.test(text[i]!) && !(text[i] === '-' && text[i + 1] === '>')) i++;
  return i;
}

function describeChar(text: string, offset: number): string {
  if (offset >= text.length) return 'end of file';
  const c = text[offset]!;
  if (c === '\n' || c === '\r') return 'end of line';
  return SPACE.test(c) ? 'a space' : `"${c}"`;
}
