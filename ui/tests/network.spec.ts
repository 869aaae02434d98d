import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, addDownloadedGame, binary } from './app-process';

// These drive downloads from a second real peer over QUIC on loopback.

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

test.beforeEach(() => {
  app = new AppProcess();
  peer = new ServeProcess();
});

test.afterEach(async () => {
  await app.stop();
  await peer.stop();
});

test('download a game from a second peer and see it installed', async ({ page }) => {
  addDownloadedGame(peer.gameDir, 'cs16', '20240315');
  await peer.start();
  await app.start(['--peer', `127.0.0.1:${peer.port}`]);
  await page.goto(app.url);
  const cs16 = page.getByTestId('game-cs16');
  await expect(cs16).toHaveAttribute('data-state', 'available');
  await expect(page.getByTestId('peer-count')).toHaveText(/1 peer/);
  await cs16.getByRole('button', { name: 'Download' }).click();
  await expect(cs16).toHaveAttribute('data-state', 'installed', { timeout: 60_000 });
});

test('cancel a download and see no failure', async ({ page }) => {
  addDownloadedGame(peer.gameDir, 'cs16', '20240315');
  // Big enough that the download is still running when Cancel is clicked.
  writeFileSync(join(peer.gameDir, 'cs16', 'cs16.part2.bin'), Buffer.alloc(512 * 1024 * 1024, 7));
  await peer.start();
  await app.start();
  await page.goto(app.url);
  await page.getByLabel('Add a peer by address').fill(`127.0.0.1:${peer.port}`);
  await page.getByRole('button', { name: 'Add' }).click();
  const cs16 = page.getByTestId('game-cs16');
  await cs16.getByRole('button', { name: 'Download' }).click();
  await expect(cs16).toHaveAttribute('data-state', 'downloading');
  await cs16.getByRole('button', { name: 'Cancel' }).click();
  await expect(cs16).toHaveAttribute('data-state', 'available');
  await expect(cs16.getByTestId('failure')).toHaveCount(0);
});

test('a peer that leaves disappears from the list', async ({ page }) => {
  addDownloadedGame(peer.gameDir, 'cs16', '20240315');
  await peer.start();
  await app.start(['--peer', `127.0.0.1:${peer.port}`]);
  await page.goto(app.url);
  await expect(page.getByTestId('peer-count')).toHaveText(/1 peer/);
  await peer.stop();
  await expect(page.getByTestId('peer-count')).toHaveText(/0 peers/);
  await expect(page.getByTestId('game-cs16')).toHaveCount(0);
});
