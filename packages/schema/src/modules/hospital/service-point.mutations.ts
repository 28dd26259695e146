import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { DepartmentRef } from '../core/tenancy/department.ts';
import { HospitalError } from './hospital.errors.ts';
import { HOSPITAL, ServicePointKindEnum, ServicePointRef } from './service-point.ts';
import { createServicePoint, deleteServicePoint } from './service-point.service.ts';

const ServicePointPayload = builder.objectRef<{ servicePoint: { id: string } }>('ServicePointPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ servicePoint: t.field({ type: ServicePointRef, resolve: (p) => p.servicePoint as never }) }),
});
const DeleteServicePointPayload = builder.objectRef<{ id: string }>('DeleteServicePointPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ deletedServicePointId: t.globalID({ resolve: (p) => ({ type: 'ServicePoint', id: p.id }) }) }),
});

mutationField({
  name: 'createServicePoint',
  payload: ServicePointPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [HospitalError],
  input: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: ServicePointKindEnum, required: true }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    location: t.string({ required: false }),
    isPeakOnly: t.boolean({ required: false }),
  }),
  idempotency: {
    reload: { id: (p) => p.servicePoint.id, load: async (deps, id) => ({ servicePoint: await deps.db.servicePoint.findUniqueOrThrow({ where: { id } }) }) },
  },
  run: async (deps, input) => ({
    servicePoint: await createServicePoint(deps, {
      ...input,
      departmentId: input.departmentId?.id ?? null,
      isPeakOnly: input.isPeakOnly ?? false,
    }),
  }),
});
mutationField({
  name: 'deleteServicePoint',
  payload: DeleteServicePointPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [HospitalError],
  input: (t) => ({ id: t.globalID({ required: true, for: [ServicePointRef] }) }),
  run: (deps, input) => deleteServicePoint(deps, input.id.id),
});
