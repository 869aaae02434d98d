import { useEffect, useReducer } from 'react';
import { openEventStream } from './api';
import { initialState, reducer } from './state';
import type { AppEvent } from './types';

// The app's live state: a snapshot when the stream (re)connects, then every
// event folded in. EventSource reconnects by itself after a drop.
export function useAppEvents() {
  const [state, dispatch] = useReducer(reducer, initialState);
  useEffect(() => {
    const stream = openEventStream();
    stream.onmessage = (message) => {
      dispatch({ type: 'event', event: JSON.parse(message.data as string) as AppEvent });
    };
    stream.onerror = () => dispatch({ type: 'connection', connected: false });
    return () => stream.close();
  }, []);
  return [state, dispatch] as const;
}
