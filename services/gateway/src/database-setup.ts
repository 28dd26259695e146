// The gateway's database as it starts: opened from the configuration (embedded when DATABASE_URL is unset),
// migrated when MIGRATE_ON_START, and, with SEED_DEMO, the demo platform admin and tenants created once.
// buildApp opens it so in a single process; with several processes the primary does it once before
// forking (cluster.ts), and the workers open theirs with migrations and the seed off.
import type { Logger } from 'pino';
import { openDatabase, type Database } from '@jiedai/db';
import { bootstrapPlatformAdmin, seedDemo, type PasswordHasher } from '@jiedai/schema';
import type { GatewayConfig } from './config.ts';

export async function openGatewayDatabase(config: Pick<GatewayConfig, 'database' | 'seedDemo'>, log: Logger, passwords: PasswordHasher): Promise<Database> {
  const db = await openDatabase({
    ...config.database,
    asOwner: config.seedDemo
      ? async (owner) => {
          if (await bootstrapPlatformAdmin(owner, await passwords.hash('jiedai-demo'))) log.info('created demo platform admin');
        }
      : undefined,
  });
  if (config.seedDemo) await seedDemo(db.prisma, passwords, (msg) => log.info(msg));
  return db;
}
