import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { VehicleKindEnum, VisitRef } from '../shared/visits/visit.ts';
import { ProtocolError } from './government.errors.ts';
import { ReceptionStandardRef } from './reception-standard.ts';
import { defineReceptionStandard, setVisitReceptionStandard } from './reception-standard.service.ts';

const GOV: ['government'] = ['government'];

const ReceptionStandardPayload = builder.objectRef<{ id: string }>('ReceptionStandardPayload').implement({
  subGraphs: GOV,
  fields: (t) => ({
    receptionStandard: t.prismaField({
      type: 'ReceptionStandard',
      resolve: (query, p, _a, ctx) => ctx.db.receptionStandard.findUniqueOrThrow({ ...query, where: { id: p.id } }),
    }),
  }),
});
const VisitStandardPayload = builder.objectRef<{ visitId: string }>('VisitReceptionStandardPayload').implement({
  subGraphs: GOV,
  fields: (t) => ({
    visit: t.prismaField({ type: 'Visit', resolve: (query, p, _a, ctx) => ctx.db.visit.findUniqueOrThrow({ ...query, where: { id: p.visitId } }) }),
  }),
});

mutationField({
  name: 'defineReceptionStandard',
  payload: ReceptionStandardPayload,
  subGraphs: GOV,
  authScopes: { role: 'TENANT_ADMIN' },
  description: 'Adds a standard to the tenant’s table of reception standards (接待标准).',
  errors: [ProtocolError],
  input: (t) => ({
    name: t.string({ required: true }),
    minRankLevel: t.int({ required: true, description: 'The highest rank covered (1 is the highest).' }),
    maxRankLevel: t.int({ required: true }),
    lodgingClass: t.string({ required: true }),
    mealAllowancePerHead: t.field({ type: 'Decimal', required: true, description: 'Per guest and meal.' }),
    vehicleClass: t.field({ type: VehicleKindEnum, required: true }),
    greetingLeaderLevel: t.int({ required: false }),
    giftLimitPerHead: t.field({ type: 'Decimal', required: false }),
    reportUp: t.boolean({ required: false, description: 'Visits of these ranks are reported up to the city leaders (向市领导汇报).' }),
  }),
  run: async (deps, input) => ({ id: (await defineReceptionStandard(deps, input)).id }),
});

mutationField({
  name: 'setVisitReceptionStandard',
  payload: VisitStandardPayload,
  subGraphs: GOV,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Sets the visit’s reception standard: the one named, or the one its principal guest’s rank proposes. Figures given override the standard’s and need overrideReason. After approval this re-opens approval.',
  errors: [ProtocolError],
  input: (t) => ({
    visitId: t.globalID({ required: true, for: [VisitRef] }),
    expectedVersion: t.int({ required: true }),
    standardId: t.globalID({ required: false, for: [ReceptionStandardRef], description: 'Leave out to take the standard of the principal guest’s rank.' }),
    lodgingClass: t.string({ required: false }),
    mealAllowancePerHead: t.field({ type: 'Decimal', required: false }),
    vehicleClass: t.field({ type: VehicleKindEnum, required: false }),
    greetingLeaderLevel: t.int({ required: false }),
    giftLimitPerHead: t.field({ type: 'Decimal', required: false }),
    overrideReason: t.string({ required: false }),
  }),
  run: async (deps, { visitId, standardId, ...input }) => {
    await setVisitReceptionStandard(deps, { ...input, visitId: visitId.id, standardId: standardId?.id ?? null });
    return { visitId: visitId.id };
  },
});
