// One transaction per GraphQL operation, with the tenant (and user) set first. RLS policies read
// these settings; set_config(…, true) is local to the transaction, so a pooled connection never
// carries a tenant into the next one.
import type { Prisma, PrismaClient } from './generated/prisma/client.ts';

export type Db = Prisma.TransactionClient;

export interface TenantScope {
  tenantId?: string | null | undefined;
  userId?: string | null | undefined;
}

export async function setScope(db: Db, scope: TenantScope): Promise<void> {
  await db.$executeRaw`SELECT set_config('app.tenant_id', ${scope.tenantId ?? ''}, true), set_config('app.user_id', ${scope.userId ?? ''}, true)`;
}

export async function inScope<T>(
  prisma: PrismaClient,
  scope: TenantScope,
  fn: (db: Db) => Promise<T>,
  options: { maxWait: number; timeout: number } = { maxWait: 10_000, timeout: 15_000 },
): Promise<T> {
  return prisma.$transaction(async (tx) => {
    await setScope(tx, scope);
    return fn(tx);
  }, options);
}

/**
 * A client whose every query runs in its own short transaction with the scope set: for work outside
 * an operation's transaction (subscription events), where RLS must hold all the same. It is Prisma's
 * own client extended with a query hook (the documented way to set RLS settings per query: a batch
 * transaction of `set_config` and the query), so it is a complete client — `'task' in client`, model
 * delegates, raw queries — not an imitation of one.
 */
export function scopedClient(prisma: PrismaClient, scope: TenantScope): Db {
  const client = prisma.$extends({
    query: {
      $allOperations({ args, query }) {
        return prisma
          .$transaction([
            prisma.$executeRaw`SELECT set_config('app.tenant_id', ${scope.tenantId ?? ''}, true), set_config('app.user_id', ${scope.userId ?? ''}, true)`,
            query(args) as never,
          ])
          .then(([, result]) => result);
      },
    },
  });
  return client as unknown as Db;
}
