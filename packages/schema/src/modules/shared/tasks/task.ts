// Task types and queries: checklist templates, tasks (with overdue and blocked at once), and a
// visit's task board.
import { encodeGlobalID, resolveArrayConnection } from '@pothos/plugin-relay';
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { nodeConnection } from '../../../shared/connections.ts';
import type { Task } from '@jiedai/db';
import { RoleEnum, MembershipRef, USER_REFERENCE, userById } from '../../core/identity/user.ts';
import { ItineraryKindEnum, MealKindEnum, VisitPurposeEnum, VisitRef } from '../visits/visit.ts';
import { TASK_ANCHORS } from './task.due.ts';
import { requestLanguage } from '../../../context.ts';
import { labelledTemplateText, labelledTemplateTextOrNull, TEMPLATE_TEXT_FIELD, templateText, templateTextOrNull } from '../../../shared/template-texts.ts';
import { buildBoard, MAX_TASKS_PER_VISIT, TASK_PHASES, TASK_STATUSES, taskWhere } from './task.service.ts';

const T = TENANT_GRAPHS;
const LANG = TEMPLATE_TEXT_FIELD;

export const TaskPhaseEnum = builder.enumType('TaskPhase', {
  values: TASK_PHASES,
  subGraphs: T,
  description: 'Preparation (前期工作), reception (接待), follow-up (善后工作).',
});
export const TaskStatusEnum = builder.enumType('TaskStatus', { values: TASK_STATUSES, subGraphs: T });
export const TaskAnchorEnum = builder.enumType('TaskAnchor', {
  values: TASK_ANCHORS as unknown as (typeof TASK_ANCHORS)[number][],
  subGraphs: T,
  description: 'The visit milestone a due time follows: when it moves, the open tasks move with it.',
});
export const EvidenceKindEnum = builder.enumType('EvidenceKind', { values: ['PHOTO', 'FILE', 'LINK'] as const, subGraphs: T });

builder.prismaNode('ChecklistTemplate', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: "A checklist (接待工作清单) whose items become a visit's tasks.",
  fields: (t) => ({
    name: t.string({ description: LANG, resolve: (c, _args, ctx) => templateText(c.name, requestLanguage(ctx)) }),
    description: t.string({ nullable: true, resolve: (c, _args, ctx) => templateTextOrNull(c.description, requestLanguage(ctx)) }),
    purpose: t.field({ type: VisitPurposeEnum, nullable: true, resolve: (c) => c.purpose }),
    items: t.relation('items', { query: { orderBy: { position: 'asc' } } }),
  }),
});

builder.prismaNode('ChecklistTemplateItem', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    phase: t.field({ type: TaskPhaseEnum, resolve: (i) => i.phase }),
    position: t.exposeInt('position'),
    title: t.string({ description: LANG, resolve: (i, _args, ctx) => templateText(i.title, requestLanguage(ctx)) }),
    description: t.string({ nullable: true, resolve: (i, _args, ctx) => templateTextOrNull(i.description, requestLanguage(ctx)) }),
    defaultRole: t.field({ type: RoleEnum, nullable: true, resolve: (i) => i.defaultRole }),
    anchor: t.field({ type: TaskAnchorEnum, nullable: true, resolve: (i) => i.anchor }),
    offsetMinutes: t.exposeInt('offsetMinutes', { description: 'Minutes from the anchor; negative: before it.' }),
    mealKind: t.field({ type: MealKindEnum, nullable: true, resolve: (i) => i.mealKind }),
    itineraryKind: t.field({ type: ItineraryKindEnum, nullable: true, resolve: (i) => i.itineraryKind }),
  }),
});

// Select mode (shared/lean-rows.ts): a query loads the columns its fields name, nothing else.
export const TaskRef = builder.prismaNode('Task', {
  id: { field: 'id' },
  select: { id: true },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    visit: t.relation('visit', { nullable: true }),
    phase: t.field({ type: TaskPhaseEnum, select: { phase: true }, resolve: (task) => task.phase }),
    position: t.exposeInt('position'),
    title: t.string({ description: LANG, select: { title: true }, resolve: (task, _args, ctx) => labelledTemplateText(task.title, requestLanguage(ctx)) }),
    description: t.string({
      nullable: true,
      select: { description: true },
      resolve: (task, _args, ctx) => labelledTemplateTextOrNull(task.description, requestLanguage(ctx)),
    }),
    assignee: t.relation('assignee', { nullable: true }),
    assigneeRole: t.field({ type: RoleEnum, nullable: true, select: { assigneeRole: true }, resolve: (task) => task.assigneeRole }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    anchor: t.field({ type: TaskAnchorEnum, nullable: true, select: { anchor: true }, resolve: (task) => task.anchor }),
    offsetMinutes: t.exposeInt('offsetMinutes', { nullable: true }),
    status: t.field({ type: TaskStatusEnum, select: { status: true }, resolve: (task) => task.status }),
    statusReason: t.exposeString('statusReason', { nullable: true, description: 'Why it is blocked or skipped.' }),
    overdue: t.boolean({
      select: { status: true, dueAt: true },
      resolve: (task) => ['TODO', 'IN_PROGRESS', 'BLOCKED'].includes(task.status) && !!task.dueAt && task.dueAt < new Date(),
    }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    completedBy: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who marked it done or skipped (${USER_REFERENCE}).`,
      select: { completedById: true },
      resolve: (query, task, _args, ctx) => userById(ctx, query, task.completedById),
    }),
    completedByUserId: t.field({
      type: 'ID',
      nullable: true,
      deprecationReason: 'Use `completedBy { id }`.',
      description:
        'The global id of who marked it done or skipped. Kept for clients written before the API contract (issue 11); removed no sooner than 2027-06.',
      select: { completedById: true },
      resolve: (task) => (task.completedById ? encodeGlobalID('User', task.completedById) : null),
    }),
    version: t.exposeInt('version', { description: 'Pass it back as expectedVersion to refuse a change made meanwhile.' }),
    comments: t.relation('comments', { query: { orderBy: { createdAt: 'asc' } } }),
    evidence: t.relation('evidence', { query: { orderBy: { createdAt: 'asc' } } }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

/** Paged by Query.tasks, Visit.tasks and TaskBoardColumn.tasks alike. */
const TaskConnection = nodeConnection(TaskRef, 'Task', T);

builder.prismaNode('TaskComment', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  fields: (t) => ({
    body: t.exposeString('body'),
    author: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who wrote it (${USER_REFERENCE}).`,
      resolve: (query, c, _args, ctx) => userById(ctx, query, c.authorUserId),
    }),
    authorUserId: t.globalID({
      nullable: true,
      deprecationReason: 'Use `author { id }`.',
      description: 'The global id of who wrote it. Kept for clients written before the API contract (issue 11); removed no sooner than 2027-06.',
      resolve: (c) => (c.authorUserId ? { type: 'User', id: c.authorUserId } : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaNode('TaskEvidence', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A photo, file or link showing the task was done (a reference, never the bytes).',
  fields: (t) => ({
    kind: t.field({ type: EvidenceKindEnum, resolve: (e) => e.kind }),
    reference: t.exposeString('reference'),
    note: t.exposeString('note', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// ── the board ───────────────────────────────────────────────────────────────────────────────────

const BoardColumnRef = builder.objectRef<{ status: (typeof TASK_STATUSES)[number]; tasks: Task[] }>('TaskBoardColumn').implement({
  subGraphs: T,
  fields: (t) => ({
    status: t.field({ type: TaskStatusEnum, resolve: (c) => c.status }),
    count: t.int({ resolve: (c) => c.tasks.length }),
    tasks: t.connection(
      {
        type: TaskRef,
        description: "The column's tasks, a page at a time (20 unless `first`/`last` say otherwise, at most 100).",
        resolve: (c, args) => ({ ...resolveArrayConnection({ args, defaultSize: 20, maxSize: 100 }, c.tasks), totalCount: c.tasks.length }),
      },
      TaskConnection,
    ),
  }),
});
const BoardPhaseRef = builder.objectRef<ReturnType<typeof buildBoard>['phases'][number]>('TaskBoardPhase').implement({
  subGraphs: T,
  fields: (t) => ({
    phase: t.field({ type: TaskPhaseEnum, resolve: (p) => p.phase as never }),
    total: t.exposeInt('total'),
    done: t.exposeInt('done', { description: 'Done or skipped.' }),
    columns: t.field({ type: [BoardColumnRef], extensions: { listSize: TASK_STATUSES.length }, resolve: (p) => p.columns }),
  }),
});
const BoardRef = builder.objectRef<ReturnType<typeof buildBoard>>('TaskBoard').implement({
  subGraphs: T,
  description: "A visit's tasks by phase and status, with counts and progress.",
  fields: (t) => ({
    total: t.exposeInt('total'),
    done: t.exposeInt('done'),
    skipped: t.exposeInt('skipped'),
    overdue: t.exposeInt('overdue'),
    blocked: t.exposeInt('blocked'),
    progress: t.exposeFloat('progress', { description: 'Share of tasks done or skipped, 0–1.' }),
    phases: t.field({ type: [BoardPhaseRef], extensions: { listSize: TASK_PHASES.length }, resolve: (b) => b.phases }),
  }),
});

builder.prismaObjectFields('Visit', (t) => ({
  taskBoard: t.field({
    type: BoardRef,
    subGraphs: T,
    resolve: async (visit, _args, ctx) =>
      buildBoard(
        await ctx.db.task.findMany({ where: { visitId: visit.id }, orderBy: [{ phase: 'asc' }, { position: 'asc' }, { dueAt: 'asc' }, { id: 'asc' }] }),
      ),
  }),
  tasks: t.relatedConnection(
    'tasks',
    {
      subGraphs: T,
      cursor: 'id',
      totalCount: true,
      description: `The visit's tasks in checklist order, a page at a time (20 unless \`first\`/\`last\` say otherwise, at most 100; a visit has at most ${MAX_TASKS_PER_VISIT}).`,
      query: { orderBy: [{ phase: 'asc' }, { position: 'asc' }, { dueAt: 'asc' }, { id: 'asc' }] },
    },
    TaskConnection,
  ),
}));

// ── queries ─────────────────────────────────────────────────────────────────────────────────────

const TaskFilter = builder.inputType('TaskFilter', {
  subGraphs: T,
  fields: (t) => ({
    visitId: t.globalID({ required: false, for: [VisitRef] }),
    status: t.field({ type: [TaskStatusEnum], required: false }),
    phase: t.field({ type: TaskPhaseEnum, required: false }),
    overdue: t.boolean({ required: false, description: 'Due in the past and not done or skipped.' }),
    assigneeMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
  }),
});

type FilterArg =
  | {
      visitId?: { id: string } | null;
      status?: (typeof TASK_STATUSES)[number][] | null;
      phase?: (typeof TASK_PHASES)[number] | null;
      overdue?: boolean | null;
      assigneeMembershipId?: { id: string } | null;
    }
  | null
  | undefined;
const where = (f: FilterArg) => taskWhere(f ? { ...f, visitId: f.visitId?.id ?? null, assigneeMembershipId: f.assigneeMembershipId?.id ?? null } : null);

builder.queryFields((t) => ({
  task: t.prismaField({
    type: 'Task',
    nullable: true,
    subGraphs: T,
    authScopes: { member: true },
    description: 'One task by its id (as `node(id:)`, typed); null when this tenant has none with that id.',
    args: { id: t.arg.globalID({ required: true, for: [TaskRef] }) },
    resolve: (query, _root, args, ctx) => ctx.db.task.findUnique({ ...query, where: { id: args.id.id } }),
  }),
  tasks: t.prismaConnection(
    {
      type: 'Task',
      cursor: 'id',
      subGraphs: T,
      authScopes: { member: true },
      description: 'Tasks of one visit or tenant-wide; `filter: { overdue: true }` or `{ status: [BLOCKED] }` show what needs attention (零失误).',
      args: { filter: t.arg({ type: TaskFilter, required: false }) },
      totalCount: (_root, args, ctx) => ctx.db.task.count({ where: where(args.filter) }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.task.findMany({ ...query, where: where(args.filter), orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }] }),
    },
    TaskConnection,
  ),
  checklistTemplates: t.prismaField({
    type: ['ChecklistTemplate'],
    subGraphs: T,
    authScopes: { member: true },
    resolve: (query, _root, _args, ctx) => ctx.db.checklistTemplate.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
}));
