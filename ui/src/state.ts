import type {
  AppEvent,
  AppSnapshot,
  DownloadProgress,
  Failure,
  Game,
  InstallProgress,
  OperationKind,
  Peer,
  Recovery,
} from './types';

export interface Notice {
  id: number;
  text: string;
  tone: 'error' | 'info';
}

export interface UiState {
  app: AppSnapshot | null;
  connected: boolean;
  stopped: boolean;
  notices: Notice[];
  // The app's notices this page has already shown (or the user dismissed),
  // so the snapshot of a reconnected stream does not bring them back.
  appNoticesSeen: string[];
}

export const initialState: UiState = { app: null, connected: false, stopped: false, notices: [], appNoticesSeen: [] };

export type Action =
  | { type: 'event'; event: AppEvent }
  | { type: 'connection'; connected: boolean }
  | { type: 'notice'; text: string; tone?: Notice['tone'] }
  | { type: 'dismiss-notice'; id: number }
  | { type: 'stopped' };

let nextNoticeId = 1;

// More than the app keeps (20), so none it still lists is forgotten here.
const appNoticesRemembered = 50;

function withNotice(state: UiState, text: string, tone: Notice['tone'] = 'error'): UiState {
  const notices = [...state.notices, { id: nextNoticeId++, text, tone }].slice(-4);
  return { ...state, notices };
}

// A failure that names no game, as the app reported it live.
function withAppNotice(state: UiState, text: string): UiState {
  const seen = [...state.appNoticesSeen.filter((t) => t !== text), text].slice(-appNoticesRemembered);
  return withNotice({ ...state, appNoticesSeen: seen }, text);
}

// The snapshot lists the app's recent notices, so one that happened before
// this page connected (or while it was disconnected) is shown too.
function withSnapshotNotices(state: UiState, notices: string[]): UiState {
  return notices.reduce((next, text) => (next.appNoticesSeen.includes(text) ? next : withAppNotice(next, text)), state);
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

// Applies one event of the stream. Operation state comes from
// "operations-changed" only; no other event marks a game busy or idle.
function applyEvent(app: AppSnapshot, event: AppEvent): AppSnapshot {
  const id = typeof event.game_id === 'string' ? event.game_id : '';
  switch (event.event) {
    case 'games-list-updated':
      return { ...app, games: event.games as Game[] };
    case 'operations-changed':
      return { ...app, operations: event.operations as Record<string, OperationKind> };
    case 'game-download-progress':
      return { ...app, downloads: { ...app.downloads, [id]: event as unknown as DownloadProgress } };
    case 'game-download-finished':
    case 'game-download-failed':
    case 'game-download-cancelled':
      return { ...app, downloads: without(app.downloads, id) };
    case 'game-install-progress':
      return { ...app, installs: { ...app.installs, [id]: event as unknown as InstallProgress } };
    case 'game-install-begin':
    case 'game-install-finished':
    case 'game-install-failed':
      return { ...app, installs: without(app.installs, id) };
    case 'game-recovered':
      return { ...app, recoveries: { ...app.recoveries, [id]: event as unknown as Recovery } };
    case 'recovery-dismissed':
      return { ...app, recoveries: without(app.recoveries, id) };
    case 'failure':
      return { ...app, failures: { ...app.failures, [id]: event as unknown as Failure } };
    case 'failure-dismissed':
      return { ...app, failures: without(app.failures, id) };
    case 'peer-discovered': {
      const peer = {
        peer_id: event.peer_id as string,
        address: event.address as string,
        name: (event.name as string | undefined) ?? '',
        previous_peer_id: (event.previous_peer_id as string | null | undefined) ?? null,
      };
      const peers = [...app.peers.filter((p) => p.peer_id !== peer.peer_id), peer];
      return { ...app, peers, peer_count: peers.length };
    }
    case 'peer-lost': {
      const peers = app.peers.filter((p: Peer) => p.peer_id !== event.peer_id);
      return { ...app, peers, peer_count: peers.length };
    }
    case 'peer-count':
      return { ...app, peer_count: event.count as number };
    case 'peer-identity-changed': {
      const peers = app.peers.map((p: Peer) =>
        p.name === event.name && p.peer_id !== event.old_peer_id
          ? { ...p, previous_peer_id: event.old_peer_id as string }
          : p,
      );
      return { ...app, peers };
    }
    case 'passphrase-changed':
      return { ...app, passphrase: event.set ? 'set' : 'not set' };
    case 'rate-limits-changed':
      return {
        ...app,
        rate_limits: {
          upload_limit_mbit: event.upload_limit_mbit as number,
          download_limit_mbit: event.download_limit_mbit as number,
        },
      };
    case 'game-dir-changed':
      return {
        ...app,
        game_dir: event.path as string,
        game_dir_problem: null,
        runtime: { ...app.runtime, running: true },
      };
    case 'peer-listening':
      return { ...app, runtime: { ...app.runtime, quic_port: event.port as number, peer_id: event.peer_id as string } };
    default:
      return app;
  }
}

export function reducer(state: UiState, action: Action): UiState {
  switch (action.type) {
    case 'connection':
      return { ...state, connected: action.connected };
    case 'notice':
      return withNotice(state, action.text, action.tone);
    case 'dismiss-notice':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
    case 'stopped':
      return { ...state, stopped: true, connected: false };
    case 'event': {
      const event = action.event;
      if (event.event === 'snapshot') {
        const app = event.state as AppSnapshot;
        const next = withSnapshotNotices(state, app.notices);
        return { ...next, app, connected: true };
      }
      if (event.event === 'app-quitting') return { ...state, stopped: true };
      // Worded as the app words them in the snapshot's "notices".
      let next = state;
      if (event.event === 'command-failed' && !event.game_id)
        next = withAppNotice(next, `${String(event.command)}: ${String(event.reason)}`);
      if (event.event === 'runtime-failure') next = withAppNotice(next, String(event.reason));
      if (event.event === 'peer-authentication-failed')
        next = withAppNotice(next, `peer ${String(event.peer_id).slice(0, 12)}: ${String(event.reason)}`);
      return next.app ? { ...next, app: applyEvent(next.app, event) } : next;
    }
  }
}
