import { fromFields, MalformedEventError, toFields, type FalcoEvent } from '../ports/event.js';
import type { DeadLetter, Delivery } from '../ports/event-stream.js';
import { MemoryEventStream } from '../memory/event-stream.js';
import type { GroupChange, GroupSnapshot } from '../memory/stream-model.js';
import { AppendFile, readLines } from './lines.js';

/**
 * One line of a stream file. `k` tags a line written by a workspace checkpoint with the
 * checkpoint's number: on load, lines of a checkpoint the state file does not have are cut.
 */
export type Line =
  | { readonly a: string; readonly f: Record<string, string>; readonly k?: number }
  | { readonly g: string; readonly s: string | null; readonly p?: GroupSnapshot['pending'] }
  | { readonly d: readonly string[]; readonly g: string; readonly c: string; readonly t: number }
  | { readonly x: readonly string[]; readonly g: string; readonly k?: number }
  | { readonly b: string; readonly g: string; readonly n: number; readonly r: string }
  | { readonly base: { readonly lastId: string; readonly dead: readonly DeadLetter[] } };

/**
 * The embedded durable event stream: the memory stream's semantics, with every entry and every
 * group change appended to a JSON-lines file and replayed on load. Published entries are synced
 * before `publish` resolves; deliveries and acks are written at once (a SIGKILL loses none) and
 * synced with the next checkpoint. `trim` rewrites the file with what is left.
 */
export class FileEventStream extends MemoryEventStream {
  readonly #file: AppendFile;

  /** Opens the stream kept in `path`, keeping only checkpoint lines up to `checkpoint` (all when undefined). */
  constructor(name: string, path: string, checkpoint = Number.POSITIVE_INFINITY) {
    super(name);
    this.#file = new AppendFile(path);
    for (const line of readLines(path, (line) => ((line as { k?: number }).k ?? 0) <= checkpoint)) this.#replay(line as Line);
  }

  override async publish(events: readonly FalcoEvent[]): Promise<void> {
    this.checkOpen();
    this.#file.append(this.stageEvents(events), true);
    this.wake();
  }

  override async ack(group: string, entryIds: readonly string[]): Promise<void> {
    this.#file.append(this.stageAck(group, entryIds), false);
  }

  override async bury(group: string, deliveries: readonly Delivery[], reason: string): Promise<void> {
    await super.bury(group, deliveries, reason);
    this.#file.append(deliveries.map((d) => ({ b: d.entryId, g: group, n: d.deliveries, r: reason })), false);
  }

  override async trim(): Promise<number> {
    const dropped = this.model.trim();
    if (dropped > 0) this.#rewrite();
    return dropped;
  }

  override async close(): Promise<void> {
    await super.close();
    this.#file.close();
  }

  /** Appends events to the model; returns the lines that keep them, for the caller to write (tagged `k`). */
  stageEvents(events: readonly FalcoEvent[], k?: number): Line[] {
    return events.map((event) => ({ a: this.model.append({ event }).entryId, f: toFields(event), ...(k === undefined ? {} : { k }) }));
  }

  stageAck(group: string, entryIds: readonly string[], k?: number): Line[] {
    if (entryIds.length === 0) return [];
    this.model.ack(group, entryIds);
    return [{ x: entryIds, g: group, ...(k === undefined ? {} : { k }) }];
  }

  /** Writes lines staged for a checkpoint, synced. */
  write(lines: readonly Line[]): void {
    this.#file.append(lines, true);
    if (lines.some((line) => 'a' in line)) this.wake();
  }

  protected override groupCreated(group: string, after: string | null): void {
    this.#file.append([{ g: group, s: after }], true);
  }

  protected override changed(change: GroupChange): void {
    this.#file.append([change.kind === 'deliver' ? { d: change.entryIds, g: change.group, c: change.consumer, t: change.at } : { b: change.entryId, g: change.group, n: change.deliveries, r: change.reason }], false);
  }

  #replay(line: Line): void {
    if ('a' in line) {
      this.model.append(parse(line.f), line.a);
    } else if ('d' in line) {
      for (const entryId of line.d) this.model.deliver(line.g, line.c, line.t, entryId);
    } else if ('x' in line) {
      this.model.ack(line.g, line.x);
    } else if ('b' in line) {
      this.model.bury(line.g, line.b, line.n, line.r);
    } else if ('g' in line) {
      this.model.restoreGroup(line.g, { after: line.s, pending: line.p ?? [] });
    } else {
      this.model.follow(line.base.lastId);
      this.model.dead.push(...line.base.dead);
    }
  }

  /** The file again, with only what is left: the dead letters, the entries, then each group's state. */
  #rewrite(): void {
    const lines: Line[] = [{ base: { lastId: this.model.lastId, dead: this.model.dead } }];
    for (const entry of this.model.entries()) lines.push({ a: entry.entryId, f: 'event' in entry ? toFields(entry.event) : { ...entry.fields } });
    for (const group of this.model.groupNames()) {
      const { after, pending } = this.model.groupSnapshot(group);
      lines.push({ g: group, s: after, p: pending });
    }
    this.#file.replace(lines);
  }
}

function parse(fields: Record<string, string>): { event: FalcoEvent } | { fields: Record<string, string>; malformed: string } {
  try {
    return { event: fromFields(fields) };
  } catch (error) {
    if (!(error instanceof MalformedEventError)) throw error;
    return { fields, malformed: error.message };
  }
}
