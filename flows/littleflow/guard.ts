/**
 * A guard as falco's workflow service evaluates it (JSONPath with jsonpath-plus), from a guard as littleflow
 * users write it (JSONPath with jsonpath2): jsonpath2 compares with `=` and joins with `and`, `or`, `not`,
 * where jsonpath-plus wants `==`, `&&`, `||`, `!`. Quoted strings are kept as they are.
 * Returns the expression, or a problem when it cannot be a JSONPath at all.
 */
export function guardExpression(written: string): { readonly expression: string } | { readonly problem: string } {
  const text = written.trim();
  if (!text.startsWith('$')) return { problem: `a guard is a JSONPath expression that starts with "$", as in \`$[?(@.status==0)]\`; found \`${written}\`` };
  let out = '';
  const open: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const end = closingQuote(text, i);
      if (end < 0) return { problem: `the string opened with ${c} at character ${i + 1} of the guard is never closed` };
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '(' || c === '[') {
      open.push(c === '(' ? ')' : ']');
      out += c;
    } else if (c === ')' || c === ']') {
      if (open.pop() !== c) return { problem: `the guard's "${c}" at character ${i + 1} closes nothing that is open: check its brackets` };
      out += c;
    } else if (c === '=' && !'=!<>'.includes(text[i - 1] ?? '') && !'=~'.includes(text[i + 1] ?? '')) {
      out += '==';
    } else {
      const word = WORDS.exec(text.slice(i));
      const replacement = word && !/[\w.@$]/.test(text[i - 1] ?? '') ? OPERATORS[word[1]!] : undefined;
      if (replacement && word) {
        out += replacement;
        i += word[1]!.length - 1;
      } else {
        out += c;
      }
    }
  }
  if (open.length > 0) return { problem: `the guard leaves ${open.length === 1 ? `a "${open[0] === ')' ? '(' : '['}"` : `${open.length} brackets`} open: close ${open.length === 1 ? 'it' : 'them'} with ${open.reverse().map((c) => `"${c}"`).join(' ')}` };
  return { expression: out };
}

const WORDS = /^(and|or|not)(?![\w$@])/;
const OPERATORS: Record<string, string> = { and: '&&', or: '||', not: '!' };

function closingQuote(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[start]) return i;
  }
  return -1;
}
