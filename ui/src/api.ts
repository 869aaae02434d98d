// Talks to the app that served this page. Every call carries the per-run
// token from the page's address; the app refuses anything without it.

const token = new URLSearchParams(window.location.search).get('token') ?? '';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function post(path: string, body?: unknown): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'X-Lanspread-Token': token, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError('Lanspread is not reachable: is the app still running?', 0);
  }
  if (response.ok) return;
  let message = `the app answered ${response.status}`;
  try {
    const answer = (await response.json()) as { error?: string };
    if (answer.error) message = answer.error;
  } catch {
    // keep the status text
  }
  throw new ApiError(message, response.status);
}

export function gameAction(id: string, action: string): Promise<void> {
  return post(`/api/games/${encodeURIComponent(id)}/${action}`);
}

export function openEventStream(): EventSource {
  return new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
}
