// Assessment types and queries: templates and their versions, assessments with computed totals,
// findings, and trends.
import { resolveOffsetConnection } from '@pothos/plugin-relay';
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';
import { parseDateArg } from '../../../shared/dates.ts';
import type { Assessment } from '@jiedai/db';
import '../tasks/task.ts';
import { criterionPercent, type Criterion } from './assessment.scoring.ts';
import { ASSESSMENT_KINDS, assessmentTotal, criteriaOf, SCALE_KINDS, SEVERITIES, SUBJECT_TYPES, subjectIdOf } from './assessment.service.ts';
import { requestLanguage } from '../../../context.ts';
import { templateText, templateTextOrNull } from '../../../shared/template-texts.ts';
import { criterionTrends, subjectTrends, type CriterionTrend, type SubjectTrend, type TrendFilter } from './assessment.trends.ts';

const T = TENANT_GRAPHS;
const LANG =
  "In the request's language when it is a text of the templates a new tenant starts with (zh-Hans or en); as written when a tenant wrote or changed it.";

export const AssessmentKindEnum = builder.enumType('AssessmentKind', { values: ASSESSMENT_KINDS, subGraphs: T });
export const SubjectTypeEnum = builder.enumType('AssessmentSubjectType', {
  values: SUBJECT_TYPES,
  subGraphs: T,
  description: 'What an assessment scores: a visit, a department, a staff member, a hospital service point, a hotel area, or the whole organization (drills).',
});
export const ScaleKindEnum = builder.enumType('ScaleKind', { values: SCALE_KINDS, subGraphs: T });
export const SeverityEnum = builder.enumType('FindingSeverity', { values: SEVERITIES, subGraphs: T });
const StatusEnum = builder.enumType('AssessmentStatus', { values: ['DRAFT', 'SUBMITTED', 'REVIEWED'] as const, subGraphs: T });

const CriterionRef = builder.objectRef<Criterion>('AssessmentCriterionDefinition').implement({
  subGraphs: T,
  fields: (t) => ({
    key: t.exposeID('key', { description: 'Stable across versions; scores and trends refer to it.' }),
    title: t.string({ description: LANG, resolve: (c, _args, ctx) => templateText(c.title, requestLanguage(ctx)) }),
    guidance: t.string({ nullable: true, resolve: (c, _args, ctx) => templateTextOrNull(c.guidance, requestLanguage(ctx)) }),
    weight: t.exposeFloat('weight'),
    scaleKind: t.field({ type: ScaleKindEnum, resolve: (c) => c.scale.kind }),
    scaleMin: t.int({ resolve: (c) => c.scale.min }),
    scaleMax: t.int({ resolve: (c) => c.scale.max }),
  }),
});

builder.prismaNode('AssessmentTemplate', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    name: t.string({ description: LANG, resolve: (a, _args, ctx) => templateText(a.name, requestLanguage(ctx)) }),
    kind: t.field({ type: AssessmentKindEnum, resolve: (a) => a.kind }),
    subjectType: t.field({ type: SubjectTypeEnum, resolve: (a) => a.subjectType }),
    description: t.string({ nullable: true, resolve: (a, _args, ctx) => templateTextOrNull(a.description, requestLanguage(ctx)) }),
    draftCriteria: t.field({
      type: [CriterionRef],
      description: 'The criteria as edited now; publish to freeze them as a version.',
      select: { criteria: { orderBy: { position: 'asc' } } },
      resolve: (a) =>
        a.criteria.map((c) => ({
          key: c.id,
          title: c.title,
          guidance: c.guidance,
          weight: Number(c.weight),
          scale: { kind: c.scaleKind, min: c.scaleMin, max: c.scaleMax },
        })),
    }),
    versions: t.relation('versions', { query: { orderBy: { number: 'asc' } } }),
  }),
});

builder.prismaNode('AssessmentTemplateVersion', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    number: t.exposeInt('number'),
    template: t.relation('template'),
    criteria: t.field({ type: [CriterionRef], resolve: (v) => criteriaOf(v) }),
    publishedAt: t.expose('publishedAt', { type: 'DateTime' }),
  }),
});

const ScoreRef = builder.objectRef<{ criterion: Criterion; value: number; comment: string | null }>('AssessmentScore').implement({
  subGraphs: T,
  fields: (t) => ({
    criterion: t.field({ type: CriterionRef, resolve: (s) => s.criterion }),
    value: t.exposeFloat('value'),
    percent: t.float({ description: 'The value on 0–100 of its scale.', resolve: (s) => criterionPercent(s.criterion, s.value) }),
    comment: t.exposeString('comment', { nullable: true }),
  }),
});

export const AssessmentRef = builder.prismaNode('Assessment', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    templateVersion: t.relation('templateVersion'),
    subjectType: t.field({ type: SubjectTypeEnum, resolve: (a) => a.subjectType }),
    subjectId: t.globalID({
      nullable: true,
      description: 'The visit, department, member, service point or hotel area assessed (null: the organization).',
      resolve: (a) => {
        const id = subjectIdOf(a as Assessment);
        const type = {
          VISIT: 'Visit',
          DEPARTMENT: 'Department',
          STAFF_MEMBER: 'Membership',
          SERVICE_POINT: 'ServicePoint',
          HOTEL_AREA: 'HotelArea',
          ORGANIZATION: 'Tenant',
        }[a.subjectType];
        return id ? { type, id } : null;
      },
    }),
    visit: t.relation('visit', { nullable: true }),
    assessor: t.relation('assessor', { nullable: true }),
    assessedOn: t.string({ resolve: (a) => a.assessedOn.toISOString().slice(0, 10) }),
    status: t.field({ type: StatusEnum, resolve: (a) => a.status }),
    submittedAt: t.expose('submittedAt', { type: 'DateTime', nullable: true }),
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime', nullable: true }),
    reviewComment: t.exposeString('reviewComment', { nullable: true }),
    version: t.exposeInt('version'),
    scores: t.field({
      type: [ScoreRef],
      select: { scores: true, templateVersion: true },
      resolve: (a) => {
        const byKey = new Map(a.scores.map((s) => [s.criterionKey, s]));
        return criteriaOf(a.templateVersion)
          .filter((c) => byKey.has(c.key))
          .map((c) => ({ criterion: c, value: Number(byKey.get(c.key)!.value), comment: byKey.get(c.key)!.comment }));
      },
    }),
    total: t.float({
      nullable: true,
      description: 'Weighted total on 0–100, computed from the scores (never stored).',
      select: { scores: true, templateVersion: true },
      resolve: (a) => assessmentTotal(a, a.scores),
    }),
    findings: t.relation('findings', { query: { orderBy: { createdAt: 'asc' } } }),
  }),
});

builder.prismaNode('Finding', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A shortcoming found (找出不足); its corrective action is a task (加以改进), and it closes when that task is done.',
  fields: (t) => ({
    assessment: t.relation('assessment'),
    criterionKey: t.exposeID('criterionKey', { nullable: true }),
    severity: t.field({ type: SeverityEnum, resolve: (f) => f.severity }),
    description: t.exposeString('description'),
    correctiveAction: t.exposeString('correctiveAction'),
    task: t.relation('task', { nullable: true, description: 'The corrective task on the tasks board.' }),
    open: t.boolean({ resolve: (f) => f.closedAt === null }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// ── queries ─────────────────────────────────────────────────────────────────────────────────────

const AssessmentFilter = builder.inputType('AssessmentFilter', {
  subGraphs: T,
  fields: (t) => ({
    from: t.string({ required: false, description: 'Assessed on or after (YYYY-MM-DD).' }),
    to: t.string({ required: false, description: 'Assessed before (YYYY-MM-DD).' }),
    templateId: t.globalID({ required: false }),
    subjectType: t.field({ type: SubjectTypeEnum, required: false }),
    subjectId: t.globalID({ required: false }),
  }),
});
type FilterArg =
  | { from?: string | null; to?: string | null; templateId?: { id: string } | null; subjectType?: string | null; subjectId?: { id: string } | null }
  | null
  | undefined;
const trendFilter = (f: FilterArg): TrendFilter => ({
  // A date that does not exist (2031-02-30) or is out of range is refused (BAD_USER_INPUT), never ignored.
  from: parseDateArg(f?.from, 'filter.from'),
  to: parseDateArg(f?.to, 'filter.to'),
  templateId: f?.templateId?.id ?? null,
  subjectType: f?.subjectType ?? null,
  subjectId: f?.subjectId?.id ?? null,
});
const assessmentWhere = (f: TrendFilter) => ({
  ...(f.from ? { assessedOn: { gte: new Date(f.from) } } : {}),
  ...(f.to ? { AND: [{ assessedOn: { lt: new Date(f.to) } }] } : {}),
  ...(f.templateId ? { templateVersion: { templateId: f.templateId } } : {}),
  ...(f.subjectType ? { subjectType: f.subjectType as never } : {}),
  ...(f.subjectId
    ? {
        OR: [
          { visitId: f.subjectId },
          { departmentId: f.subjectId },
          { staffMembershipId: f.subjectId },
          { servicePointId: f.subjectId },
          { hotelAreaId: f.subjectId },
        ],
      }
    : {}),
});

const FindingCountsRef = builder.objectRef<SubjectTrend['openFindings']>('OpenFindingCounts').implement({
  subGraphs: T,
  fields: (t) => ({ low: t.exposeInt('LOW'), medium: t.exposeInt('MEDIUM'), high: t.exposeInt('HIGH'), critical: t.exposeInt('CRITICAL') }),
});
const SubjectTrendRef = builder.objectRef<SubjectTrend>('SubjectTrend').implement({
  subGraphs: T,
  fields: (t) => ({
    month: t.exposeString('month', { description: 'YYYY-MM' }),
    subjectType: t.field({ type: SubjectTypeEnum, resolve: (r) => r.subjectType as never }),
    subjectId: t.exposeID('subjectId', { nullable: true, description: 'Database id of the subject (null: the organization).' }),
    averageScore: t.exposeFloat('averageScore'),
    assessments: t.exposeInt('assessments'),
    openFindings: t.field({ type: FindingCountsRef, resolve: (r) => r.openFindings }),
    meanHoursToClose: t.exposeFloat('meanHoursToClose', { nullable: true }),
  }),
});
const CriterionTrendRef = builder.objectRef<CriterionTrend>('CriterionTrend').implement({
  subGraphs: T,
  fields: (t) => ({
    month: t.exposeString('month', { nullable: true, description: 'YYYY-MM; null for a whole period.' }),
    criterionKey: t.exposeID('criterionKey'),
    title: t.string({ description: LANG, resolve: (c, _args, ctx) => templateText(c.title, requestLanguage(ctx)) }),
    averageScore: t.exposeFloat('averageScore', { description: 'Average on 0–100.' }),
    scores: t.exposeInt('scores'),
  }),
});

builder.queryFields((t) => ({
  assessment: t.prismaField({
    type: 'Assessment',
    nullable: true,
    subGraphs: T,
    authScopes: { member: true },
    description: 'One assessment by its id (as `node(id:)`, typed); null when this tenant has none with that id.',
    args: { id: t.arg.globalID({ required: true, for: [AssessmentRef] }) },
    resolve: (query, _root, args, ctx) => ctx.db.assessment.findUnique({ ...query, where: { id: args.id.id } }),
  }),
  assessmentTemplates: t.prismaField({
    type: ['AssessmentTemplate'],
    subGraphs: T,
    authScopes: { member: true },
    args: { kind: t.arg({ type: AssessmentKindEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.assessmentTemplate.findMany({ ...query, where: args.kind ? { kind: args.kind } : {}, orderBy: { name: 'asc' } }),
  }),
  assessments: t.prismaConnection(
    {
      type: 'Assessment',
      cursor: 'id',
      subGraphs: T,
      authScopes: { member: true },
      args: { filter: t.arg({ type: AssessmentFilter, required: false }) },
      totalCount: (_root, args, ctx) => ctx.db.assessment.count({ where: assessmentWhere(trendFilter(args.filter)) }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.assessment.findMany({ ...query, where: assessmentWhere(trendFilter(args.filter)), orderBy: [{ assessedOn: 'desc' }, { id: 'asc' }] }),
    },
    connectionNamed('Assessment'),
    edgeNamed('Assessment'),
  ),
  assessmentTrends: t.connection(
    {
      type: SubjectTrendRef,
      subGraphs: T,
      authScopes: { member: true },
      description: 'Per subject and month: average total, assessments, open findings by severity, time to close findings.',
      args: { filter: t.arg({ type: AssessmentFilter, required: false }) },
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args, defaultSize: 20, maxSize: 100 }, ({ limit, offset }) => subjectTrends(ctx.db, trendFilter(args.filter), limit, offset)),
    },
    connectionNamed('SubjectTrend'),
    edgeNamed('SubjectTrend'),
  ),
  criterionTrends: t.connection(
    {
      type: CriterionTrendRef,
      subGraphs: T,
      authScopes: { member: true },
      description: 'Per criterion and month: average score on 0–100.',
      args: { filter: t.arg({ type: AssessmentFilter, required: false }) },
      resolve: (_root, args, ctx) =>
        resolveOffsetConnection({ args, defaultSize: 20, maxSize: 100 }, ({ limit, offset }) =>
          criterionTrends(ctx.db, trendFilter(args.filter), { byMonth: true, weakestFirst: false, limit, offset }),
        ),
    },
    connectionNamed('CriterionTrend'),
    edgeNamed('CriterionTrend'),
  ),
  weakestCriteria: t.field({
    type: [CriterionTrendRef],
    subGraphs: T,
    authScopes: { member: true },
    description: 'The criteria with the lowest average score over the period (where to improve first).',
    args: { filter: t.arg({ type: AssessmentFilter, required: false }), limit: t.arg.int({ required: false, defaultValue: 5 }) },
    resolve: (_root, args, ctx) =>
      criterionTrends(ctx.db, trendFilter(args.filter), { byMonth: false, weakestFirst: true, limit: Math.min(Math.max(args.limit ?? 5, 1), 50), offset: 0 }),
  }),
}));
