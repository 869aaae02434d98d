import { expect, test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, EventLog, addDownloadedGame, screenshotDir } from './app-process';

let app: AppProcess;

test.beforeEach(() => {
  app = new AppProcess();
});

test.afterEach(async () => {
  expect(await app.stop()).toBe(0); // Ctrl-C stops the app cleanly
});

async function shoot(page: Page, name: string, fullPage = false) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage });
}

function card(page: Page, id: string) {
  return page.getByTestId(`game-${id}`);
}

test('the library shows local games with their states', async ({ page }) => {
  addDownloadedGame(app.gameDir, 'cs16', '20240315');
  addDownloadedGame(app.gameDir, 'quake3', '1.32', true);
  addDownloadedGame(app.gameDir, 'tf2', '8835751', true);
  addDownloadedGame(app.gameDir, 'aoe2', '2.0a');
  mkdirSync(join(app.gameDir, 'factorio'));
  writeFileSync(join(app.gameDir, 'factorio', 'factorio.zip'), 'half a download');
  await app.start();
  await page.goto(app.url);

  await expect(card(page, 'cs16')).toHaveAttribute('data-state', 'downloaded');
  await expect(card(page, 'cs16').getByTestId('badge')).toHaveText('Downloaded');
  await expect(card(page, 'cs16')).toContainText('Counter-Strike 1.6');
  await expect(card(page, 'cs16')).toContainText('v20240315');
  await expect(card(page, 'cs16').getByRole('button', { name: 'Install' })).toBeEnabled();
  await expect(card(page, 'quake3')).toHaveAttribute('data-state', 'installed');
  await expect(card(page, 'quake3').getByRole('button', { name: 'Uninstall' })).toBeEnabled();
  await expect(card(page, 'factorio')).toHaveAttribute('data-state', 'incomplete');
  await expect(page.getByTestId('peer-count')).toHaveText(/0 peers/);
  await shoot(page, 'library-1280x800');

  await page.setViewportSize({ width: 1920, height: 1080 });
  await shoot(page, 'library-1920x1080');
  await page.setViewportSize({ width: 800, height: 900 });
  // The whole page: at this width the panels are below the library.
  await shoot(page, 'library-800', true);

  // Search and sort work on the merged list.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.getByLabel('Search').fill('quake');
  await expect(page.locator('article')).toHaveCount(1);
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Sort by').selectOption('state');
  await expect(page.locator('article').first()).toHaveAttribute('data-state', 'installed');
});

test('install and then uninstall a local game', async ({ page }) => {
  addDownloadedGame(app.gameDir, 'cs16', '20240315');
  await app.start();
  await page.goto(app.url);
  const cs16 = card(page, 'cs16');
  await expect(cs16).toHaveAttribute('data-state', 'downloaded');

  await cs16.getByRole('button', { name: 'Install' }).click();
  await expect(cs16).toHaveAttribute('data-state', 'installed');
  expect(existsSync(join(app.gameDir, 'cs16', 'local', 'cs16.txt'))).toBe(true);
  await shoot(page, 'installed');

  await cs16.getByRole('button', { name: 'Uninstall' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Uninstall Counter-Strike 1.6?');
  await shoot(page, 'confirm-uninstall');
  // Backing out changes nothing.
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await expect(dialog).toBeHidden();
  await expect(cs16).toHaveAttribute('data-state', 'installed');

  await cs16.getByRole('button', { name: 'Uninstall' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Uninstall' }).click();
  await expect(cs16).toHaveAttribute('data-state', 'downloaded');
  expect(existsSync(join(app.gameDir, 'cs16', 'local'))).toBe(false);
});

test('an update a crash interrupted is rolled back at start and the card says so', async ({ page }) => {
  // What a crash in the middle of an update leaves: the old local/ set aside
  // as a marked .local.backup/, no local/, and the intent in the state folder.
  addDownloadedGame(app.gameDir, 'cs16', '2');
  const root = join(app.gameDir, 'cs16');
  mkdirSync(join(root, '.local.backup'));
  writeFileSync(join(root, '.local.backup', 'cs16.txt'), 'version 1\n');
  writeFileSync(join(root, '.local.backup', '.lanspread_owned'), '');
  mkdirSync(join(root, '.local.installing'));
  writeFileSync(join(root, '.local.installing', '.lanspread_owned'), '');
  const state = join(app.dir, 'state', 'games', 'cs16');
  mkdirSync(state, { recursive: true });
  writeFileSync(
    join(state, 'install_intent.json'),
    JSON.stringify({ format: 1, operation: 'update', game_id: 'cs16', game_root: root }),
  );

  await app.start();
  await page.goto(app.url);
  const cs16 = card(page, 'cs16');
  await expect(cs16).toHaveAttribute('data-state', 'installed');
  await expect(cs16.getByTestId('recovery')).toContainText(
    'An interrupted update was rolled back; the previous version is installed.',
  );
  expect(existsSync(join(root, 'local', 'cs16.txt'))).toBe(true);
  expect(existsSync(join(root, '.local.installing'))).toBe(false);
  await shoot(page, 'update-rolled-back');
  await cs16.getByRole('button', { name: 'Dismiss' }).click();
  await expect(cs16.getByTestId('recovery')).toBeHidden();
});

test('a failed install says why', async ({ page }) => {
  mkdirSync(join(app.gameDir, 'cs16'));
  writeFileSync(join(app.gameDir, 'cs16', 'cs16.zip'), 'this is not a zip archive');
  writeFileSync(join(app.gameDir, 'cs16', 'version.ini'), '1\n');
  await app.start();
  await page.goto(app.url);
  const cs16 = card(page, 'cs16');
  await cs16.getByRole('button', { name: 'Install' }).click();
  await expect(cs16.getByTestId('failure')).toContainText('Install failed');
  await expect(cs16).toHaveAttribute('data-state', 'downloaded');
  await shoot(page, 'install-failed');
  await cs16.getByRole('button', { name: 'Dismiss' }).click();
  await expect(cs16.getByTestId('failure')).toBeHidden();
});

test('an unusable game folder is refused inline', async ({ page }) => {
  addDownloadedGame(app.gameDir, 'cs16', '20240315');
  await app.start();
  await page.goto(app.url);
  await expect(card(page, 'cs16')).toBeVisible();
  await page.getByLabel('Games are downloaded to and shared from').fill('/no/such/folder');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('folder-error')).toContainText(/exist/i);
  await page.getByLabel('Games are downloaded to and shared from').fill('relative/folder');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('folder-error')).toContainText('full path');
  await shoot(page, 'folder-error');
  // The library is untouched.
  await expect(card(page, 'cs16')).toHaveAttribute('data-state', 'downloaded');
});

test('a failure that names no game and came before the page loaded is shown', async ({ page }) => {
  // A folder where settings.json's replacement is written: the app cannot
  // remember another game folder, a failure of no game in particular.
  mkdirSync(join(app.dir, 'state', 'settings.json.tmp'), { recursive: true });
  mkdirSync(join(app.dir, 'other'));
  await app.start();
  expect((await app.post('/api/game-dir', { path: join(app.dir, 'other') })).status).toBe(202);
  await expect.poll(async () => (await app.state()).notices).toHaveLength(1);

  await page.goto(app.url);
  await expect(page.getByRole('status').filter({ hasText: 'set-game-dir: cannot remember the game folder' })).toBeVisible();
  await shoot(page, 'notice-from-before');
});

test('refresh asks the app again for the games and the peers', async ({ page }) => {
  addDownloadedGame(app.gameDir, 'cs16', '20240315');
  await app.start();
  await page.goto(app.url);
  await expect(card(page, 'cs16')).toHaveAttribute('data-state', 'downloaded');
  const events = new EventLog(app.url);
  try {
    await events.waitFor((e) => e.event === 'snapshot');
    const from = events.events.length;
    await page.getByRole('button', { name: 'Refresh' }).click();
    // The runtime answers with the library and the peer count.
    await events.waitFor((e) => e.event === 'games-list-updated', from);
    expect((await events.waitFor((e) => e.event === 'peer-count', from)).count).toBe(0);
    await expect(page.getByRole('button', { name: 'Refresh' })).toBeEnabled();
    await expect(page.getByRole('status')).toHaveCount(0);
  } finally {
    events.close();
  }
});

test('a malformed peer address is refused inline', async ({ page }) => {
  await app.start();
  await page.goto(app.url);
  await page.getByLabel('Add a peer by address').fill('not an address');
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByTestId('peer-error')).toContainText('HOST:PORT');
  await shoot(page, 'empty-library');
});

test('bandwidth limits are set from the UI and shown', async ({ page }) => {
  await app.start();
  await page.goto(app.url);
  await expect(page.getByTestId('upload-limit')).toHaveText('no limit');
  await page.getByLabel('Upload limit in Mbit/s (0: none)').fill('50');
  await page.getByLabel('Download limit in Mbit/s (0: none)').fill('200');
  await page.locator('form:has(#upload-limit)').getByRole('button', { name: 'Set' }).click();
  // Shown once the runtime reports the limits in force.
  await expect(page.getByTestId('upload-limit')).toHaveText('50 Mbit/s');
  await expect(page.getByTestId('download-limit')).toHaveText('200 Mbit/s');
  await shoot(page, 'bandwidth-limits');
});

test('the app refuses pages and requests without its token', async ({ page }) => {
  addDownloadedGame(app.gameDir, 'cs16', '20240315');
  await app.start();
  const bare = await page.goto(`${app.origin}/`);
  expect(bare?.status()).toBe(403);
  await expect(page.locator('body')).toContainText('refused');
  const wrong = await page.goto(`${app.origin}/?token=0123456789`);
  expect(wrong?.status()).toBe(403);

  const api = await page.request.get(`${app.origin}/api/state`);
  expect(api.status()).toBe(403);

  // Another page (here a data: URL, Origin "null") cannot drive the app even
  // if it guessed the token: the browser's preflight is refused.
  const token = new URL(app.url).searchParams.get('token')!;
  await page.goto('data:text/html,<title>elsewhere</title>');
  const outcome = await page.evaluate(
    async ({ origin, token }) => {
      try {
        const response = await fetch(`${origin}/api/games/cs16/install`, {
          method: 'POST',
          headers: { 'X-Lanspread-Token': token },
        });
        return `status ${response.status}`;
      } catch {
        return 'blocked';
      }
    },
    { origin: app.origin, token },
  );
  expect(outcome).toBe('blocked');
  expect(existsSync(join(app.gameDir, 'cs16', 'local'))).toBe(false);

  // The real page with the token works.
  await page.goto(app.url);
  await expect(card(page, 'cs16')).toHaveAttribute('data-state', 'downloaded');
});

test('quitting from the UI stops the app', async ({ page }) => {
  await app.start();
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Quit' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Quit' }).click();
  await expect(page.getByText('Lanspread has stopped')).toBeVisible();
});
