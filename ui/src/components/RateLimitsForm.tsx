import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { post } from '../api';
import type { RateLimits } from '../types';

const describe = (mbit: number) => (mbit > 0 ? `${mbit} Mbit/s` : 'no limit');

// Upload and download limits, so a seeder can keep playing while it shares.
export function RateLimitsForm({ limits }: { limits: RateLimits }) {
  const [upload, setUpload] = useState(String(limits.upload_limit_mbit));
  const [download, setDownload] = useState(String(limits.download_limit_mbit));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The fields follow the limits in force (set here, elsewhere or at start).
  useEffect(() => {
    setUpload(String(limits.upload_limit_mbit));
    setDownload(String(limits.download_limit_mbit));
  }, [limits.upload_limit_mbit, limits.download_limit_mbit]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const up = Number(upload === '' ? 0 : upload);
    const down = Number(download === '' ? 0 : download);
    if (!Number.isFinite(up) || !Number.isFinite(down) || up < 0 || down < 0) {
      setError('A limit is a number of Mbit/s, 0 for none.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await post('/api/rate-limits', { upload_limit_mbit: up, download_limit_mbit: down });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor="upload-limit">
        Bandwidth: upload <strong data-testid="upload-limit">{describe(limits.upload_limit_mbit)}</strong>,
        download <strong data-testid="download-limit">{describe(limits.download_limit_mbit)}</strong>
      </label>
      <div className="input-row">
        <input
          id="upload-limit"
          type="number"
          min="0"
          step="any"
          aria-label="Upload limit in Mbit/s (0: none)"
          title="upload, Mbit/s"
          value={upload}
          onChange={(e) => setUpload(e.target.value)}
          aria-invalid={error !== null}
        />
        <input
          id="download-limit"
          type="number"
          min="0"
          step="any"
          aria-label="Download limit in Mbit/s (0: none)"
          title="download, Mbit/s"
          value={download}
          onChange={(e) => setDownload(e.target.value)}
          aria-invalid={error !== null}
        />
        <button className="btn" disabled={busy}>
          Set
        </button>
      </div>
      <p className="muted">Mbit/s; 0 means no limit.</p>
      {error && (
        <p className="field-error" role="alert" data-testid="rate-limits-error">
          {error}
        </p>
      )}
    </form>
  );
}
