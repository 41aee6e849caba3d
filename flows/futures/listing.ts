/** How many keys a message names before it says how many more there are. */
const LISTED_KEYS = 10;

/** "3 calls", "1 call". */
export function countOf(keys: readonly unknown[], noun: string): string {
  return `${keys.length} ${noun}${keys.length === 1 ? '' : 's'}`;
}

/** The first few keys, then how many more: "M000/00001, M000/00002 and 40 more". */
export function keyList(keys: readonly string[]): string {
  const rest = keys.length > LISTED_KEYS ? ` and ${keys.length - LISTED_KEYS} more` : '';
  return `${keys.slice(0, LISTED_KEYS).join(', ')}${rest}`;
}
