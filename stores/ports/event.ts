import { brand } from '../../src/brand.js';
import type { CloudEventV1 } from 'cloudevents';
import { ConfigError } from '../../src/errors.js';

/**
 * Every event falco reads or writes is a CloudEvent (spec 1.0) whose `data` is JSON. Inside the
 * engine it is this plain object; the `cloudevents` package parses and validates events at the
 * edges (HTTP, foreign producers), where its cost is paid once per event that enters.
 */
export type FalcoEvent<D = unknown> = CloudEventV1<D>;

/** An event could not be read: a missing attribute, `data` that is not JSON, a foreign stream entry. */
export class MalformedEventError extends ConfigError {
  static {
    brand(this, 'MalformedEventError');
  }
}

/** The attributes a stream entry carries as flat string fields, in this order. */
export const EVENT_FIELDS = ['specversion', 'id', 'source', 'type', 'time', 'subject', 'datacontenttype', 'data'] as const;

const REQUIRED = ['specversion', 'id', 'source', 'type'] as const;

/**
 * The flat form of an event in a stream (Redis `XADD key * specversion 1.0 id ... data '{"n":1}'`):
 * attributes as strings, `data` as a JSON string. Absent attributes are left out.
 */
export function toFields(event: FalcoEvent): Record<string, string> {
  const fields: Record<string, string> = {
    specversion: event.specversion,
    id: event.id,
    source: event.source,
    type: event.type,
  };
  if (event.time !== undefined) fields.time = event.time;
  if (event.subject !== undefined) fields.subject = event.subject;
  if (event.data !== undefined) {
    fields.datacontenttype = event.datacontenttype ?? 'application/json';
    fields.data = JSON.stringify(event.data);
  } else if (event.datacontenttype !== undefined) {
    fields.datacontenttype = event.datacontenttype;
  }
  return fields;
}

/** Reads the flat form back; throws a `MalformedEventError` naming the first thing wrong. */
export function fromFields(fields: Readonly<Record<string, string | undefined>>): FalcoEvent {
  for (const name of REQUIRED) {
    if (!fields[name]) {
      throw new MalformedEventError(`the event has no "${name}": every CloudEvent needs ${REQUIRED.join(', ')} (flat string fields)`);
    }
  }
  if (fields.specversion !== '1.0') {
    throw new MalformedEventError(`the event's specversion is "${fields.specversion}": falco reads CloudEvents 1.0`);
  }
  const event: { -readonly [K in keyof FalcoEvent]: FalcoEvent[K] } = {
    specversion: '1.0',
    id: fields.id!,
    source: fields.source!,
    type: fields.type!,
  };
  if (fields.time !== undefined) event.time = fields.time;
  if (fields.subject !== undefined) event.subject = fields.subject;
  if (fields.datacontenttype !== undefined) event.datacontenttype = fields.datacontenttype;
  if (fields.data !== undefined) {
    try {
      event.data = JSON.parse(fields.data);
    } catch {
      throw new MalformedEventError(`event "${fields.id}": data is not JSON; write data as a JSON string (e.g. '{"n":1}' or '"text"')`);
    }
  }
  return event;
}

/** What falco needs to make an event; `specversion` and `time` are filled in. */
export interface EventInit<D> {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly time?: string;
  readonly datacontenttype?: string;
  readonly data?: D;
}

/** Fills in `specversion`, `time` and a JSON `datacontenttype` for an event falco makes. */
export function makeEvent<D>(event: EventInit<D>): FalcoEvent<D> {
  return {
    ...event,
    specversion: '1.0',
    time: event.time ?? new Date().toISOString(),
    ...(event.data !== undefined ? { datacontenttype: event.datacontenttype ?? 'application/json' } : {}),
  };
}
