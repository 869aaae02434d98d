import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../..');
export const binary = process.env.LANSPREAD_BINARY ?? join(repoRoot, 'build/release/src/cli/lanspread');
export const uiDist = join(repoRoot, 'ui/dist');
export const screenshotDir = process.env.UI_SCREENSHOTS ?? join(repoRoot, 'build/ui-screenshots');

// A downloaded game: a tar archive with one file, and its version.ini.
export function addDownloadedGame(gameDir: string, id: string, version: string, installed = false) {
  const root = join(gameDir, id);
  const payload = join(root, '.payload');
  mkdirSync(payload, { recursive: true });
  writeFileSync(join(payload, `${id}.txt`), `test payload of ${id}\n`);
  execFileSync('tar', ['-cf', join(root, `${id}.tar`), '-C', payload, `${id}.txt`]);
  rmSync(payload, { recursive: true });
  if (installed) {
    mkdirSync(join(root, 'local'));
    writeFileSync(join(root, 'local', `${id}.txt`), `test payload of ${id}\n`);
  }
  writeFileSync(join(root, 'version.ini'), `${version}\n`);
}

export type AppEvent = { event: string; [field: string]: unknown };

// The app's event stream read by the test itself, so it can wait for events
// the page shows no sign of (a download cancelled, nothing more to come).
export class EventLog {
  readonly events: AppEvent[] = [];
  private readonly request: ClientRequest;
  private readonly waiters = new Set<() => void>();

  constructor(url: string) {
    const page = new URL(url);
    const stream = new URL('/api/events', page.origin);
    stream.searchParams.set('token', page.searchParams.get('token') ?? '');
    this.request = get(stream, (response) => {
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (message.startsWith('data: ')) this.events.push(JSON.parse(message.slice(6)) as AppEvent);
        }
        for (const wake of this.waiters) wake();
      });
    });
    this.request.on('error', () => {}); // the app stopping ends the stream
  }

  // The first event from index `from` on that `accept` takes.
  waitFor(accept: (event: AppEvent) => boolean, from = 0, timeoutMs = 30_000): Promise<AppEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(from).find(accept);
        if (!found) return;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no such event in ${timeoutMs} ms; got ${JSON.stringify(this.events.slice(from))}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  close() {
    this.request.destroy();
  }
}

// The real app on its own temp folders, with its UI on a free loopback port.
export class AppProcess {
  readonly dir: string;
  readonly gameDir: string;
  url = '';
  private child: ChildProcess | null = null;
  private stderr = '';

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'lanspread-ui-'));
    this.gameDir = join(this.dir, 'games');
    mkdirSync(this.gameDir);
  }

  async start(extraArgs: string[] = []): Promise<void> {
    const args = ['--no-mdns', '--games', this.gameDir, '--state', join(this.dir, 'state'), '--json', ...extraArgs, 'app', '--no-browser', '--ui-dir', uiDist];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.url = await new Promise<string>((resolveUrl, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the app printed no URL:\n${this.stderr}`)), 20_000);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        for (const line of out.split('\n')) {
          if (!line.startsWith('{')) continue;
          try {
            const event = JSON.parse(line) as { event?: string; url?: string };
            if (event.event === 'app-ready' && event.url) {
              clearTimeout(timer);
              resolveUrl(event.url);
            }
          } catch {
            // a partial line; wait for the rest
          }
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the app exited with ${code}:\n${this.stderr}`));
      });
    });
  }

  get origin(): string {
    return new URL(this.url).origin;
  }

  get token(): string {
    return new URL(this.url).searchParams.get('token') ?? '';
  }

  // GET /api/state: the app's snapshot.
  async state(): Promise<{ notices: string[] }> {
    const response = await fetch(new URL('/api/state', this.origin), { headers: { 'X-Lanspread-Token': this.token } });
    return (await response.json()) as { notices: string[] };
  }

  // Sends a command to the app's API as the page would.
  async post(path: string, body: unknown = {}): Promise<Response> {
    return fetch(new URL(path, this.origin), {
      method: 'POST',
      headers: { 'X-Lanspread-Token': this.token, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  async stop(): Promise<number | null> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      child.kill('SIGINT');
      const code = await exited;
      rmSync(this.dir, { recursive: true, force: true });
      return code;
    }
    rmSync(this.dir, { recursive: true, force: true });
    return child?.exitCode ?? null;
  }
}
