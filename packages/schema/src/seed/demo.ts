// Demo data for the no-configuration start and the docs: one tenant of each kind (as its definition's
// demo part says), with an admin, a coordinator and a staff member each, and a platform admin. Runs
// once (skips when the platform admin exists) and goes through the same services as the API, as that
// platform admin.
import { inScope, type PrismaClient, type SqlSession } from '@jiedai/db';
import { anonymousAccess, type Access } from '../shared/access.ts';
import type { PasswordHasher } from '../modules/core/identity/password.ts';
import { createTenant } from '../modules/core/tenancy/tenant.service.ts';
import { createDepartment } from '../modules/core/tenancy/department.service.ts';
import { provisionMember } from '../modules/core/identity/user.service.ts';
import { seedDemoVisit } from './demo-visits.ts';
import { seedDemoFeedback } from './demo-feedback.ts';
import { insertPlatformAdmin } from '../modules/core/identity/platform-admin.ts';
import { KINDS } from '../modules/index.ts';

export const DEMO_PASSWORD = 'jiedai-demo';
export const PLATFORM_ADMIN_EMAIL = 'platform@demo.jiedai';

/** Bootstrap, as the database owner: the demo platform admin account (the app role cannot create one). */
export async function bootstrapPlatformAdmin(owner: SqlSession, passwordHash: string): Promise<boolean> {
  return insertPlatformAdmin(owner, { email: PLATFORM_ADMIN_EMAIL, displayName: 'Platform Admin 平台管理员', passwordHash });
}

/** Seeds the demo tenants through the services, as the platform admin. Idempotent by slug. */
export async function seedDemo(prisma: PrismaClient, passwords: PasswordHasher, log?: (msg: string) => void) {
  const admin = await inScope(prisma, {}, (db) => db.$queryRaw<{ id: string }[]>`SELECT id FROM auth_find_user_by_email(${PLATFORM_ADMIN_EMAIL})`);
  const platformAdminId = admin[0]?.id;
  if (!platformAdminId) throw new Error('bootstrap the platform admin first');
  const platform: Access = { ...anonymousAccess, userId: platformAdminId, isPlatformAdmin: true };
  for (const kind of KINDS) {
    const t = kind.demo.tenant;
    await inScope(prisma, { userId: platformAdminId }, async (db) => {
      if (await db.tenant.findUnique({ where: { slug: t.slug } })) return;
      const deps = { db, access: platform, requestId: 'seed' };
      const tenant = await createTenant(
        { ...deps, passwords },
        {
          kind: kind.kind,
          slug: t.slug,
          name: t.name,
          admin: { email: `admin@${t.domain}.demo.jiedai`, displayName: `${t.domain} admin 管理员`, password: DEMO_PASSWORD },
        },
      );
      await db.$executeRaw`SELECT set_config('app.tenant_id', ${tenant.id}, true)`;
      const inTenant = { ...deps, access: { ...platform, tenantId: tenant.id, tenantKind: tenant.kind } };
      const department = await createDepartment(inTenant, { name: t.department });
      const coordinator = await provisionMember(
        { ...inTenant, passwords },
        {
          email: `coordinator@${t.domain}.demo.jiedai`,
          displayName: `${t.domain} coordinator 协调员`,
          password: DEMO_PASSWORD,
          roles: ['COORDINATOR', 'APPROVER'],
          departmentId: department.id,
        },
      );
      await provisionMember(
        { ...inTenant, passwords },
        {
          email: `staff@${t.domain}.demo.jiedai`,
          displayName: `${t.domain} staff 工作人员`,
          password: DEMO_PASSWORD,
          roles: ['STAFF'],
          departmentId: department.id,
        },
      );
      // Four-eyes approval (on for the government office): the coordinator may not approve what they submitted,
      // so a leader (领导) approves.
      if (tenant.requireSeparateApprover) {
        await provisionMember(
          { ...inTenant, passwords },
          {
            email: `leader@${t.domain}.demo.jiedai`,
            displayName: `${t.domain} leader 领导`,
            password: DEMO_PASSWORD,
            roles: ['APPROVER'],
            departmentId: department.id,
          },
        );
      }
      const visitId = await seedDemoVisit(inTenant, kind, { membershipId: coordinator.id });
      await kind.demo.seedExtras?.(inTenant, { visitId, departmentId: department.id });
      await seedDemoFeedback({ ...inTenant, passwords }, kind, { departmentId: department.id, password: DEMO_PASSWORD });
      log?.(`seeded demo tenant ${t.slug}`);
    });
  }
}
