import { useEffect, useReducer } from 'react';
import { openEventStream } from './api';
import { initialState, reducer } from './state';
import type { AppEvent } from './types';

// A drop shorter than this is not worth a warning: EventSource reconnects by
// itself and the new stream starts with a fresh snapshot.
const reconnectGraceMs = 2000;

// The app's live state: a snapshot when the stream (re)connects, then every
// event folded in.
export function useAppEvents() {
  const [state, dispatch] = useReducer(reducer, initialState);
  useEffect(() => {
    const stream = openEventStream();
    let dropTimer: number | undefined;
    stream.onmessage = (message) => {
      window.clearTimeout(dropTimer);
      dropTimer = undefined;
      dispatch({ type: 'event', event: JSON.parse(message.data as string) as AppEvent });
    };
    stream.onerror = () => {
      if (dropTimer === undefined)
        dropTimer = window.setTimeout(() => dispatch({ type: 'connection', connected: false }), reconnectGraceMs);
    };
    return () => {
      window.clearTimeout(dropTimer);
      stream.close();
    };
  }, []);
  return [state, dispatch] as const;
}
