import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { HotelError } from './hotel.errors.ts';
import { HOTEL, HotelAreaKindEnum, HotelAreaRef } from './hotel-area.ts';
import { createHotelArea, deleteHotelArea } from './hotel-area.service.ts';

const HotelAreaPayload = builder.objectRef<{ hotelArea: { id: string } }>('HotelAreaPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ hotelArea: t.field({ type: HotelAreaRef, resolve: (p) => p.hotelArea as never }) }),
});
const DeleteHotelAreaPayload = builder.objectRef<{ id: string }>('DeleteHotelAreaPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ deletedHotelAreaId: t.globalID({ resolve: (p) => ({ type: 'HotelArea', id: p.id }) }) }),
});

mutationField({
  name: 'createHotelArea',
  payload: HotelAreaPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [HotelError],
  input: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: HotelAreaKindEnum, required: true }),
    floor: t.int({ required: false }),
    capacity: t.int({ required: false }),
  }),
  idempotency: {
    reload: { id: (p) => p.hotelArea.id, load: async (deps, id) => ({ hotelArea: await deps.db.hotelArea.findUniqueOrThrow({ where: { id } }) }) },
  },
  run: async (deps, input) => ({ hotelArea: await createHotelArea(deps, input) }),
});
mutationField({
  name: 'deleteHotelArea',
  payload: DeleteHotelAreaPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [HotelError],
  input: (t) => ({ id: t.globalID({ required: true, for: [HotelAreaRef] }) }),
  run: (deps, input) => deleteHotelArea(deps, input.id.id),
});
