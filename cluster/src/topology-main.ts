// `pnpm topology`: the compose topology here, without Docker (topology.ts): PostgreSQL of its own,
// PgBouncer, Redis, two gateways, the worker and nginx in front. Prints where it listens; Ctrl-C stops it.
//   pnpm topology [--port 4000] [--demo] [--database-url postgres://owner@host/db]
// JWT_SECRET from the environment when set (else the tests' secret: a try-out only).
import { parseArgs } from 'node:util';
import { startTopology } from './topology.ts';

const { values } = parseArgs({
  options: { port: { type: 'string' }, demo: { type: 'boolean' }, 'database-url': { type: 'string' } },
});
const topology = await startTopology({
  ...(values.port ? { port: Number(values.port) } : {}),
  ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
  demo: values.demo ?? false,
  ...(process.env.JWT_SECRET ? { jwtSecret: process.env.JWT_SECRET } : {}),
});
console.log(
  [
    `Jiedai topology up: ${topology.url}/graphql (nginx → 2 gateways; WebSocket on the same path)`,
    `  PostgreSQL (owner, direct) ${topology.ownerUrl}`,
    `  PgBouncer (transaction pooling) 127.0.0.1:${topology.bouncer.port}   Redis ${topology.redis.url}`,
    `  gateways ${topology.gateways.map((g) => g.baseUrl).join(', ')} (metrics on ${topology.metricsPorts.join(', ')}); the worker`,
    values.demo
      ? '  demo tenants seeded (password jiedai-demo, see README)'
      : '  no tenants: pnpm admin:create-platform-admin with MIGRATION_DATABASE_URL set to the owner URL above',
    'Ctrl-C stops everything.',
  ].join('\n'),
);
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('stopping the topology …');
    void topology.stop().then(() => process.exit(0));
  });
}
