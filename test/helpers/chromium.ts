import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A Chromium binary: $CHROMIUM_PATH, or Debian's `chromium` (or a Chrome) on the PATH. */
export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

export const NO_CHROMIUM =
  'no chromium binary found (install Debian\'s "chromium" package: apt-get install -y chromium, or set CHROMIUM_PATH)';

/** The repository's root (where package.json is), from this file's place in dist/ or a build folder. */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('no package.json above the test');
    dir = parent;
  }
  return dir;
}

/** Keeps a file a test made (a screenshot, a page) in test-output/ for a person to look at; returns its path. */
export async function keepOutput(name: string, contents: Buffer | string): Promise<string> {
  const output = join(repositoryRoot(), 'test-output');
  await mkdir(output, { recursive: true });
  await writeFile(join(output, name), contents);
  return join(output, name);
}

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/**
 * Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
 * JSON messages separated by NUL bytes on file descriptors 3 and 4), so no WebSocket client and
 * no extra dependency are needed. One page; `close()` ends the browser and removes its profile.
 */
export class HeadlessPage {
  readonly #process: ChildProcess;
  readonly #profile: string;
  readonly #input: Writable;
  readonly #pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  readonly #waiters: { method: string; resolve: (m: Message) => void }[] = [];
  #nextId = 1;
  #session = '';
  #buffer = '';
  #exited: Promise<void>;

  private constructor(binary: string, profile: string) {
    this.#profile = profile;
    this.#process = spawn(
      binary,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        '--remote-debugging-pipe',
        'about:blank',
      ],
      { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] },
    );
    this.#input = this.#process.stdio[3] as Writable;
    const output = this.#process.stdio[4] as Readable;
    output.setEncoding('utf8');
    output.on('data', (chunk: string) => this.#receive(chunk));
    this.#exited = new Promise((resolve) => this.#process.once('exit', () => resolve()));
    void this.#exited.then(() => {
      for (const { reject } of this.#pending.values()) reject(new Error('chromium exited'));
      this.#pending.clear();
    });
  }

  static async open(binary: string, viewport = { width: 1200, height: 900 }): Promise<HeadlessPage> {
    const page = new HeadlessPage(binary, await mkdtemp(join(tmpdir(), 'falco-chromium-')));
    try {
      const { targetId } = (await page.#send('Target.createTarget', { url: 'about:blank' })).result as { targetId: string };
      const { sessionId } = (await page.#send('Target.attachToTarget', { targetId, flatten: true })).result as { sessionId: string };
      page.#session = sessionId;
      await page.#send('Page.enable');
      await page.#send('Runtime.enable');
      await page.#send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1, mobile: false });
      return page;
    } catch (error) {
      await page.close();
      throw error;
    }
  }

  /** Loads a local file and waits for its load event. */
  load(path: string): Promise<void> {
    return this.goto(pathToFileURL(path).href);
  }

  /**
   * Navigates to a URL (http: or file:) and waits for its load event, at most `timeoutMs`. A URL that
   * differs from the page's only in its #fragment is a same-document navigation: no load to wait for.
   */
  async goto(url: string, timeoutMs = 30_000): Promise<void> {
    const loaded = this.#next('Page.loadEventFired');
    const { result } = await this.#send('Page.navigate', { url });
    if (result?.errorText) throw new Error(`chromium could not load ${url}: ${String(result.errorText)}`);
    if (result?.loaderId === undefined) {
      this.#forget('Page.loadEventFired');
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${url} did not load in ${timeoutMs} ms`)), timeoutMs)));
    try {
      await Promise.race([loaded, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Waits until `expression` is truthy in the page and returns its value; polls, so it sees what the
   * page's own code (SSE handlers, timers) did in between. Throws with `what` after `timeoutMs`.
   */
  async waitFor<T>(expression: string, what: string, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate<T>(expression);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms in the page for ${what} (${expression})`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Waits for an element matching `selector`, then returns its text. */
  waitForSelector(selector: string, timeoutMs?: number): Promise<string> {
    const found = `document.querySelector(${JSON.stringify(selector)})`;
    return this.waitFor<string>(`${found} ? (${found}.textContent || ' ') : ''`, `an element ${selector}`, timeoutMs);
  }

  /**
   * Clicks the first element matching `selector` once it exists and is enabled, with the mouse at
   * its centre (scrolled into view), so what a user would hit there gets the click.
   */
  async click(selector: string): Promise<void> {
    const found = `document.querySelector(${JSON.stringify(selector)})`;
    await this.waitFor(`${found} && !${found}.disabled`, `an enabled ${selector} to click`);
    const { x, y } = await this.evaluate<{ x: number; y: number }>(
      `(() => { const e = ${found}; e.scrollIntoView({ block: 'center', inline: 'center' }); const r = e.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; })()`,
    );
    for (const type of ['mousePressed', 'mouseReleased']) await this.#send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
  }

  /** Evaluates an expression in the page and returns its value (JSON-serialisable). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result } = await this.#send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    const { result: value, exceptionDetails } = result as { result: { value: T }; exceptionDetails?: { text: string; exception?: { description?: string } } };
    if (exceptionDetails) throw new Error(`in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return value.value;
  }

  /** A PNG of the whole page, not just the viewport. */
  async screenshot(): Promise<Buffer> {
    const metrics = (await this.#send('Page.getLayoutMetrics')).result as { cssContentSize: { width: number; height: number } };
    const { width, height } = metrics.cssContentSize;
    await this.#send('Emulation.setDeviceMetricsOverride', { width: Math.ceil(width), height: Math.ceil(height), deviceScaleFactor: 1, mobile: false });
    const { data } = (await this.#send('Page.captureScreenshot', { format: 'png' })).result as { data: string };
    return Buffer.from(data, 'base64');
  }

  async close(): Promise<void> {
    if (this.#process.exitCode === null && this.#process.signalCode === null) {
      this.#send('Browser.close', {}, false).catch(() => {});
      const timer = setTimeout(() => this.#process.kill('SIGKILL'), 5000);
      await this.#exited;
      clearTimeout(timer);
    }
    await rm(this.#profile, { recursive: true, force: true });
  }

  #send(method: string, params: Record<string, unknown> = {}, inSession = true): Promise<Message> {
    const id = this.#nextId++;
    const message: Message = { id, method, params, ...(inSession && this.#session ? { sessionId: this.#session } : {}) };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, {
        resolve: (reply) => (reply.error ? reject(new Error(`${method}: ${reply.error.message}`)) : resolve(reply)),
        reject,
      });
      this.#input.write(`${JSON.stringify(message)}\0`);
    });
  }

  /** Drops the latest waiter for `method`, one that will never be answered. */
  #forget(method: string): void {
    const index = this.#waiters.findLastIndex((w) => w.method === method);
    if (index >= 0) this.#waiters.splice(index, 1);
  }

  #next(method: string): Promise<Message> {
    return new Promise((resolve) => this.#waiters.push({ method, resolve }));
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(this.#buffer.slice(0, end)) as Message;
      this.#buffer = this.#buffer.slice(end + 1);
      if (message.id !== undefined) {
        this.#pending.get(message.id)?.resolve(message);
        this.#pending.delete(message.id);
      } else if (message.method) {
        const index = this.#waiters.findIndex((w) => w.method === message.method);
        if (index >= 0) this.#waiters.splice(index, 1)[0]!.resolve(message);
      }
    }
  }
}
