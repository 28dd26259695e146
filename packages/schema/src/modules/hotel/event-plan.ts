// The event plan and its revisions: types (the hotel's schema only).
import { builder } from '../../builder.ts';
import { HOTEL } from './hotel-area.ts';
import type { PlanSection, SectionDiff } from './event-plan.diff.ts';
import { eventPlanDiff } from './event-plan.service.ts';

const SectionRef = builder.objectRef<PlanSection>('HotelEventPlanSection').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ heading: t.exposeString('heading'), body: t.exposeString('body') }),
});
const ChangedRef = builder.objectRef<SectionDiff['changed'][number]>('HotelEventPlanSectionChange').implement({
  subGraphs: HOTEL,
  fields: (t) => ({ heading: t.exposeString('heading'), before: t.exposeString('before'), after: t.exposeString('after') }),
});
const DiffRef = builder.objectRef<SectionDiff>('HotelEventPlanDiff').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    added: t.field({ type: [SectionRef], resolve: (d) => d.added }),
    removed: t.field({ type: [SectionRef], resolve: (d) => d.removed }),
    changed: t.field({ type: [ChangedRef], resolve: (d) => d.changed }),
  }),
});

export const HotelEventPlanVersionRef = builder.prismaNode('HotelEventPlanVersion', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOTEL,
  description: 'A version of the event plan (接待方案), never changed once written.',
  fields: (t) => ({
    number: t.exposeInt('number'),
    sections: t.field({ type: [SectionRef], resolve: (v) => v.sections as unknown as PlanSection[] }),
    note: t.exposeString('note', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectFields('HotelEvent', (t) => ({
  planVersions: t.relation('planVersions', { query: { orderBy: { number: 'asc' } } }),
  planDiff: t.field({
    type: DiffRef,
    nullable: true,
    description: 'What changed between two versions of the event plan (sections by heading); null when a version does not exist.',
    args: { from: t.arg.int({ required: true }), to: t.arg.int({ required: true }) },
    resolve: (e, args, ctx) => eventPlanDiff(ctx, e.id, args.from, args.to),
  }),
}));
