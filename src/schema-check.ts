import type { z } from 'zod';

/**
 * Type-level checks that keep a hand-written options interface and the zod schema that parses it
 * from drifting apart. Used as `type _Check = Expect<MatchesSchema<Options, typeof schema>>`, so zod
 * stays out of the published option types. Nothing here exists at run time.
 */

/** True when `A` and `B` are the same type (readonly and optional modifiers included). */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** Compiles only when given `true`. */
export type Expect<T extends true> = T;

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/**
 * True when an options interface says what its schema accepts: the same option names, the same ones
 * required, and every value the interface allows accepted by the schema (its declared types may not
 * be wider than the schema's).
 */
export type MatchesSchema<Options, Schema extends z.ZodType> = [
  Equal<keyof Options, keyof z.input<Schema>>,
  Equal<RequiredKeys<Options>, RequiredKeys<z.input<Schema>>>,
  [Options] extends [z.input<Schema>] ? true : false,
] extends [true, true, true]
  ? true
  : false;
