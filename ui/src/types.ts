// The shapes the app's HTTP API and event stream use (docs/app.md).

export interface LocalGame {
  id: string;
  downloaded: boolean;
  installed: boolean;
  version: string;
  size: number;
  file_count: number;
}

export interface Game {
  id: string;
  name: string;
  description: string;
  genre: string;
  max_players: number;
  release_year: number;
  size: number;
  version: string; // the latest seen on the network or here
  peer_count: number; // peers offering that version
  local: LocalGame | null;
}

export type OperationKind = 'downloading' | 'installing' | 'updating' | 'uninstalling' | 'removing';

export interface DownloadProgress {
  bytes_done: number;
  bytes_total: number;
  bytes_per_second: number;
  peers_streaming: number;
}

export interface InstallProgress {
  bytes_done: number;
  bytes_total: number;
}

// What startup recovery did with a transaction a crash interrupted.
export interface Recovery {
  operation: 'install' | 'update' | 'uninstall' | null; // null: leftovers without an intent
  outcome: 'completed' | 'rolled-back' | 'cleaned-up' | 'failed';
  description: string;
}

export interface Failure {
  operation: string;
  reason: string;
}

export interface Peer {
  peer_id: string;
  address: string;
  name?: string; // what the peer calls itself (its host name)
  previous_peer_id?: string | null; // its name went by another key before
}

export interface AppSnapshot {
  games: Game[];
  operations: Record<string, OperationKind>;
  downloads: Record<string, DownloadProgress>;
  installs: Record<string, InstallProgress>;
  failures: Record<string, Failure>;
  recoveries: Record<string, Recovery>;
  peers: Peer[];
  peer_count: number;
  game_dir: string;
  game_dir_problem: string | null;
  runtime: { running: boolean; quic_port: number; peer_id: string };
  notices: string[];
  passphrase?: 'set' | 'not set'; // the passphrase itself never reaches the UI
  rate_limits?: RateLimits;
}

// Mbit/s; 0 means no limit.
export interface RateLimits {
  upload_limit_mbit: number;
  download_limit_mbit: number;
}

// One message of the event stream: {"event": name, ...fields}.
export type AppEvent = { event: string; [field: string]: unknown };
