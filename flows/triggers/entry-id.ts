const STREAM_ID = /^(\d+)-(\d+)$/;

/**
 * Orders two entry ids of one stream: negative when `a` came first. Redis ids (`<ms>-<seq>`) are
 * compared as numbers; other backends' ids as whole numbers or, failing that, by length and then
 * text, which orders zero-padded and plain decimal counters alike.
 */
export function compareEntryIds(a: string, b: string): number {
  if (a === b) return 0;
  const x = STREAM_ID.exec(a);
  const y = STREAM_ID.exec(b);
  if (x && y) return Number(x[1]) - Number(y[1]) || Number(x[2]) - Number(y[2]);
  return a.length - b.length || (a < b ? -1 : 1);
}
