import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { VisitRef } from '../shared/visits/visit.ts';
import { ProtocolError } from './government.errors.ts';
import { moveBanquetSeat, moveCarSeat, proposeBanquetSeating, proposeCarSeating } from './seating.service.ts';

const GOV: ['government'] = ['government'];

const SecondGuestEnum = builder.enumType('SecondGuestRule', {
  subGraphs: GOV,
  values: {
    HOST_LEFT: { description: '第二主宾在主人左侧' },
    FIRST_GUEST_RIGHT: { description: '第二主宾在第一主宾右侧' },
  },
});

const SeatingPayload = builder.objectRef<{ visitId: string; mealId: string | null }>('SeatingPayload').implement({
  subGraphs: GOV,
  fields: (t) => ({
    visit: t.prismaField({ type: 'Visit', resolve: (query, p, _a, ctx) => ctx.db.visit.findUniqueOrThrow({ ...query, where: { id: p.visitId } }) }),
    meal: t.prismaField({
      type: 'Meal',
      nullable: true,
      resolve: (query, p, _a, ctx) => (p.mealId ? ctx.db.meal.findUnique({ ...query, where: { id: p.mealId } }) : null),
    }),
  }),
});

/** A global id of the given type, or NOT_FOUND. */
function idOf(globalId: { typename: string; id: string }, ...types: string[]) {
  if (!types.includes(globalId.typename)) throw new ProtocolError('NOT_FOUND', `Expected the id of a ${types.join(' or ')}`);
  return globalId.id;
}

mutationField({
  name: 'proposeBanquetSeating',
  payload: SeatingPayload,
  subGraphs: GOV,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Computes the seating of a meal from the protocol (主人面门, 第一主宾在主人右侧 …) and stores it as the proposal, replacing moves by hand. Defaults: tables of ten, as many tables as the people need.',
  errors: [ProtocolError],
  input: (t) => ({
    mealId: t.globalID({ required: true }),
    expectedVersion: t.int({ required: true, description: 'The visit’s version.' }),
    tables: t.int({ required: false, description: '1–10.' }),
    seatsPerTable: t.int({ required: false, description: '4–24.' }),
    secondGuest: t.field({ type: SecondGuestEnum, required: false }),
    secondHost: t.boolean({ required: false, description: 'A second host (副主人) facing the host at the main table.' }),
  }),
  run: async (deps, { mealId, ...input }) => {
    const meal = await proposeBanquetSeating(deps, { ...input, mealId: idOf(mealId, 'Meal') });
    const row = await deps.db.meal.findUniqueOrThrow({ where: { id: meal.mealId }, select: { visitId: true } });
    return { visitId: row.visitId, mealId: meal.mealId };
  },
});

mutationField({
  name: 'moveBanquetSeat',
  payload: SeatingPayload,
  subGraphs: GOV,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Moves a person to a seat by hand (whoever sat there takes their seat). A move that breaks a rule is kept and shows as a plan issue (SEATING_RULE_BROKEN) naming the rule.',
  errors: [ProtocolError],
  input: (t) => ({
    mealId: t.globalID({ required: true }),
    expectedVersion: t.int({ required: true }),
    personId: t.globalID({ required: true, description: 'A VisitGuest or a Membership in the plan.' }),
    table: t.int({ required: true }),
    seat: t.int({ required: true }),
  }),
  run: async (deps, { mealId, personId, ...input }) => {
    const saved = await moveBanquetSeat(deps, { ...input, mealId: idOf(mealId, 'Meal'), personId: idOf(personId, 'VisitGuest', 'Membership') });
    const row = await deps.db.meal.findUniqueOrThrow({ where: { id: saved.mealId }, select: { visitId: true } });
    return { visitId: row.visitId, mealId: saved.mealId };
  },
});

mutationField({
  name: 'proposeCarSeating',
  payload: SeatingPayload,
  subGraphs: GOV,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Seats the visit’s guests and hosts in its vehicles (the principal guest back right with the host leader back left, staff beside the driver; coaches by rows) and stores each vehicle’s seating.',
  errors: [ProtocolError],
  input: (t) => ({ visitId: t.globalID({ required: true, for: [VisitRef] }), expectedVersion: t.int({ required: true }) }),
  run: async (deps, { visitId, expectedVersion }) => {
    await proposeCarSeating(deps, { visitId: visitId.id, expectedVersion });
    return { visitId: visitId.id, mealId: null };
  },
});

mutationField({
  name: 'moveCarSeat',
  payload: SeatingPayload,
  subGraphs: GOV,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Moves a person to a seat of a vehicle by hand (whoever sat there takes their seat, in this or another vehicle of the visit). A move that breaks a rule is kept and shows as a plan issue (CAR_SEATING_RULE_BROKEN) naming the rule.',
  errors: [ProtocolError],
  input: (t) => ({
    vehicleId: t.globalID({ required: true }),
    expectedVersion: t.int({ required: true, description: 'The visit’s version.' }),
    personId: t.globalID({ required: true, description: 'A VisitGuest or a Membership in the car seating.' }),
    seat: t.string({ required: true, description: 'The seat’s code: BACK_RIGHT, BACK_LEFT, BACK_MIDDLE, FRONT_RIGHT, R<row>C<n> …' }),
  }),
  run: async (deps, { vehicleId, personId, ...input }) => {
    const moved = await moveCarSeat(deps, { ...input, vehicleId: idOf(vehicleId, 'Vehicle'), personId: idOf(personId, 'VisitGuest', 'Membership') });
    return { visitId: moved.visitId, mealId: null };
  },
});
