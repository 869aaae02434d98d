import type { FormEvent } from 'react';
import { useState } from 'react';
import { post } from '../api';
import type { Peer, RateLimits } from '../types';
import { RateLimitsForm } from './RateLimitsForm';

// Enough of a fingerprint to tell peers apart; the full one is on hover.
function shortId(id: string): string {
  return id.slice(0, 12);
}

function PassphraseForm({ passphrase }: { passphrase: 'set' | 'not set' }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(next: string | null) {
    setBusy(true);
    setError(null);
    try {
      await post('/api/passphrase', { passphrase: next });
      setValue('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void send(value);
  }

  return (
    <form className="inline-form" onSubmit={submit}>
      <label htmlFor="party-passphrase">
        Party passphrase:{' '}
        <strong data-testid="passphrase-state">{passphrase}</strong>
      </label>
      <p className="muted">Only peers with the same passphrase see and download each other's games.</p>
      <div className="input-row">
        <input
          id="party-passphrase"
          type="password"
          autoComplete="off"
          placeholder={passphrase === 'set' ? 'new passphrase' : 'passphrase'}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={error !== null}
        />
        <button className="btn" disabled={busy || value === ''}>
          Set
        </button>
        {passphrase === 'set' && (
          <button className="btn" type="button" disabled={busy} onClick={() => void send(null)}>
            Clear
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert" data-testid="passphrase-error">
          {error}
        </p>
      )}
    </form>
  );
}

export function PeersPanel({
  peers,
  count,
  passphrase,
  rateLimits,
}: {
  peers: Peer[];
  count: number;
  passphrase: 'set' | 'not set';
  rateLimits: RateLimits;
}) {
  const [address, setAddress] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function addPeer(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await post('/api/peers', { address: address.trim() });
      setAddress('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="peers-title">
      <h2 id="peers-title">
        Peers <span className="count-pill">{count}</span>
      </h2>
      {peers.length === 0 ? (
        <p className="muted">No other peer found yet. Peers on this network show up here by themselves.</p>
      ) : (
        <ul className="peer-list">
          {peers.map((peer) => (
            <li key={peer.peer_id}>
              <span className="peer-dot" aria-hidden="true" />
              <span className="peer-name">{peer.name || peer.address}</span>
              <span className="peer-address">{peer.name ? peer.address : ''}</span>
              <span className="peer-id" title={peer.peer_id}>
                {shortId(peer.peer_id)}
              </span>
              {peer.previous_peer_id && (
                <span
                  className="field-error"
                  role="alert"
                  data-testid="peer-key-changed"
                  title={`was ${peer.previous_peer_id}, now ${peer.peer_id}`}
                >
                  key changed (was {shortId(peer.previous_peer_id)})
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" onSubmit={addPeer}>
        <label htmlFor="peer-address">Add a peer by address</label>
        <div className="input-row">
          <input
            id="peer-address"
            placeholder="192.168.1.20:40000"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-invalid={error !== null}
          />
          <button className="btn" disabled={busy || address.trim() === ''}>
            Add
          </button>
        </div>
        {error && (
          <p className="field-error" role="alert" data-testid="peer-error">
            {error}
          </p>
        )}
      </form>
      <PassphraseForm passphrase={passphrase} />
      <RateLimitsForm limits={rateLimits} />
    </section>
  );
}
