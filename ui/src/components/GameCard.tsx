import type { ReactNode } from 'react';
import { recoveryText, type ActionName, type GameView } from '../gameState';
import { formatBytes, formatSpeed } from '../format';
import type { DownloadProgress, InstallProgress as InstallProgressData } from '../types';
import { Cover } from './Cover';

const actionLabels: Record<ActionName, string> = {
  download: 'Download',
  cancel: 'Cancel',
  install: 'Install',
  update: 'Update',
  uninstall: 'Uninstall',
  remove: 'Remove files',
};

const primary: ActionName[] = ['download', 'install', 'update'];

interface Props {
  view: GameView;
  progress?: DownloadProgress;
  installProgress?: InstallProgressData;
  onAction: (view: GameView, action: ActionName) => void;
  // Dismisses the card's failure and recovery notices.
  onDismissFailure: (view: GameView) => void;
}

// "get-game" -> "Get game failed:"
function failureTitle(operation: string): string {
  const words = operation.replace(/-/g, ' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} failed:`;
}

function percentOf(done: number, total: number): number {
  return total > 0 ? Math.round(Math.min(100, (done / total) * 100)) : 0;
}

// The bar both progress views share; `children` is the line under it.
function ProgressBar({ done, total, testId, children }: { done: number; total: number; testId: string; children: ReactNode }) {
  const percent = percentOf(done, total);
  return (
    <div className="progress" data-testid={testId}>
      <div className="progress-bar" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="progress-text">{children}</div>
    </div>
  );
}

function Progress({ progress }: { progress?: DownloadProgress }) {
  const total = progress?.bytes_total ?? 0;
  const done = progress?.bytes_done ?? 0;
  return (
    <ProgressBar done={done} total={total} testId="progress">
      {progress ? (
        <>
          <span>
            <strong>{percentOf(done, total)}%</strong> · {formatBytes(done)} of {formatBytes(total)}
          </span>
          <span>
            {formatSpeed(progress.bytes_per_second)} from {progress.peers_streaming}{' '}
            {progress.peers_streaming === 1 ? 'peer' : 'peers'}
          </span>
        </>
      ) : (
        <span>Asking peers for the files…</span>
      )}
    </ProgressBar>
  );
}

// Archive bytes read of the payload's size while an install or update unpacks.
function InstallProgress({ progress }: { progress?: InstallProgressData }) {
  const total = progress?.bytes_total ?? 0;
  const done = progress?.bytes_done ?? 0;
  return (
    <ProgressBar done={done} total={total} testId="install-progress">
      {progress ? (
        <span>
          <strong>{percentOf(done, total)}%</strong> · unpacked {formatBytes(done)} of {formatBytes(total)}
        </span>
      ) : (
        <span>Preparing…</span>
      )}
    </ProgressBar>
  );
}

export function GameCard({ view, progress, installProgress, onAction, onDismissFailure }: Props) {
  const { game, state, label, busy, actions, failure, recovery } = view;
  const version = game.local?.version || game.version;
  return (
    <article className={`card state-${state}`} data-testid={`game-${game.id}`} data-state={state}>
      <Cover name={game.name} genre={game.genre}>
        <span className={`badge badge-${state}`} data-testid="badge">
          {busy && <span className="spinner" aria-hidden="true" />}
          {label}
        </span>
        {failure && !busy && <span className="badge badge-failed">Failed</span>}
      </Cover>
      <div className="card-body">
        <h3 className="card-title" title={game.description}>
          {game.name}
        </h3>
        <div className="card-meta">
          {game.max_players > 0 && <span>{game.max_players} players</span>}
          {game.release_year > 0 && <span>{game.release_year}</span>}
        </div>
        <div className="card-facts">
          <span>{formatBytes(game.local?.downloaded ? game.local.size : game.size)}</span>
          {version && <span title="version">v{version}</span>}
          {game.peer_count > 0 && state !== 'available' && (
            <span>
              {game.peer_count} {game.peer_count === 1 ? 'peer' : 'peers'}
            </span>
          )}
        </div>
        {view.updateAvailable && !busy && (
          <div className="card-note">
            Version {game.version} is on {game.peer_count} {game.peer_count === 1 ? 'peer' : 'peers'}
          </div>
        )}
        {state === 'downloading' && <Progress progress={progress} />}
        {(state === 'installing' || state === 'updating') && <InstallProgress progress={installProgress} />}
        {recovery && (
          <div className={`recovery recovery-${recovery.outcome}`} role="status" data-testid="recovery" title={recovery.description}>
            <span>{recoveryText(recovery)}</span>
            <button className="link" aria-label="Dismiss" onClick={() => onDismissFailure(view)}>
              ×
            </button>
          </div>
        )}
        {failure && (
          <div className="failure" role="alert" data-testid="failure">
            <span>
              <strong>{failureTitle(failure.operation)}</strong> {failure.reason}
            </span>
            <button className="link" aria-label="Dismiss" onClick={() => onDismissFailure(view)}>
              ×
            </button>
          </div>
        )}
        <div className="card-actions">
          {actions.map((action) => (
            <button
              key={action}
              className={primary.includes(action) ? 'btn btn-primary' : action === 'cancel' ? 'btn' : 'btn btn-quiet'}
              disabled={busy && action !== 'cancel'}
              onClick={() => onAction(view, action)}
            >
              {actionLabels[action]}
            </button>
          ))}
        </div>
      </div>
    </article>
  );
}
