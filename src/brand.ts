/**
 * Brands make `instanceof` work across installed copies of falco: the CLI of a global install
 * loads a project's driver, which imports the project's own copy, and their classes differ while
 * their brands, `Symbol.for('falco.<Name>')`, are the same (as undici's and Temporal's errors do).
 */

/** The static property that holds a class's brand. */
const BRAND = Symbol.for('falco.brand');

type Branded = abstract new (...args: never[]) => unknown;

/** Gives a class its brand; call it in the class's `static {}` block. A subclass without one is matched by its own copy only. */
export function brand(target: Branded, name: string): void {
  Object.defineProperty(target, BRAND, { value: Symbol.for(`falco.${name}`) });
}

function brandOf(target: unknown): symbol | undefined {
  return typeof target === 'function' && Object.hasOwn(target, BRAND) ? (target as unknown as Record<symbol, symbol>)[BRAND] : undefined;
}

/** `value instanceof target`, where a class of another copy with the same brand counts as `target`. */
export function isInstance(target: Branded, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(target, value)) return true;
  const wanted = brandOf(target);
  if (wanted === undefined || typeof value !== 'object' || value === null) return false;
  for (let proto: unknown = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (Object.hasOwn(proto as object, 'constructor') && brandOf((proto as { constructor: unknown }).constructor) === wanted) return true;
  }
  return false;
}
