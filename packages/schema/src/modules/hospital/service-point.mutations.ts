import { builder } from '../../builder.ts';
import { serviceDeps } from '../../context.ts';
import { ValidationError } from '../../shared/errors.ts';
import { registerDomainError } from '../../shared/graphql-errors.ts';
import { atomically } from '../../shared/mutation.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, IdempotencyError, idempotentCreate, keyed } from '../../shared/idempotency.ts';
import { DepartmentRef } from '../core/tenancy/department.ts';
import { HOSPITAL_ERROR_CODES, HospitalError } from './hospital.errors.ts';
import { HOSPITAL, ServicePointKindEnum, ServicePointRef } from './service-point.ts';
import { createServicePoint, deleteServicePoint } from './service-point.service.ts';

registerDomainError(HospitalError, 'HospitalError', HOSPITAL_ERROR_CODES, 'A service-point change was refused.', HOSPITAL);

const ServicePointPayload = builder.objectRef<{ servicePoint: { id: string } }>('ServicePointPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ servicePoint: t.field({ type: ServicePointRef, resolve: (p) => p.servicePoint as never }) }),
});
const DeleteServicePointPayload = builder.objectRef<{ id: string }>('DeleteServicePointPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ deletedServicePointId: t.globalID({ resolve: (p) => ({ type: 'ServicePoint', id: p.id }) }) }),
});

const ServicePointInput = builder.inputType('ServicePointInput', {
  subGraphs: HOSPITAL,
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: ServicePointKindEnum, required: true }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    location: t.string({ required: false }),
    isPeakOnly: t.boolean({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  createServicePoint: t.field({
    type: ServicePointPayload,
    subGraphs: HOSPITAL,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { input: t.arg({ type: ServicePointInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: { types: [HospitalError, ValidationError, IdempotencyError], directResult: true, union: { name: 'CreateServicePointResult' } },
    resolve: async (_root, { input, idempotencyKey }, ctx) => ({
      servicePoint: await atomically(ctx, () =>
        idempotentCreate(
          serviceDeps(ctx),
          idempotencyKey,
          keyed('createServicePoint', input),
          () =>
            createServicePoint(serviceDeps(ctx), {
              ...input,
              departmentId: input.departmentId?.id ?? null,
              isPeakOnly: input.isPeakOnly ?? false,
            }),
          (id) => ctx.db.servicePoint.findUniqueOrThrow({ where: { id } }),
        ),
      ),
    }),
  }),
  deleteServicePoint: t.field({
    type: DeleteServicePointPayload,
    subGraphs: HOSPITAL,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { id: t.arg.globalID({ required: true, for: [ServicePointRef] }) },
    errors: { types: [HospitalError], directResult: true, union: { name: 'DeleteServicePointResult' } },
    resolve: (_root, { id }, ctx) => atomically(ctx, () => deleteServicePoint(serviceDeps(ctx), id.id)),
  }),
}));
