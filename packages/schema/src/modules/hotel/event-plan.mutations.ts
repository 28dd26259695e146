// The event plan's revisions: mutation (thin over the service).
import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { HOTEL } from './hotel-area.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { HotelEventRef } from './hotel-event.ts';
import { reviseEventPlan } from './event-plan.service.ts';

const VersionPayload = builder.objectRef<{ versionId: string }>('HotelEventPlanVersionPayload').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    version: t.prismaField({
      type: 'HotelEventPlanVersion',
      resolve: (query, p, _a, ctx) => ctx.db.hotelEventPlanVersion.findUniqueOrThrow({ ...query, where: { id: p.versionId } }),
    }),
  }),
});
const SectionInput = builder.inputType('HotelEventPlanSectionInput', {
  subGraphs: HOTEL,
  fields: (t) => ({ heading: t.string({ required: true }), body: t.string({ required: true }) }),
});

mutationField({
  name: 'reviseHotelEventPlan',
  payload: VersionPayload,
  subGraphs: HOTEL,
  authScopes: { role: 'COORDINATOR' },
  description:
    'Writes the next version of the event plan (制定并修改接待方案) from the latest (`baseNumber`; 0 for the first); a stale base is refused (CONFLICT).',
  errors: [HotelEventError],
  input: (t) => ({
    eventId: t.globalID({ required: true, for: [HotelEventRef] }),
    baseNumber: t.int({ required: true }),
    sections: t.field({ type: [SectionInput], required: true }),
    note: t.string({ required: false }),
  }),
  run: async (deps, input) => ({
    versionId: (await reviseEventPlan(deps, { eventId: input.eventId.id, baseNumber: input.baseNumber, sections: input.sections, note: input.note })).id,
  }),
});
