// Room blocks, the rooming list and the front desk's preparation of arrivals: mutations (thin over the service).
import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { VisitGuestRef, VisitRef } from '../shared/visits/visit.ts';
import { HOTEL } from './hotel-area.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { HotelEventRef } from './hotel-event.ts';
import { HotelRoomBlockRef, HotelRoomingEntryRef } from './room-block.ts';
import { addRoomingEntry, createRoomBlock, prepareArrival, removeRoomingEntry, setRoomBlockNight } from './room-block.service.ts';

const BlockPayload = builder.objectRef<{ blockId: string }>('HotelRoomBlockPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    roomBlock: t.prismaField({
      type: 'HotelRoomBlock',
      resolve: (query, p, _a, ctx) => ctx.db.hotelRoomBlock.findUniqueOrThrow({ ...query, where: { id: p.blockId } }),
    }),
  }),
});
const EntryPayload = builder.objectRef<{ entryId: string; blockId: string }>('HotelRoomingEntryPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    entry: t.prismaField({
      type: 'HotelRoomingEntry',
      nullable: true,
      description: 'Null after removeHotelRoomingEntry.',
      resolve: (query, p, _a, ctx) => ctx.db.hotelRoomingEntry.findUnique({ ...query, where: { id: p.entryId } }),
    }),
    roomBlock: t.prismaField({
      type: 'HotelRoomBlock',
      resolve: (query, p, _a, ctx) => ctx.db.hotelRoomBlock.findUniqueOrThrow({ ...query, where: { id: p.blockId } }),
    }),
  }),
});

const NightInput = builder.inputType('HotelRoomBlockNightInput', {
  subGraphs: HOTEL,
  fields: (t) => ({
    night: t.string({ required: true, description: 'YYYY-MM-DD' }),
    roomType: t.string({ required: true, description: 'e.g. 标准间, 大床房, 套房' }),
    rooms: t.int({ required: true }),
  }),
});

mutationField({
  name: 'createHotelRoomBlock',
  payload: BlockPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Blocks rooms by type and night for an event or a delegation (visit) until the release date.',
  errors: [HotelEventError],
  input: (t) => ({
    eventId: t.globalID({ required: false, for: [HotelEventRef] }),
    visitId: t.globalID({ required: false, for: [VisitRef], description: 'Default: the event’s visit.' }),
    name: t.string({ required: true }),
    releaseOn: t.string({ required: true, description: 'YYYY-MM-DD: rooms not picked up go back to sale after this day.' }),
    nights: t.field({ type: [NightInput], required: true }),
  }),
  idempotency: { reload: { id: (p) => p.blockId, load: async (_deps, id) => ({ blockId: id }) } },
  run: async (deps, input) => ({
    blockId: (
      await createRoomBlock(deps, {
        eventId: input.eventId?.id ?? null,
        visitId: input.visitId?.id ?? null,
        name: input.name,
        releaseOn: input.releaseOn,
        nights: input.nights,
      })
    ).id,
  }),
});

mutationField({
  name: 'setHotelRoomBlockNight',
  payload: BlockPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Sets the rooms of a type blocked on a night (0 frees them); fewer than picked up is refused (OVER_BLOCK).',
  errors: [HotelEventError],
  input: (t) => ({
    blockId: t.globalID({ required: true, for: [HotelRoomBlockRef] }),
    night: t.string({ required: true }),
    roomType: t.string({ required: true }),
    rooms: t.int({ required: true }),
  }),
  run: async (deps, input) => {
    await setRoomBlockNight(deps, { blockId: input.blockId.id, night: input.night, roomType: input.roomType, rooms: input.rooms });
    return { blockId: input.blockId.id };
  },
});

mutationField({
  name: 'addHotelRoomingEntry',
  payload: EntryPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Puts a guest into a room of the block for their nights (the rooming list); a spare room takes no guest. Refused (OVER_BLOCK) when the block is released or holds no free room of the type on a night.',
  errors: [HotelEventError],
  input: (t) => ({
    blockId: t.globalID({ required: true, for: [HotelRoomBlockRef] }),
    visitGuestId: t.globalID({ required: false, for: [VisitGuestRef] }),
    guestName: t.string({ required: false, description: 'Default: the visit guest’s name.' }),
    vipLevel: t.string({ required: false }),
    roomType: t.string({ required: true }),
    roomNumber: t.string({ required: false }),
    floor: t.int({ required: false }),
    isSpare: t.boolean({ required: false }),
    arrivalOn: t.string({ required: true }),
    departureOn: t.string({ required: true }),
    dietaryNote: t.string({ required: false }),
  }),
  run: async (deps, input) => {
    const entry = await addRoomingEntry(deps, { ...input, blockId: input.blockId.id, visitGuestId: input.visitGuestId?.id ?? null });
    return { entryId: entry.id, blockId: entry.blockId };
  },
});

mutationField({
  name: 'prepareHotelArrival',
  payload: EntryPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'STAFF' },
  description: 'The front desk prepares an arrival: the room assigned, inspected, the key card ready. Left out: kept.',
  errors: [HotelEventError],
  input: (t) => ({
    entryId: t.globalID({ required: true, for: [HotelRoomingEntryRef] }),
    roomNumber: t.string({ required: false }),
    floor: t.int({ required: false }),
    roomInspected: t.boolean({ required: false }),
    keyReady: t.boolean({ required: false }),
  }),
  run: async (deps, input) => {
    const entry = await prepareArrival(deps, { ...input, entryId: input.entryId.id });
    return { entryId: entry.id, blockId: entry.blockId };
  },
});

mutationField({
  name: 'removeHotelRoomingEntry',
  payload: EntryPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  errors: [HotelEventError],
  input: (t) => ({ entryId: t.globalID({ required: true, for: [HotelRoomingEntryRef] }) }),
  run: async (deps, input) => {
    const entry = await removeRoomingEntry(deps, input.entryId.id);
    return { entryId: entry.id, blockId: entry.blockId };
  },
});
