// Complaints and suggestions (投诉与建议) in the hospital's schema: the type, the policy, the list (a
// connection), and the statistics by department, category and month.
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import { isoMonth } from '../../shared/dates.ts';
import { connectionNamed, edgeNamed } from '../../shared/connections.ts';
import { DepartmentRef } from '../core/tenancy/department.ts';
import '../core/identity/user.ts';
import '../shared/assessments/assessment.ts';
import { HOSPITAL } from './service-point.ts';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_SEVERITIES,
  monthStart,
  overdueDeadlines,
  type Bucket,
  type ComplaintStatistics,
  type DeadlinePolicy,
} from './complaint.rules.ts';
import { COMPLAINT_CHANNELS, COMPLAINT_KINDS, COMPLAINT_STATUSES, complaintPolicy, complaintStatisticsOf, RESPONSE_CHANNELS } from './complaint.service.ts';

export const ComplaintKindEnum = builder.enumType('ComplaintKind', { values: COMPLAINT_KINDS, subGraphs: [...HOSPITAL, 'public'] });
export const ComplaintCategoryEnum = builder.enumType('ComplaintCategory', {
  values: COMPLAINT_CATEGORIES,
  subGraphs: [...HOSPITAL, 'public'],
  description: 'What a complaint is about: attitude, waiting, medical care, fees, environment, communication, process, other.',
});
export const ComplaintSeverityEnum = builder.enumType('ComplaintSeverity', { values: COMPLAINT_SEVERITIES, subGraphs: HOSPITAL });
export const ComplaintStatusEnum = builder.enumType('ComplaintStatus', { values: COMPLAINT_STATUSES, subGraphs: HOSPITAL });
export const ComplaintChannelEnum = builder.enumType('ComplaintChannel', { values: COMPLAINT_CHANNELS, subGraphs: HOSPITAL });
export const ComplaintResponseChannelEnum = builder.enumType('ComplaintResponseChannel', { values: RESPONSE_CHANNELS, subGraphs: HOSPITAL });
export const ComplaintDeadlineKindEnum = builder.enumType('ComplaintDeadlineKind', { values: ['ACKNOWLEDGEMENT', 'RESPONSE'] as const, subGraphs: HOSPITAL });

export const ComplaintRef = builder.prismaNode('Complaint', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description: 'A complaint or suggestion (投诉与建议) of a patient or family, with its handling and deadlines.',
  fields: (t) => ({
    kind: t.field({ type: ComplaintKindEnum, resolve: (c) => c.kind }),
    category: t.field({ type: ComplaintCategoryEnum, resolve: (c) => c.category }),
    severity: t.field({ type: ComplaintSeverityEnum, resolve: (c) => c.severity }),
    status: t.field({ type: ComplaintStatusEnum, resolve: (c) => c.status }),
    channel: t.field({
      type: ComplaintChannelEnum,
      resolve: (c) => c.channel,
      description: 'Taken by staff, sent by an API client, or by a patient through a public link.',
    }),
    summary: t.exposeString('summary'),
    department: t.relation('department', { nullable: true }),
    servicePoint: t.relation('servicePoint', { nullable: true }),
    complainantName: t.string({
      nullable: true,
      description: 'Who complained: for PATIENT_DATA holders only (row-level security), null to anyone else.',
      select: { complainant: { select: { name: true } } },
      resolve: (c) => c.complainant?.name ?? null,
    }),
    complainantContact: t.string({
      nullable: true,
      description: 'Where the response goes (phone, address, e-mail): for PATIENT_DATA holders only (row-level security), null to anyone else.',
      select: { complainant: { select: { contact: true } } },
      resolve: (c) => c.complainant?.contact ?? null,
    }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    acknowledgeDueAt: t.expose('acknowledgeDueAt', { type: 'DateTime' }),
    respondDueAt: t.expose('respondDueAt', { type: 'DateTime' }),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    assignee: t.relation('assignee', { nullable: true }),
    assignedAt: t.expose('assignedAt', { type: 'DateTime', nullable: true }),
    respondedAt: t.expose('respondedAt', { type: 'DateTime', nullable: true }),
    response: t.exposeString('response', { nullable: true, description: 'The response sent to the complainant.' }),
    responseChannel: t.field({ type: ComplaintResponseChannelEnum, nullable: true, resolve: (c) => c.responseChannel }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    satisfaction: t.exposeInt('satisfaction', { nullable: true, description: "The complainant's satisfaction with the handling, 1–5." }),
    closingNote: t.exposeString('closingNote', { nullable: true }),
    overdue: t.field({
      type: [ComplaintDeadlineKindEnum],
      description: 'The deadlines passed now without the step done (empty when on time).',
      resolve: (c) => overdueDeadlines(c, new Date()),
    }),
    escalations: t.relation('escalations', { query: { orderBy: { dueAt: 'asc' } } }),
    finding: t.relation('finding', { nullable: true, description: 'The assessment finding this complaint opened, if any.' }),
    surveyResponse: t.relation('surveyResponse', {
      nullable: true,
      description: 'The discharge follow-up answer that asked for this complaint (channel FOLLOW_UP).',
    }),
    version: t.exposeInt('version', { description: 'Pass as expectedVersion to refuse a change made meanwhile (CONFLICT).' }),
  }),
});

builder.prismaObject('ComplaintEscalation', {
  subGraphs: HOSPITAL,
  description: 'A deadline of a complaint that passed, recorded once when it was escalated.',
  fields: (t) => ({
    deadline: t.field({ type: ComplaintDeadlineKindEnum, resolve: (e) => e.deadline }),
    dueAt: t.expose('dueAt', { type: 'DateTime' }),
    escalatedAt: t.expose('escalatedAt', { type: 'DateTime' }),
    task: t.relation('task', {
      nullable: true,
      description: "The task the escalation gave the department's coordinator (none for escalations recorded before tasks were made).",
    }),
  }),
});

// A finding (shared assessments) names the complaint that opened it, in the hospital's schema only.
builder.prismaObjectField('Finding', 'complaint', (t) =>
  t.relation('complaint', {
    nullable: true,
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    description: 'The complaint that opened this finding, if any.',
  }),
);

export const ComplaintDeadlinePolicyRef = builder.objectRef<DeadlinePolicy>('ComplaintDeadlinePolicy').implement({
  subGraphs: HOSPITAL,
  description: 'How soon a complaint of a severity is acknowledged and answered (the tenant’s policy, or the defaults).',
  fields: (t) => ({
    severity: t.field({ type: ComplaintSeverityEnum, resolve: (p) => p.severity }),
    acknowledgeMinutes: t.exposeInt('acknowledgeMinutes'),
    respondMinutes: t.exposeInt('respondMinutes'),
  }),
});

const ComplaintFilter = builder.inputType('ComplaintFilter', {
  subGraphs: HOSPITAL,
  fields: (t) => ({
    status: t.field({ type: [ComplaintStatusEnum], required: false }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    category: t.field({ type: ComplaintCategoryEnum, required: false }),
    overdue: t.boolean({ required: false, description: 'Only those with a deadline passed now and the step not done.' }),
  }),
});

type FilterShape = {
  status?: readonly (typeof COMPLAINT_STATUSES)[number][] | null;
  departmentId?: { id: string } | null;
  category?: (typeof COMPLAINT_CATEGORIES)[number] | null;
  overdue?: boolean | null;
};
function where(filter: FilterShape | null | undefined, now = new Date()) {
  return {
    ...(filter?.status?.length ? { status: { in: [...filter.status] } } : {}),
    ...(filter?.departmentId ? { departmentId: filter.departmentId.id } : {}),
    ...(filter?.category ? { category: filter.category } : {}),
    ...(filter?.overdue
      ? {
          status: { in: (filter.status?.length ? filter.status : COMPLAINT_STATUSES).filter((s) => s === 'NEW' || s === 'ACKNOWLEDGED') },
          OR: [
            { acknowledgedAt: null, acknowledgeDueAt: { lt: now } },
            { respondedAt: null, respondDueAt: { lt: now } },
          ],
        }
      : {}),
  };
}

const LATE = 'Answered after the response deadline, or unanswered and past it.';
const SATISFACTION = 'Mean satisfaction (1–5) of those that gave it; null when none did.';
const DepartmentBucket = builder.objectRef<Bucket<string | null>>('ComplaintDepartmentCount').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    department: t.prismaField({
      type: 'Department',
      nullable: true,
      description: 'Null: complaints without a department.',
      resolve: (query, b, _args, ctx) => (b.key ? ctx.db.department.findUnique({ ...query, where: { id: b.key } }) : null),
    }),
    count: t.exposeInt('count'),
    late: t.exposeInt('late', { description: LATE }),
    averageSatisfaction: t.exposeFloat('averageSatisfaction', { nullable: true, description: SATISFACTION }),
  }),
});
const CategoryBucket = builder.objectRef<Bucket<(typeof COMPLAINT_CATEGORIES)[number]>>('ComplaintCategoryCount').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    category: t.field({ type: ComplaintCategoryEnum, resolve: (b) => b.key }),
    count: t.exposeInt('count'),
    late: t.exposeInt('late', { description: LATE }),
    averageSatisfaction: t.exposeFloat('averageSatisfaction', { nullable: true, description: SATISFACTION }),
  }),
});
const MonthBucket = builder.objectRef<Bucket<string>>('ComplaintMonthCount').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    month: t.exposeString('key', { description: 'YYYY-MM, in the tenant’s time zone.' }),
    count: t.exposeInt('count'),
    late: t.exposeInt('late', { description: LATE }),
    averageSatisfaction: t.exposeFloat('averageSatisfaction', { nullable: true, description: SATISFACTION }),
  }),
});

const ComplaintStatisticsRef = builder.objectRef<ComplaintStatistics>('ComplaintStatistics').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    total: t.exposeInt('total'),
    byDepartment: t.field({ type: [DepartmentBucket], resolve: (s) => s.byDepartment }),
    byCategory: t.field({ type: [CategoryBucket], resolve: (s) => s.byCategory }),
    byMonth: t.field({ type: [MonthBucket], resolve: (s) => s.byMonth }),
  }),
});

function month(value: string, name: string): string {
  const parsed = isoMonth.safeParse(value);
  if (!parsed.success) throw new GraphQLError(`${name}: ${parsed.error.issues[0]?.message}`, { extensions: { code: 'BAD_USER_INPUT', field: name } });
  return value;
}

builder.queryFields((t) => ({
  complaint: t.prismaField({
    type: 'Complaint',
    nullable: true,
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    args: { id: t.arg.globalID({ required: true, for: [ComplaintRef] }) },
    resolve: (query, _root, args, ctx) => ctx.db.complaint.findUnique({ ...query, where: { id: args.id.id } }),
  }),
  complaints: t.prismaConnection(
    {
      type: 'Complaint',
      cursor: 'id',
      subGraphs: HOSPITAL,
      authScopes: { role: 'STAFF' },
      description: 'Complaints and suggestions, newest first; `filter: { overdue: true }` shows those past a deadline.',
      args: { filter: t.arg({ type: ComplaintFilter, required: false }) },
      totalCount: (_root, args, ctx) => ctx.db.complaint.count({ where: where(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.complaint.findMany({ ...query, where: where(args.filter), orderBy: [{ receivedAt: 'desc' }, { id: 'asc' }] }),
    },
    connectionNamed('Complaint'),
    edgeNamed('Complaint'),
  ),
  complaintPolicy: t.field({
    type: [ComplaintDeadlinePolicyRef],
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    description: 'The deadlines per severity (the tenant’s own, or the defaults).',
    resolve: (_root, _args, ctx) => complaintPolicy(ctx),
  }),
  complaintStatistics: t.field({
    type: ComplaintStatisticsRef,
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    description: 'Complaints received in the months `from`..`to` (YYYY-MM, inclusive, in the tenant’s time zone) by department, category and month.',
    args: { from: t.arg.string({ required: true }), to: t.arg.string({ required: true }) },
    resolve: async (_root, args, ctx) => {
      const from = month(args.from, 'from');
      const to = month(args.to, 'to');
      if (to < from) throw new GraphQLError('to: not before from', { extensions: { code: 'BAD_USER_INPUT', field: 'to' } });
      const tenant = await ctx.db.tenant.findUniqueOrThrow({ where: { id: ctx.access.tenantId! }, select: { timeZone: true } });
      return complaintStatisticsOf(ctx, { from: monthStart(from, tenant.timeZone), to: monthStart(to, tenant.timeZone, 1) });
    },
  }),
}));
