import { builder } from '../../builder.ts';
import { serviceDeps } from '../../context.ts';
import { ValidationError } from '../../shared/errors.ts';
import { registerDomainError } from '../../shared/graphql-errors.ts';
import { atomically } from '../../shared/mutation.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, IdempotencyError, idempotentCreate, keyed } from '../../shared/idempotency.ts';
import { HOTEL_ERROR_CODES, HotelError } from './hotel.errors.ts';
import { HOTEL, HotelAreaKindEnum, HotelAreaRef } from './hotel-area.ts';
import { createHotelArea, deleteHotelArea } from './hotel-area.service.ts';

registerDomainError(HotelError, 'HotelError', HOTEL_ERROR_CODES, 'A hotel-area change was refused.', HOTEL);

const HotelAreaPayload = builder.objectRef<{ hotelArea: { id: string } }>('HotelAreaPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ hotelArea: t.field({ type: HotelAreaRef, resolve: (p) => p.hotelArea as never }) }),
});
const DeleteHotelAreaPayload = builder.objectRef<{ id: string }>('DeleteHotelAreaPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ deletedHotelAreaId: t.globalID({ resolve: (p) => ({ type: 'HotelArea', id: p.id }) }) }),
});

const HotelAreaInput = builder.inputType('HotelAreaInput', {
  subGraphs: HOTEL,
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: HotelAreaKindEnum, required: true }),
    floor: t.int({ required: false }),
    capacity: t.int({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  createHotelArea: t.field({
    type: HotelAreaPayload,
    subGraphs: HOTEL,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { input: t.arg({ type: HotelAreaInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: { types: [HotelError, ValidationError, IdempotencyError], directResult: true, union: { name: 'CreateHotelAreaResult' } },
    resolve: async (_root, { input, idempotencyKey }, ctx) => ({
      hotelArea: await atomically(ctx, () =>
        idempotentCreate(
          serviceDeps(ctx),
          idempotencyKey,
          keyed('createHotelArea', input),
          () => createHotelArea(serviceDeps(ctx), input),
          (id) => ctx.db.hotelArea.findUniqueOrThrow({ where: { id } }),
        ),
      ),
    }),
  }),
  deleteHotelArea: t.field({
    type: DeleteHotelAreaPayload,
    subGraphs: HOTEL,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { id: t.arg.globalID({ required: true, for: [HotelAreaRef] }) },
    errors: { types: [HotelError], directResult: true, union: { name: 'DeleteHotelAreaResult' } },
    resolve: (_root, { id }, ctx) => atomically(ctx, () => deleteHotelArea(serviceDeps(ctx), id.id)),
  }),
}));
