import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, screenshotDir } from './app-process';

// Peers, downloads, installs and updates replayed to the page, so the
// screenshots of these states are the same on every run (a real download's
// speed and timing vary): the real app serves the page, only its event
// stream is replaced by recorded messages in the documented format
// (docs/app.md). The real ones, with a second peer, are in network.spec.ts.

const game = (id: string, name: string, genre: string, version: string, peers: number, local: object | null) => ({
  id,
  name,
  description: '',
  genre,
  max_players: 16,
  release_year: 2004,
  size: 3_500_000_000,
  version,
  peer_count: peers,
  local,
});
const local = (id: string, version: string, installed: boolean) => ({
  id,
  downloaded: true,
  installed,
  version,
  size: 3_400_000_000,
  file_count: 12,
});

const snapshot = {
  games: [
    game('cs16', 'Counter-Strike 1.6', 'Tactical shooter', '20240315', 2, local('cs16', '20240101', true)),
    game('quake3', 'Quake III Arena', 'Arena shooter', '1.32', 3, null),
    game('tf2', 'Team Fortress 2', 'Team shooter', '8835751', 2, null),
    game('aoe2', 'Age of Empires II: The Age of Kings', 'Real-time strategy', '2.0a', 1, local('aoe2', '2.0a', false)),
    game('ut2004', 'Unreal Tournament 2004', 'Arena shooter', '3369', 0, local('ut2004', '3369', true)),
  ],
  operations: { tf2: 'downloading', aoe2: 'installing' },
  downloads: { tf2: { bytes_done: 1_400_000_000, bytes_total: 3_500_000_000, bytes_per_second: 86_000_000, peers_streaming: 2 } },
  installs: { aoe2: { bytes_done: 1_190_000_000, bytes_total: 3_400_000_000 } },
  failures: {},
  recoveries: {
    ut2004: { operation: 'update', outcome: 'rolled-back', description: 'restored .local.backup to local/' },
  },
  peers: [
    { peer_id: 'a1b2c3d4e5f60718', address: '192.168.1.20:40000' },
    { peer_id: 'f0e1d2c3b4a59687', address: '192.168.1.31:40000' },
    { peer_id: '0123456789abcdef', address: '192.168.1.47:40000' },
  ],
  peer_count: 3,
  game_dir: '/home/player/.local/share/lanspread/games',
  game_dir_problem: null,
  runtime: { running: true, quic_port: 40000, peer_id: 'feedface' },
  notices: [],
};

function stream(events: object[]): string {
  // A long retry keeps EventSource from replaying the recording at once.
  return 'retry: 3600000\n\n' + events.map((e) => `data: ${JSON.stringify(e)}\n\n`).join('');
}

let app: AppProcess;
test.beforeEach(() => {
  app = new AppProcess();
});
test.afterEach(async () => {
  await app.stop();
});

test('downloading, installing, update available and peers are shown', async ({ page }) => {
  await app.start();
  await page.route('**/api/events*', (route) =>
    route.fulfill({ status: 200, contentType: 'text/event-stream', body: stream([{ event: 'snapshot', state: snapshot }]) }),
  );
  await page.goto(app.url);

  const tf2 = page.getByTestId('game-tf2');
  await expect(tf2).toHaveAttribute('data-state', 'downloading');
  await expect(tf2.getByTestId('progress')).toContainText('40%');
  await expect(tf2.getByTestId('progress')).toContainText('82.0 MB/s');
  await expect(tf2.getByTestId('progress')).toContainText('from 2 peers');
  await expect(tf2.getByRole('button', { name: 'Cancel' })).toBeEnabled();

  const aoe2 = page.getByTestId('game-aoe2');
  await expect(aoe2).toHaveAttribute('data-state', 'installing');
  await expect(aoe2.getByRole('button', { name: 'Install' })).toBeDisabled();
  await expect(aoe2.getByRole('button', { name: 'Remove files' })).toBeDisabled();
  await expect(aoe2.getByTestId('install-progress')).toContainText('35%');
  await expect(aoe2.getByTestId('install-progress')).toContainText('unpacked 1.1 GB of 3.2 GB');
  await expect(aoe2.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '35');

  const cs16 = page.getByTestId('game-cs16');
  await expect(cs16).toHaveAttribute('data-state', 'update-available');
  await expect(cs16.getByRole('button', { name: 'Update' })).toBeEnabled();
  await expect(cs16).toContainText('Version 20240315 is on 2 peers');

  await expect(page.getByTestId('game-quake3').getByTestId('badge')).toHaveText('On 3 peers');
  await expect(page.getByTestId('game-ut2004')).toHaveAttribute('data-state', 'installed');
  await expect(page.getByTestId('game-ut2004').getByTestId('recovery')).toHaveText(
    'An interrupted update was rolled back; the previous version is installed.×',
  );
  await expect(page.getByTestId('peer-count')).toHaveText('3 peers');
  await expect(page.getByText('192.168.1.31:40000')).toBeVisible();

  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, 'network-1280x800.png') });
  await page.setViewportSize({ width: 800, height: 1000 });
  await page.screenshot({ path: join(screenshotDir, 'network-800.png') });
});

test('a cancelled download goes back to available without a failure', async ({ page }) => {
  await app.start();
  await page.route('**/api/events*', (route) =>
    route.fulfill({
      status: 200,
      contentType: 'text/event-stream',
      body: stream([
        { event: 'snapshot', state: snapshot },
        { event: 'game-download-cancelled', game_id: 'tf2' },
        { event: 'operations-changed', operations: { aoe2: 'installing' } },
        { event: 'game-download-failed', game_id: 'quake3', reason: 'every peer that had it left' },
        { event: 'failure', game_id: 'quake3', operation: 'download', reason: 'every peer that had it left' },
        { event: 'peer-lost', peer_id: '0123456789abcdef' },
      ]),
    }),
  );
  await page.goto(app.url);
  const tf2 = page.getByTestId('game-tf2');
  await expect(tf2).toHaveAttribute('data-state', 'available');
  await expect(tf2.getByTestId('failure')).toHaveCount(0);
  await expect(tf2.getByRole('button', { name: 'Download' })).toBeEnabled();
  await expect(page.getByTestId('game-quake3').getByTestId('failure')).toContainText(
    'Download failed: every peer that had it left',
  );
  await expect(page.getByTestId('peer-count')).toHaveText('2 peers');
  await page.screenshot({ path: join(screenshotDir, 'download-failed.png') });
});
