import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField, type InputFields } from '../../../shared/mutation.ts';
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

/** The fields of a department, as createDepartment and updateDepartment take them. */
const departmentFields = (t: InputFields) => ({
  name: t.string({ required: true }),
  code: t.string({ required: false }),
  parentId: t.globalID({ required: false, for: [DepartmentRef] }),
});

mutationField({
  name: 'createDepartment',
  payload: DepartmentPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [TenancyError],
  input: departmentFields,
  idempotency: {
    reload: { id: (p) => p.department.id, load: async (deps, id) => ({ department: await deps.db.department.findUniqueOrThrow({ where: { id } }) }) },
  },
  run: async (deps, input) => ({ department: await createDepartment(deps, { ...input, parentId: input.parentId?.id ?? null }) }),
});
mutationField({
  name: 'updateDepartment',
  payload: DepartmentPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [TenancyError],
  input: (t) => ({ id: t.globalID({ required: true, for: [DepartmentRef] }), ...departmentFields(t) }),
  run: async (deps, { id, ...input }) => ({
    department: await updateDepartment(deps, id.id, { ...input, parentId: input.parentId?.id ?? null }),
  }),
});
mutationField({
  name: 'deleteDepartment',
  payload: DeleteDepartmentPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [TenancyError],
  input: (t) => ({ id: t.globalID({ required: true, for: [DepartmentRef] }) }),
  run: (deps, input) => deleteDepartment(deps, input.id.id),
});
