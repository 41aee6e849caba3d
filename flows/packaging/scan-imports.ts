/**
 * Finds what a JavaScript file loads, without running it: static `import` / `export ... from`,
 * `import()` and `require()` of literal strings, and the dynamic ones whose specifier is computed.
 * A small lexer: it skips comments, strings, template literals and regular expressions, so that
 * the words in them are not taken for imports.
 */
import { textPositions } from '../text-position.js';

/** How a file loads another: `static` imports must resolve; `import()` and `require()` may be guarded. */
export type ImportKind = 'static' | 'dynamic' | 'require';

export interface ImportSite {
  readonly specifier: string;
  readonly kind: ImportKind;
  readonly line: number;
}

/** An `import(...)` or `require(...)` whose specifier is not a literal string: it cannot be followed. */
export interface ComputedImport {
  readonly kind: Exclude<ImportKind, 'static'>;
  readonly line: number;
  /** The call as written, cut at 80 characters. */
  readonly text: string;
}

export interface ScannedImports {
  readonly imports: readonly ImportSite[];
  readonly computed: readonly ComputedImport[];
}

type Token = { readonly type: 'word' | 'string' | 'punct' | 'template'; readonly value: string; readonly start: number };

/** After these, a `/` starts a regular expression; after anything else, it divides. */
const BEFORE_REGEX_WORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);
const WORD = /[\w$\u0080-\uffff]/;

export function scanImports(source: string): ScannedImports {
  const tokens = tokenize(source);
  const imports: ImportSite[] = [];
  const computed: ComputedImport[] = [];
  const positionOf = textPositions(source);
  const lineOf = (index: number): number => positionOf(index).line;
  const at = (i: number): Token | undefined => tokens[i];
  const ownRequire = definesRequire(tokens);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.type !== 'word' || at(i - 1)?.value === '.') continue;
    if (token.value === 'import') {
      const next = at(i + 1);
      if (next?.value === '(') callSite(i + 2, 'dynamic', token.start);
      else if (next?.type === 'string') imports.push({ specifier: next.value, kind: 'static', line: lineOf(next.start) });
      else if (next !== undefined && next.value !== '.' && next.value !== ':') fromClause(i + 1);
    } else if (token.value === 'export' && (at(i + 1)?.value === '*' || at(i + 1)?.value === '{')) {
      fromClause(i + 1);
    } else if (token.value === 'require' && at(i + 1)?.value === '(' && at(i - 1)?.value !== '#' && !(ownRequire && at(i + 2)?.type !== 'string')) {
      callSite(i + 2, 'require', token.start);
    }
  }
  return { imports, computed };

  /** `import x, { a as b } from 'spec'`, `export * as ns from 'spec'`: the string after `from`, if the clause has one. */
  function fromClause(i: number): void {
    let depth = 0;
    for (; i < tokens.length; i++) {
      const { value, type } = tokens[i]!;
      if (value === '{') depth++;
      else if (value === '}') depth--;
      else if (depth === 0 && (value === ';' || (type === 'word' && value !== 'from' && value !== 'as' && at(i - 1)?.value === '}'))) return;
      else if (depth === 0 && type === 'word' && value === 'from') {
        const spec = at(i + 1);
        if (spec?.type === 'string') imports.push({ specifier: spec.value, kind: 'static', line: lineOf(spec.start) });
        return;
      }
      if (depth < 0) return;
    }
  }

  function callSite(i: number, kind: 'dynamic' | 'require', start: number): void {
    const argument = at(i);
    const after = at(i + 1)?.value;
    if ((argument?.type === 'string' || (argument?.type === 'template' && !argument.value.includes('${'))) && (after === ')' || after === ',')) {
      imports.push({ specifier: argument.value, kind, line: lineOf(argument.start) });
    } else {
      computed.push({ kind, line: lineOf(start), text: source.slice(start, start + 80).split('\n')[0]! });
    }
  }
}

/** Whether the file has a `require` of its own (a function or a method): then its calls with computed arguments load nothing. */
function definesRequire(tokens: readonly Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.value !== 'require' || tokens[i]!.type !== 'word') continue;
    if (tokens[i - 1]?.value === 'function') return true;
    if (tokens[i + 1]?.value !== '(') continue;
    let depth = 0;
    let j = i + 1;
    for (; j < tokens.length; j++) {
      if (tokens[j]!.value === '(') depth++;
      else if (tokens[j]!.value === ')' && --depth === 0) break;
    }
    if (tokens[j + 1]?.value === '{') return true;
  }
  return false;
}

/** The tokens that matter for imports: words, punctuators, strings (their value unquoted) and templates. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** For each open `${` in a template, the brace depth at which it closes. */
  const templateDepths: number[] = [];
  let braces = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const start = i;
    if (c === '/' && source[i + 1] === '/') {
      i = lineEnd(source, i);
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end === -1 ? source.length : end + 2;
    } else if (c === '"' || c === "'") {
      i = stringEnd(source, i, c);
      tokens.push({ type: 'string', value: unescape(source.slice(start + 1, i - 1)), start });
    } else if (c === '`') {
      i = templateEnd(source, i + 1);
      const open = source.slice(i - 2, i) === '${';
      tokens.push({ type: 'template', value: source.slice(start + 1, open ? i : i - 1), start });
      if (open) templateDepths.push(braces++);
    } else if (c === '}' && templateDepths.at(-1) === braces - 1) {
      // The end of a template's `${...}`: the template goes on.
      templateDepths.pop();
      braces--;
      i = templateEnd(source, i + 1);
      if (source.slice(i - 2, i) === '${') templateDepths.push(braces++);
    } else if (c === '/' && regexMayStart(tokens.at(-1))) {
      const end = regexEnd(source, i + 1);
      if (end === undefined) {
        tokens.push({ type: 'punct', value: c, start });
        i++;
      } else i = end;
    } else if (WORD.test(c)) {
      while (i < source.length && WORD.test(source[i]!)) i++;
      tokens.push({ type: 'word', value: source.slice(start, i), start });
    } else if (/\s/.test(c)) {
      i++;
    } else {
      if (c === '{') braces++;
      else if (c === '}') braces--;
      tokens.push({ type: 'punct', value: c, start });
      i++;
    }
  }
  return tokens;
}

function regexMayStart(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.type === 'word') return BEFORE_REGEX_WORDS.has(previous.value);
  if (previous.type === 'punct') return previous.value !== ')' && previous.value !== ']' && previous.value !== '}';
  return false;
}

function lineEnd(source: string, i: number): number {
  const end = source.indexOf('\n', i);
  return end === -1 ? source.length : end;
}

function stringEnd(source: string, i: number, quote: string): number {
  for (i++; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === quote || c === '\n') return i + 1;
  }
  return source.length;
}

/** From inside a template, the index just past its closing backtick or its next `${`. */
function templateEnd(source: string, i: number): number {
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '`') return i + 1;
    else if (c === '$' && source[i + 1] === '{') return i + 2;
  }
  return source.length;
}

/** Past a regular expression's flags; undefined when the line ends first (then the `/` was a division). */
function regexEnd(source: string, i: number): number | undefined {
  let inClass = false;
  for (; i < source.length; i++) {
    const c = source[i];
    if (c === '\n') return undefined;
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) {
      i++;
      while (i < source.length && WORD.test(source[i]!)) i++;
      return i;
    }
  }
  return undefined;
}

function unescape(text: string): string {
  return text.includes('\\') ? text.replace(/\\(.)/g, '$1') : text;
}
