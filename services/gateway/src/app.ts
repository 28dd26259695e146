// buildApp: the whole gateway (yoga over HTTP and SSE, graphql-ws on the same /graphql path, pino
// logs) without listening. main.ts listens; tests use `yoga.fetch` and the server on port 0.
// It composes three parts: the services (services.ts), the yoga instance with its context (yoga.ts)
// and the WebSocket attachment (websocket.ts); the HTTP server and the graceful shutdown are here.
import { createServer, type Server, type ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { openDatabase, type Database } from '@jiedai/db';
import { bootstrapPlatformAdmin, buildSchemas, createPasswordHasher, seedDemo, type AppServices } from '@jiedai/schema';
import type { GatewayConfig } from './config.ts';
import { createAuthenticator } from './auth.ts';
import { createServices } from './services.ts';
import { createGatewayYoga, type GatewayYoga } from './yoga.ts';
import { attachWebSocket } from './websocket.ts';

export interface App {
  yoga: GatewayYoga;
  server: Server;
  db: Database;
  services: AppServices;
  log: Logger;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** An already open database (tests); otherwise opened from config. */
  db?: Database;
  logger?: Logger;
  services?: Partial<AppServices>;
}

export async function buildApp(config: GatewayConfig, options: BuildOptions = {}): Promise<App> {
  const log =
    options.logger ??
    pino({
      level: config.logLevel,
      base: { service: 'jiedai-gateway' },
      // Never log credentials or personal data that may sit in a request.
      redact: { paths: ['*.authorization', '*.password', '*.token', '*.email', 'req.headers.cookie'], censor: '[redacted]' },
    });
  const passwords = options.services?.passwords ?? createPasswordHasher();
  const db =
    options.db ??
    (await openDatabase({
      ...config.database,
      asOwner: config.seedDemo
        ? async (owner) => {
            if (await bootstrapPlatformAdmin(owner, await passwords.hash('jiedai-demo'))) log.info('created demo platform admin');
          }
        : undefined,
    }));
  if (!options.db && config.seedDemo) await seedDemo(db.prisma, passwords, (msg) => log.info(msg));

  const { services, guardRedis, close: closeServices } = await createServices(config, log, { ...options.services, passwords });
  const schemas = buildSchemas();
  const authenticator = createAuthenticator(db.prisma, services.tokens);

  // Draining (from close()): /readyz answers 503, every response carries `Connection: close` (node
  // then closes its connection once the response is out), connections that fall idle are closed, and
  // whatever is still open when SHUTDOWN_GRACE_MS ends is cut. Responses in flight when draining
  // begins get the header too if theirs are not sent yet, so a client learns of it from any answer.
  let draining = false;
  const yoga = createGatewayYoga({
    config,
    log,
    db,
    services,
    schemas,
    authenticator,
    redisPing: guardRedis && (async () => void (await guardRedis.ping())),
    draining: () => draining,
  });
  const inFlight = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // A response whose headers were out before draining began left its connection open: close it
      // now that it is idle (node closes those marked `Connection: close` itself).
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    void yoga(req, res);
  });
  const webSocket = attachWebSocket({ server, yoga, db, config, log, authenticator });

  let closing: Promise<void> | null = null;
  return {
    yoga,
    server,
    db,
    services,
    log,
    close: () =>
      (closing ??= (async () => {
        draining = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        await webSocket.close();
        if (server.listening) {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          const timer = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
          await closed;
          clearTimeout(timer);
        }
        await yoga.dispose();
        await closeServices();
        if (!options.db) await db.close();
      })()),
  };
}
