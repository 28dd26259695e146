import { ALL_GRAPHS, builder, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps } from '../../../context.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { registerDomainError } from '../../../shared/graphql-errors.ts';
import { atomically } from '../../../shared/mutation.ts';
import { strip } from '../../../shared/input.ts';
import { TENANCY_ERROR_CODES, TenancyError } from './tenancy.errors.ts';
import { TenantKindEnum, TenantRef } from './tenant.ts';
import { createTenant, updateTenantSettings } from './tenant.service.ts';

registerDomainError(TenancyError, 'TenancyError', TENANCY_ERROR_CODES, 'A tenant or department change was refused.', ALL_GRAPHS);

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

const CreateTenantInput = builder.inputType('CreateTenantInput', {
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({
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
});

const UpdateTenantInput = builder.inputType('UpdateTenantInput', {
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    name: t.string({ required: false }),
    locale: t.string({ required: false }),
    timeZone: t.string({ required: false }),
    currency: t.string({ required: false }),
    requireSeparateApprover: t.boolean({
      required: false,
      description: 'Four-eyes approval: when true, whoever submitted a plan version for approval may not approve it.',
    }),
  }),
});

builder.mutationFields((t) => ({
  createTenant: t.field({
    type: TenantPayload,
    authScopes: { platformAdmin: true },
    args: { input: t.arg({ type: CreateTenantInput, required: true }) },
    errors: { types: [TenancyError, ValidationError], directResult: true, union: { name: 'CreateTenantResult' } },
    resolve: async (_root, { input }, ctx) => ({
      tenant: await atomically(ctx, () =>
        createTenant({ ...serviceDeps(ctx), passwords: ctx.services.passwords }, { ...strip(input), admin: strip(input.admin) }),
      ),
    }),
  }),
  updateTenant: t.field({
    type: TenantPayload,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { input: t.arg({ type: UpdateTenantInput, required: true }) },
    errors: { types: [ValidationError], directResult: true, union: { name: 'UpdateTenantResult' } },
    resolve: async (_root, { input }, ctx) => ({
      tenant: await atomically(ctx, () => updateTenantSettings(serviceDeps(ctx), strip(input))),
    }),
  }),
}));
