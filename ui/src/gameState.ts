import type { AppSnapshot, Game, OperationKind, Recovery } from './types';

export type StateKind =
  | OperationKind
  | 'update-available'
  | 'installed'
  | 'downloaded'
  | 'available'
  | 'incomplete'
  | 'unavailable';

export type ActionName = 'download' | 'cancel' | 'install' | 'update' | 'uninstall' | 'remove';

export interface GameView {
  game: Game;
  state: StateKind;
  label: string;
  busy: boolean; // an active-operation snapshot names this game
  updateAvailable: boolean;
  actions: ActionName[];
  failure: { operation: string; reason: string } | null;
  recovery: Recovery | null; // shown until dismissed or the next operation begins
}

const busyLabels: Record<OperationKind, string> = {
  downloading: 'Downloading',
  installing: 'Installing',
  updating: 'Updating',
  uninstalling: 'Uninstalling',
  removing: 'Removing',
};

function peersText(count: number): string {
  return count === 1 ? 'On 1 peer' : `On ${count} peers`;
}

export function viewOf(game: Game, app: AppSnapshot): GameView {
  const local = game.local;
  const operation = app.operations[game.id];
  const updateAvailable = !!local?.downloaded && game.peer_count > 0 && game.version !== local.version;

  // What fits the game's settled state; while an operation runs the same
  // buttons show, disabled (Cancel stays usable during a download).
  let state: StateKind;
  let label: string;
  let actions: ActionName[];
  if (local?.installed) {
    state = updateAvailable ? 'update-available' : 'installed';
    label = updateAvailable ? 'Update available' : 'Installed';
    actions = updateAvailable ? ['update', 'uninstall'] : ['uninstall'];
  } else if (local?.downloaded) {
    state = updateAvailable ? 'update-available' : 'downloaded';
    label = updateAvailable ? 'Update available' : 'Downloaded';
    actions = updateAvailable ? ['update', 'install', 'remove'] : ['install', 'remove'];
  } else if (game.peer_count > 0) {
    state = 'available';
    label = peersText(game.peer_count);
    actions = local ? ['download', 'remove'] : ['download'];
  } else if (local) {
    state = 'incomplete';
    label = 'Incomplete';
    actions = ['remove'];
  } else {
    state = 'unavailable';
    label = 'Not on the network';
    actions = [];
  }
  if (operation) {
    state = operation;
    label = busyLabels[operation];
    if (operation === 'downloading') actions = ['cancel'];
  }
  return {
    game,
    state,
    label,
    busy: !!operation,
    updateAvailable,
    actions,
    failure: app.failures[game.id] ?? null,
    recovery: app.recoveries[game.id] ?? null,
  };
}

// What the user needs to know about a transaction a crash interrupted.
export function recoveryText(recovery: Recovery): string {
  const what = recovery.operation ?? 'operation';
  switch (recovery.outcome) {
    case 'failed':
      return `An interrupted ${what} could not be settled: ${recovery.description}. Lanspread tries again at the next start.`;
    case 'cleaned-up':
      return 'Leftovers of an interrupted operation were cleaned up.';
    case 'rolled-back':
      if (what === 'update') return 'An interrupted update was rolled back; the previous version is installed.';
      if (what === 'install') return 'An interrupted install was undone; the game is not installed.';
      if (what === 'uninstall') return 'An interrupted uninstall was undone; the game is still installed.';
      return 'An interrupted operation was undone.';
    case 'completed':
      if (what === 'update') return 'An interrupted update was finished; the new version is installed.';
      if (what === 'install') return 'An interrupted install was finished; the game is installed.';
      if (what === 'uninstall') return 'An interrupted uninstall was finished; the game is not installed.';
      return 'An interrupted operation was finished.';
  }
}

export const sortOrders = {
  name: 'Name',
  state: 'State',
  genre: 'Genre',
  size: 'Size',
  peers: 'Peers',
} as const;
export type SortOrder = keyof typeof sortOrders;

const stateRank: Record<StateKind, number> = {
  downloading: 0,
  installing: 0,
  updating: 0,
  uninstalling: 0,
  removing: 0,
  'update-available': 1,
  installed: 2,
  downloaded: 3,
  incomplete: 4,
  available: 5,
  unavailable: 6,
};

export function sortViews(views: GameView[], order: SortOrder): GameView[] {
  const byName = (a: GameView, b: GameView) => a.game.name.localeCompare(b.game.name);
  const compare: Record<SortOrder, (a: GameView, b: GameView) => number> = {
    name: byName,
    state: (a, b) => stateRank[a.state] - stateRank[b.state] || byName(a, b),
    genre: (a, b) => a.game.genre.localeCompare(b.game.genre) || byName(a, b),
    size: (a, b) => b.game.size - a.game.size || byName(a, b),
    peers: (a, b) => b.game.peer_count - a.game.peer_count || byName(a, b),
  };
  return [...views].sort(compare[order]);
}

export function matches(view: GameView, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const g = view.game;
  return [g.name, g.genre, g.id, view.label].some((text) => text.toLowerCase().includes(q));
}
