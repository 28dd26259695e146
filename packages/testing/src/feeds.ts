// Live feeds for subscription tests: a graphql-ws subscription or a server-sent-events stream read into
// a list of events (one field of each result), every error, and how the feed ended; and bounded waiting.
import type { Client } from 'graphql-ws';

/** A live feed: every event seen, every error, and how it ended. */
export interface Feed<E> {
  events: E[];
  /** The GraphQL errors of results, and the error that ended the feed. */
  errors: any[];
  /** null while it runs; 'complete' when the server ended it (or it was stopped), 'error' when it failed. */
  ended: 'complete' | 'error' | null;
  /** Resolves once the feed has ended. */
  done: Promise<void>;
  stop(): void;
}

/** What to subscribe to, and the field of each result that holds the event. */
export interface FeedRequest {
  query: string;
  variables?: Record<string, unknown>;
  field: string;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` every `intervalMs` until it holds; throws after `timeoutMs`, naming `what` it waited for.
 * A condition that asks the API should poll slowly: every request spends the tenant's cost budget.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000, what = 'condition', intervalMs = 15): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** A subscription over graphql-ws; `onEvent` sees each event as it arrives. */
export function wsFeed<E>(client: Client, request: FeedRequest, onEvent?: (event: E) => void): Feed<E> {
  let finish!: () => void;
  const feed: Feed<E> = { events: [], errors: [], ended: null, done: new Promise<void>((resolve) => (finish = resolve)), stop: () => undefined };
  feed.stop = client.subscribe<Record<string, E>>(
    { query: request.query, variables: request.variables },
    {
      next: (result) => {
        if (result.errors) feed.errors.push(...result.errors);
        const event = result.data?.[request.field];
        if (event) {
          feed.events.push(event);
          onEvent?.(event);
        }
      },
      error: (error) => {
        feed.errors.push(error);
        feed.ended = 'error';
        finish();
      },
      complete: () => {
        feed.ended ??= 'complete';
        finish();
      },
    },
  );
  return feed;
}

export interface SseFeed<E> extends Feed<E> {
  /** The response's status and content type (status -1 when there was no response). */
  status: Promise<{ status: number; contentType: string | null }>;
}

/** A subscription over server-sent events: POST `url` with accept text/event-stream, over real HTTP. */
export function sseFeed<E>(url: string, token: string | null, request: FeedRequest): SseFeed<E> {
  const abort = new AbortController();
  let finish!: () => void;
  let answered!: (s: { status: number; contentType: string | null }) => void;
  const feed: SseFeed<E> = {
    events: [],
    errors: [],
    ended: null,
    done: new Promise<void>((resolve) => (finish = resolve)),
    status: new Promise((resolve) => (answered = resolve)),
    stop: () => abort.abort(),
  };
  void (async () => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'accept-language': 'en',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query: request.query, variables: request.variables }),
        signal: abort.signal,
      });
      answered({ status: res.status, contentType: res.headers.get('content-type') });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          const event =
            lines
              .find((l) => l.startsWith('event:'))
              ?.slice(6)
              .trim() ?? 'message';
          const data = lines
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (event === 'complete') feed.ended = 'complete';
          if (!data) continue;
          const payload = JSON.parse(data) as { data?: Record<string, E>; errors?: unknown[] };
          if (payload.errors) feed.errors.push(...payload.errors);
          const item = payload.data?.[request.field];
          if (item) feed.events.push(item);
        }
      }
      feed.ended ??= 'complete';
    } catch (error) {
      answered({ status: -1, contentType: null });
      if (!abort.signal.aborted) {
        feed.errors.push(error);
        feed.ended = 'error';
      }
    } finally {
      finish();
    }
  })();
  return feed;
}
