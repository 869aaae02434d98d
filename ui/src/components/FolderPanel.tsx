import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { post } from '../api';

interface Props {
  gameDir: string;
  problem: string | null;
}

export function FolderPanel({ gameDir, problem }: Props) {
  const [path, setPath] = useState(gameDir);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => setPath(gameDir), [gameDir]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await post('/api/game-dir', { path: path.trim() });
      setSaved(true);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className={`panel${problem ? ' panel-attention' : ''}`} aria-labelledby="folder-title">
      <h2 id="folder-title">Game folder</h2>
      {problem && (
        <p className="field-error" role="alert">
          Lanspread cannot use {gameDir || 'the game folder'}: {problem}. Choose a folder to start sharing.
        </p>
      )}
      <form className="inline-form" onSubmit={save}>
        <label htmlFor="game-dir">Games are downloaded to and shared from</label>
        <div className="input-row">
          <input
            id="game-dir"
            value={path}
            spellCheck={false}
            onChange={(e) => {
              setPath(e.target.value);
              setSaved(false);
            }}
            aria-invalid={error !== null}
          />
          <button className="btn" disabled={busy || path.trim() === '' || path.trim() === gameDir}>
            Save
          </button>
        </div>
        {error && (
          <p className="field-error" role="alert" data-testid="folder-error">
            {error}
          </p>
        )}
        {saved && !error && <p className="field-ok">Saved. The library now shows this folder.</p>}
      </form>
    </section>
  );
}
