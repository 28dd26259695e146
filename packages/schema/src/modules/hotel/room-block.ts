// Room blocks and the front desk's arrivals: types and queries (the hotel's schema only).
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import { parseDateArg } from '../../shared/dates.ts';
import { HOTEL } from './hotel-area.ts';
import { localToday } from './hotel-event.service.ts';
import { blockWarnings, pickup, type BlockWarning } from './room-block.rules.ts';
import { arrivalDate, arrivalsOn, nightOf, stayOf, type Arrival } from './room-block.service.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);

const NightRef = builder.objectRef<ReturnType<typeof pickup>[number]>('HotelRoomBlockNight').implement({
  subGraphs: HOTEL,
  description: 'Rooms of a type blocked for a night, and how many the rooming list picked up.',
  fields: (t) => ({
    night: t.exposeString('night', { description: 'YYYY-MM-DD' }),
    roomType: t.exposeString('roomType'),
    rooms: t.exposeInt('rooms'),
    pickedUp: t.exposeInt('pickedUp'),
    available: t.exposeInt('available'),
  }),
});

const WarningRef = builder.objectRef<BlockWarning>('HotelRoomBlockWarning').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    code: t.exposeString('code', { description: 'RELEASE_SOON, RELEASED, ROOMS_ON_SEVERAL_FLOORS, NO_SPARE_ROOM.' }),
    severity: t.exposeString('severity'),
    message: t.exposeString('message'),
  }),
});

export const HotelRoomingEntryRef = builder.prismaNode('HotelRoomingEntry', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'A guest in a room of the block from arrival to departure (a spare room has no guest).',
  fields: (t) => ({
    guest: t.relation('guest', { nullable: true, description: 'The visit’s guest, when the entry names one.' }),
    guestName: t.exposeString('guestName'),
    vipLevel: t.exposeString('vipLevel', { nullable: true }),
    roomType: t.exposeString('roomType'),
    roomNumber: t.exposeString('roomNumber', { nullable: true }),
    floor: t.exposeInt('floor', { nullable: true }),
    isSpare: t.exposeBoolean('isSpare'),
    arrivalOn: t.string({ resolve: (e) => day(e.arrivalOn) }),
    departureOn: t.string({ resolve: (e) => day(e.departureOn) }),
    dietaryNote: t.exposeString('dietaryNote', { nullable: true }),
    roomInspectedAt: t.expose('roomInspectedAt', { type: 'DateTime', nullable: true }),
    keyReadyAt: t.expose('keyReadyAt', { type: 'DateTime', nullable: true }),
  }),
});

export const HotelRoomBlockRef = builder.prismaNode('HotelRoomBlock', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'Rooms by type and night held for an event or a delegation until the release date.',
  fields: (t) => ({
    name: t.exposeString('name'),
    releaseOn: t.string({ resolve: (b) => day(b.releaseOn) }),
    event: t.relation('event', { nullable: true }),
    visit: t.relation('visit', { nullable: true }),
    nights: t.field({
      type: [NightRef],
      select: { nights: { orderBy: [{ night: 'asc' }, { roomType: 'asc' }] }, rooming: true },
      resolve: (b) => pickup(b.nights.map(nightOf), b.rooming.map(stayOf)),
    }),
    rooming: t.relation('rooming', {
      description: 'The rooming list.',
      query: { orderBy: [{ arrivalOn: 'asc' }, { roomNumber: 'asc' }, { guestName: 'asc' }] },
    }),
    warnings: t.field({
      type: [WarningRef],
      description: 'A release near with rooms not picked up (a warning before release), a released block, and the same-floor and spare-room rules.',
      select: { nights: true, rooming: true },
      resolve: async (b, _args, ctx) =>
        blockWarnings({ name: b.name, releaseOn: day(b.releaseOn), nights: b.nights.map(nightOf) }, b.rooming.map(stayOf), await localToday(ctx.db)),
    }),
  }),
});

builder.prismaObjectField('HotelEvent', 'roomBlocks', (t) => t.relation('roomBlocks', { query: { orderBy: { createdAt: 'asc' } } }));

export const ArrivalDayEnum = builder.enumType('HotelArrivalDay', { values: ['TODAY', 'TOMORROW'] as const, subGraphs: HOTEL });

export const ArrivalRef = builder.objectRef<Arrival>('HotelArrival').implement({
  subGraphs: HOTEL,
  description: 'A guest arriving (前台接待): rank or VIP level, room, whether it is inspected and the key ready, dietary restrictions, expected arrival.',
  fields: (t) => ({
    entry: t.field({ type: HotelRoomingEntryRef, resolve: (a) => a.entry }),
    guestName: t.exposeString('guestName'),
    vipLevel: t.exposeString('vipLevel', { nullable: true }),
    rankLevel: t.exposeInt('rankLevel', { nullable: true, description: 'The visit guest’s rank level (lower: more senior).' }),
    roomNumber: t.string({ nullable: true, resolve: (a) => a.entry.roomNumber }),
    roomInspected: t.boolean({ resolve: (a) => a.entry.roomInspectedAt !== null }),
    keyReady: t.boolean({ resolve: (a) => a.entry.keyReadyAt !== null }),
    dietaryRestrictions: t.stringList({ resolve: (a) => a.dietaryRestrictions }),
    expectedArrivalAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Follows the visit’s live travel progress (the inbound leg’s expected arrival, else its planned one).',
      resolve: (a) => a.expectedArrivalAt,
    }),
  }),
});

builder.queryFields((t) => ({
  hotelRoomBlocks: t.prismaField({
    type: ['HotelRoomBlock'],
    subGraphs: HOTEL,
    authScopes: { role: 'VIEWER' },
    description: 'Room blocks not yet released or released within the last 30 days.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.hotelRoomBlock.findMany({
        ...query,
        where: { releaseOn: { gte: new Date(Date.now() - 30 * 86_400_000) } },
        orderBy: { releaseOn: 'asc' },
        take: 100,
      }),
  }),
  hotelArrivals: t.field({
    type: [ArrivalRef],
    subGraphs: HOTEL,
    authScopes: { role: 'STAFF' },
    description: 'The front desk’s arrival list for today or tomorrow (the tenant’s time zone), or a date (YYYY-MM-DD): the most senior first.',
    args: { day: t.arg({ type: ArrivalDayEnum, required: false }), date: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => {
      if (args.day && args.date) throw new GraphQLError('give day or date, not both', { extensions: { code: 'BAD_USER_INPUT' } });
      const date = parseDateArg(args.date, 'date') ?? (await arrivalDate(ctx.db, args.day ?? 'TODAY'));
      return arrivalsOn(ctx.db, date);
    },
  }),
}));
