import { useCallback, useMemo, useState } from 'react';
import { gameAction, post } from './api';
import { ConfirmDialog, type Confirmation } from './components/ConfirmDialog';
import { FolderPanel } from './components/FolderPanel';
import { GameCard } from './components/GameCard';
import { PeersPanel } from './components/PeersPanel';
import { matches, sortOrders, sortViews, viewOf, type ActionName, type GameView, type SortOrder } from './gameState';
import { useAppEvents } from './useAppEvents';

const filters = {
  all: 'All',
  mine: 'On this machine',
  network: 'On the network',
  busy: 'Active',
} as const;
type Filter = keyof typeof filters;

function passesFilter(view: GameView, filter: Filter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'mine':
      return view.game.local !== null;
    case 'network':
      return view.game.peer_count > 0;
    case 'busy':
      return view.busy || view.failure !== null;
  }
}

export function App() {
  const [state, dispatch] = useAppEvents();
  const [query, setQuery] = useState('');
  const [order, setOrder] = useState<SortOrder>('name');
  const [filter, setFilter] = useState<Filter>('all');
  const [confirmation, setConfirmation] = useState<Confirmation | null>(null);
  const app = state.app;

  const [refreshing, setRefreshing] = useState(false);
  const closeDialog = useCallback(() => setConfirmation(null), []);
  const notify = useCallback((text: string) => dispatch({ type: 'notice', text }), [dispatch]);

  // The answers (games-list-updated, peer-count) arrive on the event stream.
  const refresh = useCallback(() => {
    setRefreshing(true);
    post('/api/games/refresh')
      .catch((e: Error) => notify(e.message))
      .finally(() => setRefreshing(false));
  }, [notify]);

  const run = useCallback(
    (view: GameView, action: ActionName) => {
      gameAction(view.game.id, action).catch((e: Error) => notify(`${view.game.name}: ${e.message}`));
    },
    [notify],
  );

  const onAction = useCallback(
    (view: GameView, action: ActionName) => {
      const name = view.game.name;
      if (action === 'uninstall') {
        setConfirmation({
          title: `Uninstall ${name}?`,
          message: 'The installed files are deleted. The downloaded archives stay, so you can install it again without downloading.',
          confirmLabel: 'Uninstall',
          onConfirm: () => run(view, action),
        });
      } else if (action === 'remove') {
        setConfirmation({
          title: `Remove ${name}'s files?`,
          message: 'The downloaded files are deleted from the game folder. You would have to download the game again.',
          confirmLabel: 'Remove files',
          onConfirm: () => run(view, action),
        });
      } else {
        run(view, action);
      }
    },
    [run],
  );

  const views = useMemo(() => (app ? app.games.map((game) => viewOf(game, app)) : []), [app]);
  const shown = useMemo(
    () => sortViews(views.filter((v) => passesFilter(v, filter) && matches(v, query)), order),
    [views, filter, query, order],
  );

  if (state.stopped) {
    return (
      <div className="center-screen">
        <div className="logo big">LANSPREAD</div>
        <p>Lanspread has stopped. You can close this tab.</p>
      </div>
    );
  }
  if (!app) {
    return (
      <div className="center-screen">
        <div className="logo big">LANSPREAD</div>
        <p className="muted">Connecting to the app…</p>
      </div>
    );
  }

  const installedCount = views.filter((v) => v.game.local?.installed).length;

  return (
    <div className="shell">
      <header className="topbar">
        <div className="logo">LANSPREAD</div>
        <div className="search">
          <input
            type="search"
            placeholder="Search games, genres…"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-label="Search"
          />
        </div>
        <label className="sort">
          <span>Sort</span>
          <select value={order} onChange={(e) => setOrder(e.target.value as SortOrder)} aria-label="Sort by">
            {Object.entries(sortOrders).map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <div className="status-pills">
          <span className={`pill ${app.peer_count > 0 ? 'pill-live' : ''}`} data-testid="peer-count">
            <span className="peer-dot" aria-hidden="true" />
            {app.peer_count} {app.peer_count === 1 ? 'peer' : 'peers'}
          </span>
          {!state.connected && <span className="pill pill-warn">Reconnecting…</span>}
        </div>
        <button
          className="btn btn-quiet"
          onClick={() =>
            setConfirmation({
              title: 'Quit Lanspread?',
              message: 'Other peers can no longer get games from this machine until you start it again.',
              confirmLabel: 'Quit',
              onConfirm: () => {
                post('/api/quit')
                  .then(() => dispatch({ type: 'stopped' }))
                  .catch((e: Error) => notify(e.message));
              },
            })
          }
        >
          Quit
        </button>
      </header>

      <div className={`layout${app.game_dir_problem ? ' layout-attention' : ''}`}>
        <main className="library">
          <div className="library-head">
            <h1>Library</h1>
            <span className="muted">
              {views.length} {views.length === 1 ? 'game' : 'games'} · {installedCount} installed
            </span>
            <nav className="filters" aria-label="Filter">
              {Object.entries(filters).map(([key, label]) => (
                <button
                  key={key}
                  className={`chip ${filter === key ? 'chip-on' : ''}`}
                  aria-pressed={filter === key}
                  onClick={() => setFilter(key as Filter)}
                >
                  {label}
                </button>
              ))}
            </nav>
            <button
              className="chip"
              onClick={refresh}
              disabled={refreshing || !app.runtime.running}
              title="Ask the peer again for the games on the network and the number of peers"
            >
              Refresh
            </button>
          </div>
          {shown.length === 0 ? (
            <div className="empty">
              {views.length === 0 ? (
                <>
                  <h2>No games yet</h2>
                  <p className="muted">
                    Games other peers share appear here. Put a game's folder into {app.game_dir || 'the game folder'} to
                    share it.
                  </p>
                </>
              ) : (
                <p className="muted">No game matches.</p>
              )}
            </div>
          ) : (
            <div className="grid">
              {shown.map((view) => (
                <GameCard
                  key={view.game.id}
                  view={view}
                  progress={app.downloads[view.game.id]}
                  installProgress={app.installs[view.game.id]}
                  onAction={onAction}
                  onDismissFailure={(v) =>
                    gameAction(v.game.id, 'dismiss').catch((e: Error) => notify(e.message))
                  }
                />
              ))}
            </div>
          )}
        </main>
        <aside className="sidebar">
          <FolderPanel gameDir={app.game_dir} problem={app.game_dir_problem} />
          <PeersPanel peers={app.peers} count={app.peer_count} passphrase={app.passphrase ?? 'not set'}
            rateLimits={app.rate_limits ?? { upload_limit_mbit: 0, download_limit_mbit: 0 }}
          />
        </aside>
      </div>

      <div className="notices" aria-live="polite">
        {state.notices.map((notice) => (
          <div key={notice.id} className={`notice notice-${notice.tone}`} role="status">
            <span>{notice.text}</span>
            <button className="link" aria-label="Dismiss" onClick={() => dispatch({ type: 'dismiss-notice', id: notice.id })}>
              ×
            </button>
          </div>
        ))}
      </div>

      {confirmation && <ConfirmDialog confirmation={confirmation} onClose={closeDialog} />}
    </div>
  );
}
