// Looking up members of the acting tenant, shared by the modules that refer to them (hosts, assignees,
// assessors, coordinators). Each module turns a miss into its own typed error.
import type { Db } from '@jiedai/db';
import type { ServiceDeps } from '../context.ts';

/** The acting user's membership in the acting tenant (null for API keys and callers without one). */
export async function ownMembershipId(deps: ServiceDeps): Promise<string | null> {
  if (!deps.access.userId || !deps.access.tenantId) return null;
  const membership = await deps.db.membership.findFirst({
    where: { userId: deps.access.userId, tenantId: deps.access.tenantId },
    select: { id: true },
  });
  return membership?.id ?? null;
}

/** Whether the id names a membership of this tenant (RLS hides every other tenant's). */
export async function isMember(db: Db, membershipId: string): Promise<boolean> {
  return (await db.membership.findUnique({ where: { id: membershipId }, select: { id: true } })) !== null;
}
