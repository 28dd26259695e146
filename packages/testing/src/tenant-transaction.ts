// Services tested directly, without GraphQL: a transaction on the real database as the app role
// (jiedai_app: no superuser, no BYPASSRLS, owns no table, so RLS applies), with the tenant's scope
// and the acting member verified exactly as the gateway's transaction plugin does it (the same
// `db.transaction` with `accessQuery` as its prelude, and `accessFrom` over its rows), handed to the
// test as `ServiceDeps`. It ALWAYS rolls back at the end, whatever the test did: nothing it writes is
// left behind, so such tests need no cleanup and do not disturb each other.
//
//   await withTenantTransaction(t, tenant, async (deps) => {
//     const task = await createTask(deps, { title: 'Book rooms', phase: 'PREPARATION' });
//     await expect(changeTaskStatus(deps, { taskId: task.id, status: 'BLOCKED' })).rejects.toMatchObject({ code: 'REASON_REQUIRED' });
//   });
import { randomUUID } from 'node:crypto';
import { accessFrom, accessQuery, type Credential, type NewEvent, type ServiceDeps } from '@jiedai/schema';
import type { Database, IsolationLevel } from '@jiedai/db';
import type { TestApp } from './app.ts';
import { ownerQuery } from './database.ts';
import type { TestTenant } from './factories.ts';

export interface TenantTransactionDeps extends ServiceDeps {
  /** The domain events the services queued (the gateway appends them just before COMMIT; here they are only collected). */
  readonly events: NewEvent[];
  /** What the services asked to publish after commit (never published: the transaction rolls back). */
  readonly published: { topic: string; payload: unknown }[];
}

export interface TenantTransactionOptions {
  /** Who acts: a member's e-mail (default the tenant's admin). `tenant.member([...roles])` makes one. */
  email?: string;
  isolationLevel?: IsolationLevel;
  requestId?: string;
}

/** Thrown to end the transaction: never escapes `withTenantTransaction`. */
const ROLLBACK = Symbol('rollback');

/** The account of an e-mail, with its current session epoch (read each time: a test may change it). */
async function userOf(email: string): Promise<{ id: string; session_epoch: number }> {
  const rows = await ownerQuery<{ id: string; session_epoch: number }>('SELECT id, session_epoch FROM users WHERE email = $1', [email]);
  if (!rows[0]) throw new Error(`no user ${email}`);
  return rows[0];
}

/** Runs `fn` with service deps in `tenant`'s scope, as its admin (or `options.email`), then rolls back. */
export async function withTenantTransaction<T>(
  t: TestApp | Database,
  tenant: Pick<TestTenant, 'id' | 'kind' | 'adminEmail'>,
  fn: (deps: TenantTransactionDeps) => Promise<T>,
): Promise<T>;
export async function withTenantTransaction<T>(
  t: TestApp | Database,
  tenant: Pick<TestTenant, 'id' | 'kind' | 'adminEmail'>,
  options: TenantTransactionOptions,
  fn: (deps: TenantTransactionDeps) => Promise<T>,
): Promise<T>;
export async function withTenantTransaction<T>(
  t: TestApp | Database,
  tenant: Pick<TestTenant, 'id' | 'kind' | 'adminEmail'>,
  optionsOrFn: TenantTransactionOptions | ((deps: TenantTransactionDeps) => Promise<T>),
  maybeFn?: (deps: TenantTransactionDeps) => Promise<T>,
): Promise<T> {
  const options = typeof optionsOrFn === 'function' ? {} : optionsOrFn;
  const fn = typeof optionsOrFn === 'function' ? optionsOrFn : maybeFn!;
  const db = 'app' in t ? t.db : t;
  const user = await userOf(options.email ?? tenant.adminEmail);
  // A session of the account's current epoch, as a freshly signed-in token would carry.
  const credential = {
    type: 'user',
    userId: user.id,
    tenantId: tenant.id,
    session: { id: randomUUID(), epoch: user.session_epoch, expiresAt: new Date(Date.now() + 3_600_000) },
  } satisfies Credential;
  let result: { value: T } | undefined;
  try {
    await db.transaction(
      {
        scope: { tenantId: tenant.id, userId: credential.userId },
        isolationLevel: options.isolationLevel ?? 'ReadCommitted',
        prelude: accessQuery(credential),
      },
      async (tx, rows) => {
        const events: NewEvent[] = [];
        const published: { topic: string; payload: unknown }[] = [];
        const deps: TenantTransactionDeps = {
          db: tx,
          access: accessFrom(credential, tenant.kind, rows),
          requestId: options.requestId ?? 'service-test',
          events,
          published,
          queueEvent: (event) => void events.push(event),
          publishAfterCommit: (topic, payload) => void published.push({ topic, payload }),
        };
        result = { value: await fn(deps) };
        throw ROLLBACK;
      },
    );
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return result!.value;
}
