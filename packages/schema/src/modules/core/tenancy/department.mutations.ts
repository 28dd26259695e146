import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps } from '../../../context.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { atomically } from '../../../shared/mutation.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, IdempotencyError, idempotentCreate, keyed } from '../../../shared/idempotency.ts';
import { TenancyError } from './tenancy.errors.ts';
import { DepartmentRef } from './department.ts';
import { createDepartment, deleteDepartment, updateDepartment } from './department.service.ts';

const DepartmentPayload = builder.objectRef<{ department: { id: string } }>('DepartmentPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({ department: t.field({ type: DepartmentRef, resolve: (p) => p.department as never }) }),
});

const DeleteDepartmentPayload = builder.objectRef<{ id: string }>('DeleteDepartmentPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({ deletedDepartmentId: t.globalID({ resolve: (p) => ({ type: 'Department', id: p.id }) }) }),
});

const DepartmentInput = builder.inputType('DepartmentInput', {
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    name: t.string({ required: true }),
    code: t.string({ required: false }),
    parentId: t.globalID({ required: false, for: [DepartmentRef] }),
  }),
});

const errors = (name: string) => ({
  types: [TenancyError, ValidationError],
  directResult: true as const,
  union: { name },
});

builder.mutationFields((t) => ({
  createDepartment: t.field({
    type: DepartmentPayload,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { input: t.arg({ type: DepartmentInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: { ...errors('CreateDepartmentResult'), types: [TenancyError, ValidationError, IdempotencyError] },
    resolve: async (_root, { input, idempotencyKey }, ctx) => ({
      department: await atomically(ctx, () =>
        idempotentCreate(
          serviceDeps(ctx),
          idempotencyKey,
          keyed('createDepartment', input),
          () => createDepartment(serviceDeps(ctx), { ...input, parentId: input.parentId?.id ?? null }),
          (id) => ctx.db.department.findUniqueOrThrow({ where: { id } }),
        ),
      ),
    }),
  }),
  updateDepartment: t.field({
    type: DepartmentPayload,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { id: t.arg.globalID({ required: true, for: [DepartmentRef] }), input: t.arg({ type: DepartmentInput, required: true }) },
    errors: errors('UpdateDepartmentResult'),
    resolve: async (_root, { id, input }, ctx) => ({
      department: await atomically(ctx, () =>
        updateDepartment(serviceDeps(ctx), id.id, { ...input, parentId: input.parentId?.id ?? null }),
      ),
    }),
  }),
  deleteDepartment: t.field({
    type: DeleteDepartmentPayload,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { id: t.arg.globalID({ required: true, for: [DepartmentRef] }) },
    errors: errors('DeleteDepartmentResult'),
    resolve: (_root, { id }, ctx) => atomically(ctx, () => deleteDepartment(serviceDeps(ctx), id.id)),
  }),
}));
