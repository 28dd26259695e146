// Every mutation field runs its service atomically: when the service fails (a typed error returned
// as data, or anything else), everything it wrote is rolled back and the events it queued are
// dropped. An operation of several mutation fields runs each in a savepoint, so the transaction stays
// usable for the next one; an operation of one mutation field (the usual case) needs no savepoint: its
// failure marks the operation's transaction for rollback (the gateway's tenant-transaction plugin).
import type { Context } from '../context.ts';

// One constant name (PostgreSQL allows nesting savepoints of the same name: RELEASE and ROLLBACK TO
// take the innermost), so the statement texts stay few and can be prepared once.
const name = 'jiedai_mutation';

export async function atomically<T>(ctx: Context, fn: () => Promise<T>): Promise<T> {
  const queued = ctx.pendingEvents.length;
  const events = ctx.eventQueue.length;
  const drop = () => {
    ctx.pendingEvents.length = queued;
    ctx.eventQueue.length = events;
  };
  // Only the operation's outermost, first atomic step may go without a savepoint; any other is nested.
  if (ctx.operation?.takeSole()) {
    try {
      return await fn();
    } catch (error) {
      ctx.operation.markRollbackOnly();
      drop();
      throw error;
    }
  }
  await ctx.db.$executeRawUnsafe(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await ctx.db.$executeRawUnsafe(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await ctx.db.$executeRawUnsafe(`ROLLBACK TO SAVEPOINT ${name}`);
    drop();
    throw error;
  }
}
