// Every mutation field runs its service in a savepoint: when the service fails (a typed error
// returned as data, or anything else), everything it wrote is rolled back and the events it queued
// are dropped, while the operation's transaction stays usable.
import type { Context } from '../context.ts';

// One constant name (PostgreSQL allows nesting savepoints of the same name: RELEASE and ROLLBACK TO
// take the innermost), so the statement texts stay few and can be prepared once.
const name = 'jiedai_mutation';

export async function atomically<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  await ctx.db.$executeRawUnsafe(`SAVEPOINT ${name}`);
  const queued = ctx.pendingEvents.length;
  try {
    const result = await fn();
    await ctx.db.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await ctx.db.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
    ctx.pendingEvents.length = queued;
    throw error;
  }
}
