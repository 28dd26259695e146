// The emergency green channel in the hospital's schema: cases (no personal data), their deferred
// paperwork (shared tasks), the patient (PATIENT_DATA only, null for anyone else: RLS), the board of
// open cases and the statistics.
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import { isoMonth } from '../../shared/dates.ts';
import '../shared/tasks/task.ts';
import { monthStart } from './complaint.rules.ts';
import { ARRIVAL_MODES, greenChannelPaperworkPolicy, greenChannelStatisticsOf } from './green-channel.service.ts';
import { doorToTreatmentMinutes, PAPERWORK_KINDS, paperworkState, type GreenChannelStatistics, type PaperworkDeadline } from './green-channel.rules.ts';
import { HOSPITAL } from './service-point.ts';

export const ArrivalModeEnum = builder.enumType('GreenChannelArrivalMode', { values: ARRIVAL_MODES, subGraphs: HOSPITAL });
const StatusEnum = builder.enumType('GreenChannelStatus', { values: ['OPEN', 'CLOSED'] as const, subGraphs: HOSPITAL });
const PaperworkKindEnum = builder.enumType('GreenChannelPaperworkKind', { values: PAPERWORK_KINDS, subGraphs: HOSPITAL });
const PaperworkStateEnum = builder.enumType('GreenChannelPaperworkState', {
  values: ['ON_TIME', 'LATE', 'OPEN', 'OVERDUE'] as const,
  subGraphs: HOSPITAL,
  description: 'Done by its deadline, done after it, not done and not yet due, not done and past due.',
});

export const GreenChannelCaseRef = builder.prismaNode('GreenChannelCase', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description: 'An emergency green-channel case (绿色通道: 先抢救, 后补办手续). No personal data: see `patient` (PATIENT_DATA).',
  fields: (t) => ({
    arrivedAt: t.expose('arrivedAt', { type: 'DateTime' }),
    arrivalMode: t.field({ type: ArrivalModeEnum, resolve: (c) => c.arrivalMode }),
    triageLevel: t.exposeInt('triageLevel', { description: '急诊预检分级: 1 (I, most urgent) to 4 (IV).' }),
    status: t.field({ type: StatusEnum, resolve: (c) => c.status }),
    treatmentStartedAt: t.expose('treatmentStartedAt', { type: 'DateTime', nullable: true }),
    doorToTreatmentMinutes: t.float({ nullable: true, resolve: (c) => doorToTreatmentMinutes(c) }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    outcome: t.exposeString('outcome', { nullable: true }),
    paperwork: t.relation('paperwork', {
      query: { orderBy: { dueAt: 'asc' } },
      description: 'The deferred paperwork (registration, consent, payment) and its tasks.',
    }),
    patient: t.relation('patient', {
      nullable: true,
      description: 'Who the patient is: null without PATIENT_DATA (row-level security), or before it is recorded.',
    }),
    version: t.exposeInt('version'),
  }),
});

export const PaperworkDeadlineRef = builder.objectRef<PaperworkDeadline>('GreenChannelPaperworkDeadline').implement({
  subGraphs: HOSPITAL,
  description: 'How many hours after arrival a kind of deferred paperwork is due (the tenant’s setting, or the default).',
  fields: (t) => ({
    kind: t.field({ type: PaperworkKindEnum, resolve: (p) => p.kind }),
    hours: t.exposeInt('hours'),
  }),
});

builder.prismaObject('GreenChannelPaperwork', {
  subGraphs: HOSPITAL,
  fields: (t) => ({
    kind: t.field({ type: PaperworkKindEnum, resolve: (p) => p.kind }),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    task: t.relation('task', { description: 'The shared task: completing it completes the paperwork.' }),
    state: t.field({
      type: PaperworkStateEnum,
      select: { task: { select: { status: true, completedAt: true } } },
      resolve: (p, _args) => paperworkState({ dueAt: p.dueAt, completedAt: p.task.completedAt, done: p.task.status === 'DONE' }, new Date()),
    }),
  }),
});

builder.prismaObject('GreenChannelPatient', {
  subGraphs: HOSPITAL,
  authScopes: { role: 'PATIENT_DATA' },
  description: "A green-channel patient's identity: personal health data, for PATIENT_DATA holders only.",
  fields: (t) => ({
    name: t.exposeString('name', { nullable: true }),
    medicalRecordNo: t.exposeString('medicalRecordNo', { nullable: true }),
    chiefComplaint: t.exposeString('chiefComplaint', { nullable: true, description: '主诉' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const PaperworkCountsRef = builder.objectRef<GreenChannelStatistics['paperwork']>('GreenChannelPaperworkCounts').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    total: t.exposeInt('total'),
    onTime: t.exposeInt('onTime'),
    late: t.exposeInt('late'),
    open: t.exposeInt('open'),
    overdue: t.exposeInt('overdue'),
  }),
});

const StatisticsRef = builder.objectRef<GreenChannelStatistics>('GreenChannelStatistics').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    cases: t.exposeInt('cases'),
    treated: t.exposeInt('treated'),
    averageDoorToTreatmentMinutes: t.exposeFloat('averageDoorToTreatmentMinutes', { nullable: true }),
    medianDoorToTreatmentMinutes: t.exposeFloat('medianDoorToTreatmentMinutes', { nullable: true }),
    paperwork: t.field({ type: PaperworkCountsRef, resolve: (s) => s.paperwork }),
    paperworkOnTimeRate: t.exposeFloat('paperworkOnTimeRate', { nullable: true, description: 'Done on time, of the paperwork done or past due (0–1).' }),
  }),
});

function month(value: string, name: string): string {
  const parsed = isoMonth.safeParse(value);
  if (!parsed.success) throw new GraphQLError(`${name}: ${parsed.error.issues[0]?.message}`, { extensions: { code: 'BAD_USER_INPUT', field: name } });
  return value;
}

builder.queryFields((t) => ({
  greenChannelPaperworkPolicy: t.field({
    type: [PaperworkDeadlineRef],
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    description: 'How many hours after arrival registration, consent and payment are due for new cases (defaults 2, 6, 48).',
    resolve: (_root, _args, ctx) => greenChannelPaperworkPolicy(ctx),
  }),
  greenChannelBoard: t.prismaField({
    type: ['GreenChannelCase'],
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    description: 'The open green-channel cases, most urgent first (triage level, then arrival). Live: greenChannelChanged.',
    resolve: (query, _root, _args, ctx) =>
      ctx.db.greenChannelCase.findMany({ ...query, where: { status: 'OPEN' }, orderBy: [{ triageLevel: 'asc' }, { arrivedAt: 'asc' }], take: 200 }),
  }),
  greenChannelStatistics: t.field({
    type: StatisticsRef,
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    description: 'Door-to-treatment time and paperwork completed on time, of the cases arrived in the months `from`..`to` (YYYY-MM, tenant’s time zone).',
    args: { from: t.arg.string({ required: true }), to: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const from = month(args.from, 'from');
      const to = month(args.to, 'to');
      if (to < from) throw new GraphQLError('to: not before from', { extensions: { code: 'BAD_USER_INPUT', field: 'to' } });
      const tenant = await ctx.db.tenant.findUniqueOrThrow({ where: { id: ctx.access.tenantId! }, select: { timeZone: true } });
      return greenChannelStatisticsOf(ctx, { from: monthStart(from, tenant.timeZone), to: monthStart(to, tenant.timeZone, 1) });
    },
  }),
}));
