import { appendFileSync } from 'node:fs';

/** Module hooks that write every file URL Node loads as an ES module to `out`, one a line, before it runs. */
let out = '';

export function initialize(data: { out: string }): void {
  out = data.out;
}

export async function load(url: string, context: object, next: (url: string, context: object) => Promise<unknown>): Promise<unknown> {
  if (url.startsWith('file:')) appendFileSync(out, `${url}\n`);
  return next(url, context);
}
