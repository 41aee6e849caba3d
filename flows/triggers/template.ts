import { z } from 'zod';
import type { Json } from '../../stores/ports/workspace.js';

/**
 * Action options may refer to the event and the trigger's state with `{{path}}`: a string that is
 * one placeholder becomes the value itself (any JSON), a placeholder inside a longer string is
 * written into it as text. Paths start at one of these roots; `event.data.items.0` walks into data.
 */
export const TEMPLATE_ROOTS = ['event', 'context', 'global', 'trigger', 'workspace', 'entryId', 'item'] as const;

export type TemplateScope = { readonly [K in (typeof TEMPLATE_ROOTS)[number]]?: unknown };

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}\s]+)\s*\}\}$/;

/** Fills in every placeholder in `value`; a path with no value is a TypeError naming it. */
export function render(value: Json, scope: TemplateScope): Json {
  if (typeof value === 'string') return renderString(value, scope);
  if (Array.isArray(value)) return value.map((item) => render(item, scope));
  if (value !== null && typeof value === 'object') {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) out[key] = render(item, scope);
    return out;
  }
  return value;
}

export function renderString(text: string, scope: TemplateScope): Json {
  if (!text.includes('{{')) return text;
  const whole = WHOLE.exec(text);
  if (whole) return lookup(whole[1]!, scope);
  return text.replace(PLACEHOLDER, (_, path: string) => {
    const found = lookup(path, scope);
    return typeof found === 'string' ? found : JSON.stringify(found);
  });
}

/** A zod check that every placeholder in an option starts at a known root, so typos fail when the trigger is added. */
export function templated<S extends z.ZodType>(schema: S): S {
  return schema.superRefine((value, context) => {
    for (const path of placeholders(value)) {
      const root = path.split('.')[0]!;
      if (!(TEMPLATE_ROOTS as readonly string[]).includes(root)) {
        context.addIssue({ code: 'custom', message: `placeholder "{{${path}}}" starts at "${root}": use one of ${TEMPLATE_ROOTS.join(', ')}` });
      }
    }
  }) as unknown as S;
}

function placeholders(value: unknown): string[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((match) => match[1]!);
  if (Array.isArray(value)) return value.flatMap(placeholders);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(placeholders);
  return [];
}

function lookup(path: string, scope: TemplateScope): Json {
  let current: unknown = scope;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) {
      throw new TypeError(`the placeholder "{{${path}}}" has no value for this event`);
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (current === undefined) throw new TypeError(`the placeholder "{{${path}}}" has no value for this event`);
  return current as Json;
}
