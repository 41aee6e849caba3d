/**
 * Orders two entry ids of one stream: negative when `a` came first. Redis ids (`<ms>-<seq>`) are
 * compared as two numbers; other backends' ids as whole numbers or, failing that, by length and
 * then text, which orders zero-padded and plain decimal counters alike. It allocates nothing: the
 * engine calls it for every event and trigger.
 */
export function compareEntryIds(a: string, b: string): number {
  if (a === b) return 0;
  const dashA = a.indexOf('-');
  const dashB = b.indexOf('-');
  if (dashA > 0 && dashB > 0 && digits(a, 0, dashA) && digits(a, dashA + 1, a.length) && digits(b, 0, dashB) && digits(b, dashB + 1, b.length)) {
    return compareNumbers(a, 0, dashA, b, 0, dashB) || compareNumbers(a, dashA + 1, a.length, b, dashB + 1, b.length);
  }
  return compareNumbers(a, 0, a.length, b, 0, b.length);
}

/** Compares two runs of decimal digits (or any text) by length, then character by character. */
function compareNumbers(a: string, fromA: number, toA: number, b: string, fromB: number, toB: number): number {
  const length = toA - fromA - (toB - fromB);
  if (length !== 0) return length;
  for (let i = fromA, j = fromB; i < toA; i++, j++) {
    const difference = a.charCodeAt(i) - b.charCodeAt(j);
    if (difference !== 0) return difference;
  }
  return 0;
}

function digits(text: string, from: number, to: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
