// Subscriber client process for the fan-out scenario: holds many graphql-ws (graphql-transport-ws)
// connections, each with one `taskChanged` subscription, and records when each event arrives
// (process.hrtime, i.e. CLOCK_MONOTONIC, comparable across processes on this machine). The protocol
// is spoken directly over `ws` so that the client adds as little as possible to what is measured:
// the receipt time is taken when the message arrives, before it is parsed.
// Controlled by run.ts over IPC: start → subscribed → (primed) → report → close.
import WebSocket from 'ws';

interface Start {
  type: 'start';
  url: string;
  tokens: string[];
  count: number;
  query: string;
  /** Event titles look like `<tag>:<n>` (n = 1, 2, …) or `<tag>:p<k>` (priming). */
  tag: string;
}

interface Conn {
  ws: WebSocket;
  arrivals: Map<number, number>;
  primed: boolean;
  duplicates: number;
  errors: string[];
  closed: boolean;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const conns: Conn[] = [];
let tag = '';
let primedCount = 0;

function send(msg: unknown) {
  process.send?.(msg);
}

function open(url: string, token: string, query: string): Promise<Conn> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
    const conn: Conn = { ws, arrivals: new Map(), primed: false, duplicates: 0, errors: [], closed: false };
    let settled = false;
    const done = () => {
      if (!settled) {
        settled = true;
        resolve(conn);
      }
    };
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { Authorization: `Bearer ${token}` } })));
    ws.on('message', (data) => {
      const at = nowUs();
      const text = data.toString();
      const msg = JSON.parse(text) as { type: string; id?: string; payload?: any };
      if (msg.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
        done();
        return;
      }
      if (msg.type === 'next') {
        if (msg.payload?.errors) {
          conn.errors.push(JSON.stringify(msg.payload.errors).slice(0, 200));
          return;
        }
        const title: string = msg.payload?.data?.taskChanged?.task?.title ?? '';
        if (!title.startsWith(`${tag}:`)) return; // someone else's change
        const rest = title.slice(tag.length + 1);
        if (rest.startsWith('p')) {
          if (!conn.primed) {
            conn.primed = true;
            primedCount++;
            if (primedCount === conns.length) send({ type: 'primed', count: primedCount });
          }
          return;
        }
        const n = Number(rest);
        if (conn.arrivals.has(n)) conn.duplicates++;
        else conn.arrivals.set(n, at);
        return;
      }
      if (msg.type === 'error' || msg.type === 'complete') conn.errors.push(`${msg.type}: ${JSON.stringify(msg.payload ?? null).slice(0, 200)}`);
      if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
    });
    ws.on('error', (error) => {
      conn.errors.push(`socket error: ${error.message}`);
      done();
    });
    ws.on('close', (code, reason) => {
      conn.closed = true;
      if (code !== 1000) conn.errors.push(`closed ${code} ${reason.toString()}`);
      done();
    });
  });
}

process.on('message', async (msg: any) => {
  if (msg.type === 'start') {
    const start = msg as Start;
    tag = start.tag;
    // Open in waves of 50 so that the servers are not asked for hundreds of handshakes at once.
    for (let i = 0; i < start.count; i += 50) {
      const wave = [];
      for (let j = i; j < Math.min(start.count, i + 50); j++) wave.push(open(start.url, start.tokens[j % start.tokens.length]!, start.query));
      conns.push(...(await Promise.all(wave)));
    }
    const failed = conns.filter((c) => c.closed || c.errors.length > 0).length;
    send({ type: 'subscribed', count: conns.length, failed, errors: conns.flatMap((c) => c.errors).slice(0, 5) });
  } else if (msg.type === 'missing') {
    // How many (connection, event) pairs are still missing among events 1..upTo (the ones that committed).
    const ns: number[] = msg.ns;
    let missing = 0;
    for (const c of conns) for (const n of ns) if (!c.arrivals.has(n)) missing++;
    send({ type: 'missing', missing });
  } else if (msg.type === 'report') {
    send({
      type: 'report',
      arrivals: conns.map((c) => [...c.arrivals].flat()),
      duplicates: conns.reduce((s, c) => s + c.duplicates, 0),
      closed: conns.filter((c) => c.closed).length,
      errors: conns.flatMap((c) => c.errors).slice(0, 10),
      errorCount: conns.reduce((s, c) => s + c.errors.length, 0),
    });
  } else if (msg.type === 'close') {
    for (const c of conns) c.ws.close(1000);
    setTimeout(() => process.exit(0), 500);
  }
});
send({ type: 'hello' });
