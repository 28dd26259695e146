import { ALL_GRAPHS, builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { strip } from '../../../shared/input.ts';
import { TenancyError } from './tenancy.errors.ts';
import { TenantKindEnum, TenantRef } from './tenant.ts';
import { createTenant, updateTenantSettings } from './tenant.service.ts';

const TenantPayload = builder.objectRef<{ tenant: { id: string } }>('TenantPayload').implement({
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({ tenant: t.field({ type: TenantRef, resolve: (p) => p.tenant as never }) }),
});

const FirstAdminInput = builder.inputType('FirstAdminInput', {
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({
    email: t.string({ required: true }),
    displayName: t.string({ required: true }),
    password: t.string({ required: false }),
  }),
});

mutationField({
  name: 'createTenant',
  subGraphs: ALL_GRAPHS,
  payload: TenantPayload,
  authScopes: { platformAdmin: true },
  errors: [TenancyError],
  input: (t) => ({
    kind: t.field({ type: TenantKindEnum, required: true }),
    name: t.string({ required: true }),
    slug: t.string({ required: true }),
    locale: t.string({ required: false }),
    timeZone: t.string({ required: false }),
    currency: t.string({ required: false }),
    withDefaultStructure: t.boolean({
      required: false,
      description: "Seed the kind's organization structure (rank ladder, service points, hotel areas). Default true.",
    }),
    admin: t.field({ type: FirstAdminInput, required: true }),
  }),
  run: async (deps, input, ctx) => ({
    tenant: await createTenant({ ...deps, passwords: ctx.services.passwords }, { ...strip(input), admin: strip(input.admin) }),
  }),
});
mutationField({
  name: 'updateTenant',
  payload: TenantPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [],
  input: (t) => ({
    name: t.string({ required: false }),
    locale: t.string({ required: false }),
    timeZone: t.string({ required: false }),
    currency: t.string({ required: false }),
    requireSeparateApprover: t.boolean({
      required: false,
      description: 'Four-eyes approval: when true, whoever submitted a plan version for approval may not approve it.',
    }),
    arbitraryOperationsForMembers: t.boolean({
      required: false,
      description: "False: signed-in members too may run only the tenant's persisted operations (PERSISTED_OPERATION_REQUIRED otherwise).",
    }),
  }),
  run: async (deps, input) => ({ tenant: await updateTenantSettings(deps, strip(input)) }),
});
