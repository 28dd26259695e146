import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { HOSPITAL, ServicePointRef } from './service-point.ts';
import { HospitalRoutineError } from './service-point-round.errors.ts';
import { PeakHourRef } from './peak-window.ts';
import { type PeakHour, recordHour, setPeakPlan } from './peak-window.service.ts';

const PeakPlanPayload = builder
  .objectRef<{ servicePointId: string; patientsPerWindowHour: number; expectedLoad: number[] | null }>('ServicePointPeakPlanPayload')
  .implement({
    subGraphs: HOSPITAL,
    fields: (t) => ({
      servicePoint: t.prismaField({
        type: 'ServicePoint',
        resolve: (query, p, _a, ctx) => ctx.db.servicePoint.findUniqueOrThrow({ ...query, where: { id: p.servicePointId } }),
      }),
      patientsPerWindowHour: t.exposeInt('patientsPerWindowHour'),
      expectedLoad: t.exposeIntList('expectedLoad', { nullable: true, description: 'Entered patients per hour 0–23; null: derived from recorded hours.' }),
    }),
  });
const HourPayload = builder.objectRef<{ servicePointId: string; date: string; hour: PeakHour }>('RecordServicePointHourPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    date: t.exposeString('date'),
    hour: t.field({ type: PeakHourRef, resolve: (p) => p.hour }),
  }),
});

mutationField({
  name: 'setServicePointPeakPlan',
  payload: PeakPlanPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'COORDINATOR' },
  errors: [HospitalRoutineError],
  input: (t) => ({
    servicePointId: t.globalID({ required: true, for: [ServicePointRef] }),
    patientsPerWindowHour: t.int({ required: true, description: 'Patients one open window serves in an hour.' }),
    expectedLoad: t.intList({ required: false, description: 'Expected patients per local hour 0–23 (24 numbers); omitted: derived from the recorded hours.' }),
  }),
  run: async (deps, input) => {
    const plan = await setPeakPlan(deps, {
      servicePointId: input.servicePointId.id,
      patientsPerWindowHour: input.patientsPerWindowHour,
      expectedLoad: input.expectedLoad ?? null,
    });
    return {
      servicePointId: plan.servicePointId,
      patientsPerWindowHour: plan.patientsPerWindowHour,
      expectedLoad: plan.expectedLoad.length ? plan.expectedLoad : null,
    };
  },
});

mutationField({
  name: 'recordServicePointHour',
  payload: HourPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  errors: [HospitalRoutineError],
  description: 'Records the windows open (and patients counted) in one local hour of a service point; recording again corrects it.',
  input: (t) => ({
    servicePointId: t.globalID({ required: true, for: [ServicePointRef] }),
    date: t.string({ required: true, description: 'YYYY-MM-DD, the local day.' }),
    hour: t.int({ required: true, description: 'Local hour 0–23.' }),
    windowsOpen: t.int({ required: true }),
    patients: t.int({ required: false }),
  }),
  run: (deps, input) => recordHour(deps, { ...input, servicePointId: input.servicePointId.id }),
});
