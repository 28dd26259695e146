import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps } from '../../../context.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { atomically } from '../../../shared/mutation.ts';
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
    args: { input: t.arg({ type: DepartmentInput, required: true }) },
    errors: errors('CreateDepartmentResult'),
    resolve: async (_root, { input }, ctx) => ({
      department: await atomically(ctx, () =>
        createDepartment(serviceDeps(ctx), { ...input, parentId: input.parentId?.id ?? null }),
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
