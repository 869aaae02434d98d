import type { FormEvent } from 'react';
import { useState } from 'react';
import { post } from '../api';
import type { Peer } from '../types';

export function PeersPanel({ peers, count }: { peers: Peer[]; count: number }) {
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
              <span className="peer-address">{peer.address}</span>
              <span className="peer-id" title={peer.peer_id}>
                {peer.peer_id.slice(0, 8)}
              </span>
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
    </section>
  );
}
