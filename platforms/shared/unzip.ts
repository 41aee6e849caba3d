import { posix } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DeploymentError } from '../../src/index.js';

const END_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const END_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;
const ENCRYPTED_FLAG = 0x1;

/**
 * The files of a `{ zip }` deployable by their path inside it (directories left out), as the
 * zip's central directory lists them. Stored and deflated entries are read; zip64, encrypted or
 * otherwise compressed archives, and entries that would land outside the function's directory,
 * are DeploymentErrors that say so.
 */
export function unzipFiles(zip: Uint8Array): Map<string, Buffer> {
  const buffer = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  try {
    return readEntries(buffer);
  } catch (error) {
    if (error instanceof DeploymentError) throw error;
    throw unreadable('it is truncated or damaged', error);
  }
}

function readEntries(buffer: Buffer): Map<string, Buffer> {
  const end = findEnd(buffer);
  const count = buffer.readUInt16LE(end + 10);
  let at = buffer.readUInt32LE(end + 16);
  if (count === 0xffff || at === 0xffffffff) throw unreadable('it is a zip64 archive: zip it without zip64 (files under 4 GB, fewer than 65535)');
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buffer.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw unreadable('its central directory is damaged');
    const flags = buffer.readUInt16LE(at + 8);
    const method = buffer.readUInt16LE(at + 10);
    const compressedSize = buffer.readUInt32LE(at + 20);
    const size = buffer.readUInt32LE(at + 24);
    const nameLength = buffer.readUInt16LE(at + 28);
    const otherLength = buffer.readUInt16LE(at + 30) + buffer.readUInt16LE(at + 32);
    const localOffset = buffer.readUInt32LE(at + 42);
    const name = buffer.toString('utf8', at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
    at += CENTRAL_SIZE + nameLength + otherLength;
    if (name.endsWith('/')) continue;
    const path = safePath(name);
    if (flags & ENCRYPTED_FLAG) throw unreadable(`its entry ${name} is encrypted`);
    const data = entryData(buffer, localOffset, compressedSize, name);
    files.set(path, inflate(data, method, size, name));
  }
  return files;
}

/** The end of central directory record: the last 22 bytes, unless the zip has a comment. */
function findEnd(buffer: Buffer): number {
  const last = buffer.length - END_SIZE;
  for (let at = last; at >= Math.max(0, last - MAX_COMMENT); at--) {
    if (buffer.readUInt32LE(at) === END_SIGNATURE) return at;
  }
  throw unreadable('it is not a zip archive');
}

function entryData(buffer: Buffer, offset: number, length: number, name: string): Buffer {
  if (buffer.readUInt32LE(offset) !== LOCAL_SIGNATURE) throw unreadable(`its entry ${name} is damaged`);
  const start = offset + LOCAL_SIZE + buffer.readUInt16LE(offset + 26) + buffer.readUInt16LE(offset + 28);
  if (start + length > buffer.length) throw unreadable(`its entry ${name} is truncated`);
  return buffer.subarray(start, start + length);
}

function inflate(data: Buffer, method: number, size: number, name: string): Buffer {
  if (method !== STORED && method !== DEFLATED) throw unreadable(`its entry ${name} uses compression method ${method}: only stored and deflated entries are read`);
  const content = method === STORED ? Buffer.from(data) : inflateRawSync(data);
  if (content.length !== size) throw unreadable(`its entry ${name} is damaged`);
  return content;
}

/** The entry's path, normalised; one that is absolute or climbs out with `..` is refused. */
function safePath(name: string): string {
  const path = posix.normalize(name.replaceAll('\\', '/'));
  if (path.startsWith('/') || path === '..' || path.startsWith('../')) {
    throw unreadable(`its entry ${name} points outside the function's directory`);
  }
  return path;
}

function unreadable(why: string, cause?: unknown): DeploymentError {
  return new DeploymentError(`the function's { zip } code cannot be read: ${why}`, { cause });
}
