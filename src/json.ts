/**
 * FaaS platforms carry inputs and outputs as JSON. This finds the first value JSON cannot carry
 * faithfully (functions, symbols, bigints, undefined, cycles, Maps and other class instances)
 * and names its path, so the error says exactly what to fix.
 */
export function findNonJsonValue(value: unknown, path = 'value'): string | undefined {
  return walk(value, path, []);
}

function walk(value: unknown, path: string, ancestors: object[]): string | undefined {
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
  const object = value as Record<string, unknown>;
  if (ancestors.includes(object)) return `${path} refers back to itself (a cycle), which JSON cannot carry`;
  ancestors.push(object);
  const found = Array.isArray(object) ? walkArray(object, path, ancestors) : walkObject(object, path, ancestors);
  ancestors.pop();
  return found;
}

function walkArray(array: unknown[], path: string, ancestors: object[]): string | undefined {
  for (let i = 0; i < array.length; i++) {
    const found = walk(array[i], `${path}[${i}]`, ancestors);
    if (found) return found;
  }
  return undefined;
}

function walkObject(object: Record<string, unknown>, path: string, ancestors: object[]): string | undefined {
  const proto = Object.getPrototypeOf(object);
  if (proto !== Object.prototype && proto !== null) {
    const name = (object.constructor as { name?: string } | undefined)?.name ?? 'object';
    return `${path} is a ${name}, which JSON cannot carry faithfully (use a plain object or array)`;
  }
  for (const key in object) {
    const child = object[key];
    if (child === undefined) continue; // JSON drops undefined members, as every platform does
    const found = walk(child, `${path}.${key}`, ancestors);
    if (found) return found;
  }
  return undefined;
}
