import { expect, test, type Locator, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, EventLog, addDownloadedGame, binary, screenshotDir } from './app-process';

// These drive downloads from a second real peer over QUIC on loopback.

// A payload and a download limit (for the app, this run only) that keep the
// download running for about five seconds: long enough to see its progress
// and to cancel it, short enough for a test.
const payloadBytes = 40 * 1024 * 1024;
const downloadLimit = ['--download-limit', '64'];

async function shoot(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`) });
}

// The card shows real progress: a bar past zero, a speed and the peer.
async function expectProgress(card: Locator) {
  const progress = card.getByTestId('progress');
  await expect(progress).toContainText(/[1-9][\d.]* (KB|MB)\/s from 1 peer/);
  await expect
    .poll(async () => Number(await progress.getByRole('progressbar').getAttribute('aria-valuenow')))
    .toBeGreaterThan(0);
}

// A second peer: `lanspread serve` on loopback sharing its own folder.
class ServeProcess {
  readonly dir = mkdtempSync(join(tmpdir(), 'lanspread-peer-'));
  readonly gameDir = join(this.dir, 'games');
  port = 0;
  private child: ChildProcess | null = null;

  constructor() {
    mkdirSync(this.gameDir);
  }

  async start(): Promise<void> {
    const child = spawn(binary, ['--no-mdns', '--games', this.gameDir, '--state', join(this.dir, 'state'), 'serve'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child = child;
    this.port = await new Promise<number>((resolvePort, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start:\n${err}`)), 20_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        const match = err.match(/listening on UDP port (\d+)/);
        if (match) {
          clearTimeout(timer);
          resolvePort(Number(match[1]));
        }
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((done) => child.on('exit', done));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

let app: AppProcess;
let peer: ServeProcess;
let events: EventLog | null;

test.beforeEach(() => {
  app = new AppProcess();
  peer = new ServeProcess();
  events = null;
});

test.afterEach(async () => {
  events?.close();
  await app.stop();
  await peer.stop();
});

function addBigGame(gameDir: string) {
  addDownloadedGame(gameDir, 'cs16', '20240315');
  writeFileSync(join(gameDir, 'cs16', 'cs16.part2.bin'), Buffer.alloc(payloadBytes, 7));
}

test('download a game from a second peer and see it installed', async ({ page }) => {
  addBigGame(peer.gameDir);
  await peer.start();
  await app.start(['--peer', `127.0.0.1:${peer.port}`, ...downloadLimit]);
  await page.goto(app.url);
  const cs16 = page.getByTestId('game-cs16');
  await expect(cs16).toHaveAttribute('data-state', 'available');
  await expect(page.getByTestId('peer-count')).toHaveText(/1 peer/);
  await cs16.getByRole('button', { name: 'Download' }).click();
  await expect(cs16).toHaveAttribute('data-state', 'downloading');
  await expectProgress(cs16);
  await shoot(page, 'real-downloading');
  await expect(cs16).toHaveAttribute('data-state', 'installed', { timeout: 60_000 });
  await shoot(page, 'real-installed');
});

test('cancel a download and see no failure', async ({ page }) => {
  addBigGame(peer.gameDir);
  await peer.start();
  await app.start(downloadLimit);
  await page.goto(app.url);
  events = new EventLog(app.url);
  await page.getByLabel('Add a peer by address').fill(`127.0.0.1:${peer.port}`);
  await page.getByRole('button', { name: 'Add' }).click();
  const cs16 = page.getByTestId('game-cs16');
  await cs16.getByRole('button', { name: 'Download' }).click();
  await expectProgress(cs16);
  await cs16.getByRole('button', { name: 'Cancel' }).click();
  await events.waitFor((e) => e.event === 'game-download-cancelled' && e.game_id === 'cs16');
  // The runtime handles commands in order, so once the answer to a refresh
  // arrives, everything the cancelled download had to say has arrived too.
  const settled = events.events.length;
  expect((await app.post('/api/games/refresh')).status).toBe(202);
  await events.waitFor((e) => e.event === 'peer-count', settled);
  expect(events.events.filter((e) => e.game_id === 'cs16' && /fail/.test(e.event))).toEqual([]);
  await expect(cs16).toHaveAttribute('data-state', 'available');
  await expect(cs16.getByTestId('failure')).toHaveCount(0);
});

test('a peer that leaves disappears from the list', async ({ page }) => {
  addDownloadedGame(peer.gameDir, 'cs16', '20240315');
  await peer.start();
  await app.start(['--peer', `127.0.0.1:${peer.port}`]);
  await page.goto(app.url);
  await expect(page.getByTestId('peer-count')).toHaveText(/1 peer/);
  await expect(page.getByTestId('game-cs16')).toHaveAttribute('data-state', 'available');
  await peer.stop();
  await expect(page.getByTestId('peer-count')).toHaveText(/0 peers/);
  await expect(page.getByTestId('game-cs16')).toHaveCount(0);
  await expect(page.getByText('No other peer found yet')).toBeVisible();
  await shoot(page, 'real-peer-gone');
});
