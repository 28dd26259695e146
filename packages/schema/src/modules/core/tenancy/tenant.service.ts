// Tenants: created by a platform admin together with their first tenant admin and the default
// organization structure of their kind; settings changed by the tenant's admins.
import { z } from 'zod';
import { persistedOperationPolicyChanged } from '../persisted-operations/persisted-operation.service.ts';
import { setScope, type TenantKind } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { isUniqueViolation, parseInput } from '../../../shared/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { PasswordHasher } from '../identity/password.ts';
import { TenancyError } from './tenancy.errors.ts';
import { kindModule } from '../../../shared/kind-module.ts';
import { seedChecklistTemplates } from '../../shared/tasks/checklist.templates.ts';
import { seedSurveyTemplates } from '../../shared/feedback/survey.templates.ts';
import { seedAssessmentTemplates } from '../../shared/assessments/assessment.templates.ts';

export const TENANT_KINDS = ['GOVERNMENT_OFFICE', 'HOSPITAL', 'HOTEL'] as const satisfies readonly TenantKind[];

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'unknown IANA time zone');

const settings = {
  name: z.string().trim().min(1).max(200),
  locale: z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag such as zh-Hans'),
  timeZone,
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY'),
};

const createInput = z.object({
  kind: z.enum(TENANT_KINDS),
  name: settings.name,
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lower-case letters, digits and dashes, 2–63 long'),
  locale: settings.locale.default('zh-Hans'),
  timeZone: timeZone.default('Asia/Shanghai'),
  currency: settings.currency.default('CNY'),
  withDefaultStructure: z.boolean().default(true),
  admin: z.object({
    email: z.string().trim().toLowerCase().email(),
    displayName: z.string().trim().min(1).max(200),
    password: z.string().min(10, 'at least 10 characters').max(1024).optional(),
  }),
});

export async function createTenant(deps: ServiceDeps & { passwords: PasswordHasher }, input: z.input<typeof createInput>) {
  const data = parseInput(createInput, input);
  let tenant: Awaited<ReturnType<typeof deps.db.tenant.create>>;
  try {
    tenant = await deps.db.tenant.create({
      data: {
        kind: data.kind,
        name: data.name,
        slug: data.slug,
        locale: data.locale,
        timeZone: data.timeZone,
        currency: data.currency,
        // Four-eyes approval: on for government offices (a leader approves the plan), off for the other kinds.
        requireSeparateApprover: data.kind === 'GOVERNMENT_OFFICE',
      },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new TenancyError('SLUG_TAKEN', `The slug "${data.slug}" is taken`);
    throw error;
  }
  // Act inside the new tenant for its first admin and structure, then return to the caller's scope.
  await setScope(deps.db, { tenantId: tenant.id, userId: deps.access.userId });
  const scoped = { ...deps, access: { ...deps.access, tenantId: tenant.id } };
  const passwordHash = data.admin.password ? await deps.passwords.hash(data.admin.password) : null;
  const rows = await deps.db.$queryRaw<{ id: string }[]>`
    SELECT auth_ensure_user(${data.admin.email}, ${data.admin.displayName}, ${passwordHash}) AS id`;
  const admin = await deps.db.membership.create({
    data: { tenantId: tenant.id, userId: rows[0]!.id, roles: ['TENANT_ADMIN'] },
  });
  if (data.withDefaultStructure) await seedKindStructure(scoped, data.kind);
  await recordAudit(scoped, {
    action: 'tenant.created',
    targetType: 'Tenant',
    targetId: tenant.id,
    data: { kind: tenant.kind, slug: tenant.slug, adminMembershipId: admin.id },
  });
  await setScope(deps.db, { tenantId: deps.access.tenantId, userId: deps.access.userId });
  return tenant;
}

/** What a new tenant of the kind starts with: the kind's own structure, then its templates. */
async function seedKindStructure(deps: ServiceDeps, kind: TenantKind) {
  const definition = kindModule(kind);
  await definition.seed(deps);
  await seedChecklistTemplates(deps, definition.checklistTemplates);
  await seedSurveyTemplates(deps, definition.surveyTemplates);
  await seedAssessmentTemplates(deps, definition.assessmentTemplates);
}

const updateInput = z.object({
  name: settings.name.optional(),
  locale: settings.locale.optional(),
  timeZone: timeZone.optional(),
  currency: settings.currency.optional(),
  requireSeparateApprover: z.boolean().optional(),
  arbitraryOperationsForMembers: z.boolean().optional(),
});

export async function updateTenantSettings(deps: ServiceDeps, input: z.input<typeof updateInput>) {
  const data = parseInput(updateInput, input);
  const before = await deps.db.tenant.findUniqueOrThrow({ where: { id: deps.access.tenantId! } });
  const tenant = await deps.db.tenant.update({ where: { id: before.id }, data });
  await recordAudit(deps, {
    action: 'tenant.updated',
    targetType: 'Tenant',
    targetId: tenant.id,
    data: { before: pick(before, data), after: pick(tenant, data) },
  });
  if (before.arbitraryOperationsForMembers !== tenant.arbitraryOperationsForMembers) persistedOperationPolicyChanged(deps);
  return tenant;
}

function pick<T extends object>(row: T, keys: object): Partial<T> {
  return Object.fromEntries(Object.keys(keys).map((k) => [k, row[k as keyof T]])) as Partial<T>;
}
