import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { FunctionError } from '../../../src/index.js';
import { LocalPlatform } from '../../../platforms/local/index.js';
import { frame, FrameReader } from '../../../platforms/local/protocol.js';
import { call, lines, py } from './helpers.js';

const platform = new LocalPlatform();
after(() => platform.close());

const MB = 1024 * 1024;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Answers about `size` bytes of varied text (escapes and non-ASCII included) with its digest, or the digest of its input. */
const DIGESTS = lines(
  'import hashlib',
  'def digest(text):',
  '    data = text.encode()',
  '    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}',
  'def main(args):',
  '    if "data" in args:',
  '        return digest(args["data"])',
  '    unit = "".join(chr(c) for c in range(32, 127)) + "\\"\\\\\\n\\t é ☃ 𝄞 "',
  '    text = unit * (args["size"] // len(unit))',
  '    return dict(digest(text), text=text)',
);

describe('local platform: the Python protocol', () => {
  it('carries a 50 MB output intact, well within a timeout the old line protocol overran', async () => {
    const deployment = await platform.deploy(py(DIGESTS, { memoryMB: 1024, timeoutMs: 60_000 }));
    const { output } = await call<{ text: string; bytes: number; sha256: string }>(platform, deployment, { size: 50 * MB });
    assert.ok(output.bytes > 50 * MB, `${output.bytes} bytes`);
    assert.equal(Buffer.byteLength(output.text), output.bytes);
    assert.equal(sha256(output.text), output.sha256);
    await platform.remove(deployment);
  });

  it('carries a 50 MB input intact', async () => {
    const deployment = await platform.deploy(py(DIGESTS, { memoryMB: 1024, timeoutMs: 60_000 }));
    const unit = 'falco ☃ "quoted" \\ \n𝄞';
    const data = unit.repeat(Math.ceil((50 * MB) / unit.length));
    const { output } = await call(platform, deployment, { data });
    assert.deepEqual(output, { bytes: Buffer.byteLength(data), sha256: sha256(data) });
    await platform.remove(deployment);
  });

  it("never lets the function's own output, or its subprocesses', reach the protocol", async () => {
    const source = lines(
      'import os, subprocess, sys',
      'def main(args):',
      '    forged = b\'\\x00\\x00\\x00\\x18{"ok":true,"output":666}\'',
      '    print(forged.decode())',
      '    os.write(1, forged)',
      '    os.write(2, forged)',
      '    sys.stdout.flush()',
      '    shell = subprocess.run(["sh", "-c", "printf forged >&4"], close_fds=False, capture_output=True)',
      '    return {"real": args["n"], "shell": shell.returncode}',
    );
    const deployment = await platform.deploy(py(source));
    for (const n of [1, 2]) {
      const { output } = await call<{ real: number; shell: number }>(platform, deployment, { n });
      assert.equal(output.real, n);
      assert.notEqual(output.shell, 0, 'the subprocess found no fd 4 to write to');
    }
    await platform.remove(deployment);
  });

  it('ends an instance that writes what is not a frame of JSON, with a FunctionError saying so', async () => {
    const source = lines(
      'import os',
      'def main(args):',
      '    if args.get("forge"):',
      '        os.write(4, b"\\x00\\x00\\x00\\x03abc")',
      '    return {"pid": os.getpid()}',
    );
    const deployment = await platform.deploy(py(source));
    const error = await call(platform, deployment, { forge: true }).catch((e: unknown) => e);
    assert.ok(error instanceof FunctionError, String(error));
    assert.match(error.message, /broke the local platform's protocol \(fds 3 and 4 carry falco's calls and replies\): a reply of 3 bytes is not one of the runner's \("abc"\)/);
    const next = await call(platform, deployment, {});
    assert.equal(next.coldStart, true);
    await platform.remove(deployment);
  });

  it('a process that dies halfway through a frame fails its call, and the next call gets a new instance', async () => {
    const source = lines(
      'import os',
      'def main(args):',
      '    if args.get("die"):',
      '        os.write(4, (1000).to_bytes(4, "big") + b\'{"ok":true,\')',
      '        os._exit(3)',
      '    return {"pid": os.getpid()}',
    );
    const deployment = await platform.deploy(py(source));
    const first = await call<{ pid: number }>(platform, deployment, {});
    const error = await call(platform, deployment, { die: true }).catch((e: unknown) => e);
    assert.ok(error instanceof FunctionError, String(error));
    assert.match(error.message, /the python process of function ".*" exited with code 3 before answering/);
    const next = await call<{ pid: number }>(platform, deployment, {});
    assert.equal(next.coldStart, true);
    assert.notEqual(next.output.pid, first.output.pid);
    await platform.remove(deployment);
  });
});

describe('local platform: frames', () => {
  const messages = ['{"init":true}', '', JSON.stringify({ text: 'é☃𝄞'.repeat(1000) }), '{"ok":true}'];
  const bytes = Buffer.concat(messages.map(frame));

  function read(chunks: Buffer[]): string[] {
    const frames: string[] = [];
    const reader = new FrameReader((payload) => frames.push(payload.toString('utf8')));
    for (const chunk of chunks) reader.push(chunk);
    return frames;
  }

  it('reads frames whole, however the bytes are split', () => {
    assert.deepEqual(read([bytes]), messages);
    assert.deepEqual(read([...bytes].map((byte) => Buffer.from([byte]))), messages);
    for (const at of [1, 3, 4, 5, 17, 18, 19, bytes.length - 1]) {
      assert.deepEqual(read([bytes.subarray(0, at), bytes.subarray(at)]), messages, `split at ${at}`);
    }
  });

  it('refuses a length past what a frame may carry', () => {
    const reader = new FrameReader(() => assert.fail('no frame'));
    assert.throws(() => reader.push(Buffer.from([0xff, 0xff, 0xff, 0xff])), RangeError);
  });
});
