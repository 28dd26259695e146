import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { HOSPITAL, ServicePointKindEnum } from './service-point.ts';
import { RoundPhaseEnum, RoundTemplateRef } from './service-point-round.ts';
import { HospitalRoutineError } from './service-point-round.errors.ts';
import { createRoundTemplate, ensureRoundsForDay, tenantToday, updateRoundTemplate } from './service-point-round.service.ts';

const RoundTemplatePayload = builder.objectRef<{ template: { id: string } }>('ServicePointRoundTemplatePayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ template: t.field({ type: RoundTemplateRef, resolve: (p) => p.template as never }) }),
});
const RoundsCreatedPayload = builder.objectRef<{ date: string; created: number }>('CreateServicePointRoundsPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    date: t.exposeString('date'),
    created: t.exposeInt('created', { description: 'Rounds made by this call (0 when the day had them all already).' }),
  }),
});

mutationField({
  name: 'createServicePointRoundTemplate',
  payload: RoundTemplatePayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [HospitalRoutineError],
  input: (t) => ({
    servicePointKind: t.field({ type: ServicePointKindEnum, required: true }),
    phase: t.field({ type: RoundPhaseEnum, required: true }),
    name: t.string({ required: true }),
    startsAt: t.string({ required: true, description: "Local time HH:MM (the tenant's time zone)." }),
    durationMinutes: t.int({ required: true }),
    checks: t.stringList({ required: true }),
    assigneeRole: t.string({ required: false, description: 'TENANT_ADMIN, COORDINATOR or STAFF (default).' }),
  }),
  idempotency: {
    reload: {
      id: (p) => p.template.id,
      load: async (deps, id) => ({ template: await deps.db.servicePointRoundTemplate.findUniqueOrThrow({ where: { id } }) }),
    },
  },
  run: async (deps, input) => ({
    template: await createRoundTemplate(deps, { ...input, assigneeRole: (input.assigneeRole ?? 'STAFF') as 'STAFF' }),
  }),
});

mutationField({
  name: 'updateServicePointRoundTemplate',
  payload: RoundTemplatePayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [HospitalRoutineError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [RoundTemplateRef] }),
    name: t.string({ required: false }),
    phase: t.field({ type: RoundPhaseEnum, required: false }),
    startsAt: t.string({ required: false }),
    durationMinutes: t.int({ required: false }),
    checks: t.stringList({ required: false }),
    assigneeRole: t.string({ required: false }),
    active: t.boolean({ required: false, description: 'false: no more rounds from this template (rounds made stay).' }),
  }),
  run: async (deps, { id, ...input }) => {
    const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== null && v !== undefined));
    return { template: await updateRoundTemplate(deps, id.id, defined) };
  },
});

mutationField({
  name: 'createServicePointRounds',
  payload: RoundsCreatedPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'COORDINATOR' },
  errors: [HospitalRoutineError],
  description:
    "Makes a day's rounds now (the schedule makes each day's by itself): e.g. after adding a template or a service point. Idempotent: rounds that exist are kept.",
  input: (t) => ({ date: t.string({ required: false, description: "YYYY-MM-DD (default: today in the tenant's time zone)." }) }),
  run: async (deps, input) => ensureRoundsForDay(deps, { date: input.date ?? (await tenantToday(deps, new Date())) }),
});
