// GraphQL types of the seating plans: Meal.banquetSeating (tables, seats, the rule of each seat, the serving order,
// the rules a manual move broke, an SVG per table) and Vehicle.seating (seats, rules, SVG).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../builder.ts';
import {
  type BanquetPlan,
  type BrokenRule,
  checkBanquetSeating,
  type PlannedSeat,
  type PlannedTable,
  type ProtocolPerson,
  SEATING_RULES,
} from './banquet-seating.rules.ts';
import { CAR_RULES, type CarPassenger, type CarSeat } from './car-seating.rules.ts';
import { banquetTableSvg, vehicleSvg } from './seating-chart.ts';
import type { StoredVehicleSeating } from './seating.service.ts';
import { type ServingStep, servingOrder, SERVING_RULES } from './serving-order.rules.ts';

const GOV = ['government'] as const;
const sg = { subGraphs: [...GOV] };

const SideEnum = builder.enumType('ProtocolSide', { ...sg, values: ['GUEST', 'HOST'] as const, description: 'The visiting side (宾) or ours (主).' });
const SeatingRuleEnum = builder.enumType('SeatingRule', {
  ...sg,
  values: Object.fromEntries(Object.entries(SEATING_RULES).map(([k, v]) => [k, { description: v }])),
});
const CarRuleEnum = builder.enumType('CarSeatingRule', {
  ...sg,
  values: Object.fromEntries(Object.entries(CAR_RULES).map(([k, v]) => [k, { description: v }])),
});
const CarRoleEnum = builder.enumType('CarRole', { ...sg, values: ['GUEST', 'LEADER', 'STAFF'] as const });
const ServingRuleEnum = builder.enumType('ServingRule', {
  ...sg,
  values: Object.fromEntries(Object.entries(SERVING_RULES).map(([k, v]) => [k, { description: v }])),
});

/** The global id of a seated person: a guest of the visit, or a member of ours. */
const personId = (p: ProtocolPerson) => encodeGlobalID(p.side === 'GUEST' ? 'VisitGuest' : 'Membership', p.id);

const SeatedPersonRef = builder.objectRef<ProtocolPerson & { role?: string }>('SeatedPerson').implement({
  ...sg,
  description: 'A person in a seating plan, as when the plan was made.',
  fields: (t) => ({
    id: t.id({ description: 'A VisitGuest or a Membership.', resolve: personId }),
    name: t.exposeString('name'),
    side: t.field({ type: SideEnum, resolve: (p) => p.side }),
    order: t.exposeInt('order', { description: 'Precedence within the side, 1 first.' }),
    rankName: t.string({ nullable: true, resolve: (p) => p.rankName ?? null }),
    title: t.string({ nullable: true, resolve: (p) => p.title ?? null }),
    unit: t.string({
      nullable: true,
      description: 'The visiting unit (来访单位) of a guest, or the one a host of ours receives; null in plans made before units were seated.',
      resolve: (p) => p.unit ?? null,
    }),
  }),
});

const SeatRef = builder.objectRef<PlannedSeat>('BanquetSeat').implement({
  ...sg,
  fields: (t) => ({
    seat: t.exposeInt('seat', { description: '1…N clockwise from the top of the chart; 1 is the host’s (主位), facing the door.' }),
    angle: t.exposeFloat('angle', { description: 'Degrees clockwise from the top (the door is at 180).' }),
    x: t.exposeFloat('x'),
    y: t.exposeFloat('y', { description: 'Grows away from the door.' }),
    person: t.field({ type: SeatedPersonRef, nullable: true, resolve: (s) => s.person }),
    rule: t.field({ type: SeatingRuleEnum, nullable: true, resolve: (s) => s.rule as never }),
  }),
});

const ServingStepRef = builder.objectRef<ServingStep>('ServingStep').implement({
  ...sg,
  fields: (t) => ({
    position: t.exposeInt('position'),
    seat: t.exposeInt('seat'),
    person: t.field({ type: SeatedPersonRef, resolve: (s) => s.person }),
    fromAngle: t.exposeFloat('fromAngle', { description: 'Where the waiter stands: on the person’s right (斟酒上菜由宾客右侧进行).' }),
    rule: t.field({ type: ServingRuleEnum, resolve: (s) => s.rule }),
  }),
});

type TableOfPlan = PlannedTable & { plan: BanquetPlan; heading: string };

const TableRef = builder.objectRef<TableOfPlan>('BanquetTable').implement({
  ...sg,
  fields: (t) => ({
    number: t.exposeInt('number', { description: '1 the main table, then by distance from it.' }),
    x: t.exposeFloat('x'),
    y: t.exposeFloat('y'),
    seats: t.field({ type: [SeatRef], resolve: (table) => table.seats }),
    servingOrder: t.field({ type: [ServingStepRef], description: '先主宾，后主人，先女宾，后男宾.', resolve: (table) => servingOrder(table) }),
    svg: t.string({ description: 'The table’s chart, an A4 SVG.', resolve: (table) => banquetTableSvg(table.plan, table.number, { title: table.heading }) }),
  }),
});

const BrokenRuleRef = builder.objectRef<BrokenRule>('BrokenSeatingRule').implement({
  ...sg,
  fields: (t) => ({
    rule: t.exposeString('rule'),
    table: t.exposeInt('table', { nullable: true }),
    message: t.exposeString('message'),
  }),
});

type StoredBanquet = { mealId: string; plan: unknown; manualMoves: number; updatedAt: Date; meal: { kind: string; place: string | null } };

export const BanquetSeatingRef = builder.objectRef<StoredBanquet>('BanquetSeating').implement({
  ...sg,
  description: 'The seating plan of a meal (宴会座次): proposed from the protocol, adjusted by hand.',
  fields: (t) => ({
    seatsPerTable: t.int({ resolve: (s) => (s.plan as BanquetPlan).seatsPerTable }),
    secondHost: t.boolean({ description: 'A second host (副主人) faces the host.', resolve: (s) => (s.plan as BanquetPlan).protocol.secondHost }),
    secondGuest: t.string({ description: 'HOST_LEFT or FIRST_GUEST_RIGHT.', resolve: (s) => (s.plan as BanquetPlan).protocol.secondGuest }),
    tables: t.field({
      type: [TableRef],
      resolve: (s) => {
        const plan = s.plan as BanquetPlan;
        const heading = `宴会座次 · ${s.meal.place ?? s.meal.kind}`;
        return plan.tables.map((table) => ({ ...table, plan, heading }));
      },
    }),
    unseated: t.field({ type: [SeatedPersonRef], resolve: (s) => (s.plan as BanquetPlan).unseated }),
    brokenRules: t.field({
      type: [BrokenRuleRef],
      description: 'Rules the plan breaks (after moves by hand).',
      resolve: (s) => checkBanquetSeating(s.plan as BanquetPlan),
    }),
    manualMoves: t.exposeInt('manualMoves'),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const CarSeatRef = builder.objectRef<CarSeat>('CarSeat').implement({
  ...sg,
  fields: (t) => ({
    code: t.exposeString('code', { description: 'BACK_RIGHT, BACK_LEFT, BACK_MIDDLE, FRONT_RIGHT (beside the driver), R<row>C<n> in a coach …' }),
    label: t.exposeString('label'),
    row: t.exposeInt('row', { description: '0 is the front row, beside the driver.' }),
    person: t.field({ type: SeatedPersonRef, nullable: true, resolve: (s) => s.person }),
    role: t.field({ type: CarRoleEnum, nullable: true, resolve: (s) => (s.person as CarPassenger | null)?.role ?? null }),
    rule: t.field({ type: CarRuleEnum, nullable: true, resolve: (s) => s.rule as never }),
  }),
});

type StoredCar = { plan: unknown; updatedAt: Date; vehicle: { plate: string | null; driverName: string | null; kind: string } };

export const VehicleSeatingRef = builder.objectRef<StoredCar>('VehicleSeating').implement({
  ...sg,
  description: 'Who sits where in a vehicle (乘车座次): right above left, back above front.',
  fields: (t) => ({
    seats: t.field({ type: [CarSeatRef], resolve: (s) => (s.plan as StoredVehicleSeating).seats }),
    svg: t.string({
      description: 'The vehicle’s chart, an A4 SVG.',
      resolve: (s) =>
        vehicleSvg(s.plan as StoredVehicleSeating, {
          title: `乘车座次 · ${s.vehicle.plate ?? s.vehicle.kind}`,
          plate: s.vehicle.plate,
          driverName: s.vehicle.driverName,
        }),
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectField('Meal', 'banquetSeating', (t) =>
  t.field({
    type: BanquetSeatingRef,
    nullable: true,
    ...sg,
    description: 'The seating plan of the meal (宴会座次), once proposed.',
    select: { id: true, kind: true, place: true },
    resolve: async (meal, _args, ctx) => {
      const row = await ctx.db.banquetSeating.findFirst({ where: { mealId: meal.id } });
      return row && { ...row, meal: { kind: meal.kind, place: meal.place } };
    },
  }),
);

builder.prismaObjectField('Vehicle', 'seating', (t) =>
  t.field({
    type: VehicleSeatingRef,
    nullable: true,
    ...sg,
    description: 'Who sits where (乘车座次), once proposed.',
    select: { id: true, plate: true, driverName: true, kind: true },
    resolve: async (vehicle, _args, ctx) => {
      const row = await ctx.db.vehicleSeating.findFirst({ where: { vehicleId: vehicle.id } });
      return row && { ...row, vehicle: { plate: vehicle.plate, driverName: vehicle.driverName, kind: vehicle.kind } };
    },
  }),
);
