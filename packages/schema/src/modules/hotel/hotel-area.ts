import { builder } from '../../builder.ts';
import { HOTEL_AREA_KINDS } from './hotel-area.service.ts';

export const HOTEL: ['hotel'] = ['hotel'];

export const HotelAreaKindEnum = builder.enumType('HotelAreaKind', { values: HOTEL_AREA_KINDS, subGraphs: HOTEL });

export const HotelAreaRef = builder.prismaNode('HotelArea', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'An area of the hotel that readiness inspections cover: meeting venue, guest-room floor, restaurant …',
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.field({ type: HotelAreaKindEnum, resolve: (a) => a.kind }),
    floor: t.exposeInt('floor', { nullable: true }),
    capacity: t.exposeInt('capacity', { nullable: true }),
  }),
});

builder.queryFields((t) => ({
  hotelAreas: t.prismaField({
    type: ['HotelArea'],
    subGraphs: HOTEL,
    authScopes: { member: true },
    args: { kind: t.arg({ type: HotelAreaKindEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.hotelArea.findMany({ ...query, where: args.kind ? { kind: args.kind } : {}, orderBy: [{ kind: 'asc' }, { name: 'asc' }] }),
  }),
}));
