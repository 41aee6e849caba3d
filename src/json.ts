/**
 * FaaS platforms carry inputs and outputs as JSON. This finds the first value JSON cannot carry
 * faithfully (functions, symbols, bigints, undefined, cycles, Maps and other class instances)
 * and names its path, so the error says exactly what to fix.
 */
export function findNonJsonValue(value: unknown, path = 'value'): string | undefined {
  return walk(value, path, new Set());
}

function walk(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot carry`;
    case 'bigint':
      return `${path} is a BigInt, which JSON cannot carry (convert it to a string or number)`;
    case 'undefined':
      return `${path} is undefined, which JSON cannot carry (use null or leave the key out)`;
    case 'function':
    case 'symbol':
      return `${path} is a ${typeof value}, which JSON cannot carry`;
  }
  if (value === null) return undefined;
  const object = value as object;
  if (seen.has(object)) return `${path} refers back to itself (a cycle), which JSON cannot carry`;
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      for (let i = 0; i < object.length; i++) {
        const found = walk(object[i], `${path}[${i}]`, seen);
        if (found) return found;
      }
      return undefined;
    }
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const name = (object.constructor as { name?: string } | undefined)?.name ?? 'object';
      return `${path} is a ${name}, which JSON cannot carry faithfully (use a plain object or array)`;
    }
    for (const [key, child] of Object.entries(object)) {
      if (child === undefined) continue; // JSON drops undefined members, as every platform does
      const found = walk(child, `${path}.${key}`, seen);
      if (found) return found;
    }
    return undefined;
  } finally {
    seen.delete(object);
  }
}
