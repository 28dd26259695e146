import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps } from '../../../context.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { registerDomainError } from '../../../shared/graphql-errors.ts';
import { atomically } from '../../../shared/mutation.ts';
import { strip } from '../../../shared/input.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, IdempotencyError, idempotent, idempotentCreate, keyed } from '../../../shared/idempotency.ts';
import { MembershipRef, RoleEnum } from '../../core/identity/user.ts';
import { ItineraryKindEnum, MealKindEnum, VisitPurposeEnum, VisitRef } from '../visits/visit.ts';
import { TASK_ERROR_CODES, TaskError } from './task.errors.ts';
import { EvidenceKindEnum, TaskAnchorEnum, TaskPhaseEnum, TaskRef, TaskStatusEnum } from './task.ts';
import {
  addTaskComment,
  addTaskEvidence,
  changeTaskStatus,
  createChecklistTemplate,
  createTask,
  deleteTask,
  instantiateChecklist,
  updateTask,
} from './task.service.ts';

const T = TENANT_GRAPHS;
registerDomainError(TaskError, 'TaskError', TASK_ERROR_CODES, 'A task or checklist change was refused; nothing was changed.', T);
const errors = (name: string) => ({ types: [TaskError, ValidationError], directResult: true as const, union: { name } });
const createErrors = (name: string) => ({ types: [TaskError, ValidationError, IdempotencyError], directResult: true as const, union: { name } });

const TaskPayload = builder.objectRef<{ task: { id: string } }>('TaskPayload').implement({
  subGraphs: T,
  fields: (t) => ({ task: t.field({ type: TaskRef, resolve: (p) => p.task as never }) }),
});
const DeleteTaskPayload = builder.objectRef<{ id: string }>('DeleteTaskPayload').implement({
  subGraphs: T,
  fields: (t) => ({ deletedTaskId: t.globalID({ resolve: (p) => ({ type: 'Task', id: p.id }) }) }),
});
const InstantiatePayload = builder.objectRef<{ visitId: string; created: { id: string }[] }>('InstantiateChecklistPayload').implement({
  subGraphs: T,
  fields: (t) => ({
    visit: t.prismaField({ type: 'Visit', resolve: (query, p, _a, ctx) => ctx.db.visit.findUniqueOrThrow({ ...query, where: { id: p.visitId } }) }),
    created: t.field({ type: [TaskRef], description: 'The tasks created now (none already there twice).', resolve: (p) => p.created as never }),
  }),
});
const TemplatePayload = builder.objectRef<{ id: string }>('ChecklistTemplatePayload').implement({
  subGraphs: T,
  fields: (t) => ({
    template: t.prismaField({
      type: 'ChecklistTemplate',
      resolve: (query, p, _a, ctx) => ctx.db.checklistTemplate.findUniqueOrThrow({ ...query, where: { id: p.id } }),
    }),
  }),
});

const TemplateItemInput = builder.inputType('ChecklistTemplateItemInput', {
  subGraphs: T,
  fields: (t) => ({
    phase: t.field({ type: TaskPhaseEnum, required: true }),
    title: t.string({ required: true }),
    description: t.string({ required: false }),
    defaultRole: t.field({ type: RoleEnum, required: false }),
    anchor: t.field({ type: TaskAnchorEnum, required: false }),
    offsetMinutes: t.int({ required: false }),
    mealKind: t.field({ type: MealKindEnum, required: false }),
    itineraryKind: t.field({ type: ItineraryKindEnum, required: false }),
  }),
});
const TemplateInput = builder.inputType('ChecklistTemplateInput', {
  subGraphs: T,
  fields: (t) => ({
    name: t.string({ required: true }),
    description: t.string({ required: false }),
    purpose: t.field({ type: VisitPurposeEnum, required: false }),
    items: t.field({ type: [TemplateItemInput], required: true }),
  }),
});
const CreateTaskInput = builder.inputType('CreateTaskInput', {
  subGraphs: T,
  fields: (t) => ({
    visitId: t.globalID({ required: false, for: [VisitRef] }),
    phase: t.field({ type: TaskPhaseEnum, required: true }),
    title: t.string({ required: true }),
    description: t.string({ required: false }),
    assigneeMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    assigneeRole: t.field({ type: RoleEnum, required: false }),
    dueAt: t.field({ type: 'DateTime', required: false }),
  }),
});
const UpdateTaskInput = builder.inputType('UpdateTaskInput', {
  subGraphs: T,
  fields: (t) => ({
    title: t.string({ required: false }),
    description: t.string({ required: false }),
    assigneeMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    assigneeRole: t.field({ type: RoleEnum, required: false }),
    dueAt: t.field({ type: 'DateTime', required: false, description: 'Setting a time by hand detaches the task from its milestone.' }),
  }),
});

builder.mutationFields((t) => ({
  createChecklistTemplate: t.field({
    type: TemplatePayload,
    subGraphs: T,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { input: t.arg({ type: TemplateInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: createErrors('CreateChecklistTemplateResult'),
    resolve: async (_root, { input, idempotencyKey }, ctx) =>
      atomically(ctx, () =>
        idempotent(serviceDeps(ctx), idempotencyKey, keyed('createChecklistTemplate', input), async () => ({
          id: (await createChecklistTemplate(serviceDeps(ctx), { ...strip(input), items: input.items.map((i) => strip(i)) })).id,
        })),
      ),
  }),
  instantiateChecklist: t.field({
    type: InstantiatePayload,
    subGraphs: T,
    authScopes: { role: 'COORDINATOR' },
    description: "Creates a visit's tasks from a checklist template, with due times from the visit's milestones. Idempotent: only what is missing is added.",
    args: {
      visitId: t.arg.globalID({ required: true, for: [VisitRef] }),
      templateId: t.arg.globalID({ required: true }),
    },
    errors: errors('InstantiateChecklistResult'),
    resolve: async (_root, args, ctx) => ({
      visitId: args.visitId.id,
      created: await atomically(ctx, () => instantiateChecklist(serviceDeps(ctx), { visitId: args.visitId.id, templateId: args.templateId.id })),
    }),
  }),
  createTask: t.field({
    type: TaskPayload,
    subGraphs: T,
    authScopes: { role: 'COORDINATOR' },
    args: { input: t.arg({ type: CreateTaskInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: createErrors('CreateTaskResult'),
    resolve: async (_root, { input, idempotencyKey }, ctx) => ({
      task: await atomically(ctx, () =>
        idempotentCreate(
          serviceDeps(ctx),
          idempotencyKey,
          keyed('createTask', input),
          () =>
            createTask(serviceDeps(ctx), {
              ...strip(input),
              visitId: input.visitId?.id ?? null,
              assigneeMembershipId: input.assigneeMembershipId?.id ?? null,
            }),
          (id) => ctx.db.task.findUniqueOrThrow({ where: { id } }),
        ),
      ),
    }),
  }),
  updateTask: t.field({
    type: TaskPayload,
    subGraphs: T,
    authScopes: { role: 'COORDINATOR' },
    args: {
      id: t.arg.globalID({ required: true, for: [TaskRef] }),
      expectedVersion: t.arg.int({ required: false }),
      input: t.arg({ type: UpdateTaskInput, required: true }),
    },
    errors: errors('UpdateTaskResult'),
    resolve: async (_root, args, ctx) => ({
      task: await atomically(ctx, () =>
        updateTask(serviceDeps(ctx), args.id.id, args.expectedVersion, {
          // Left out: unchanged; an explicit null clears (a title cannot be cleared).
          ...(args.input.title != null ? { title: args.input.title } : {}),
          ...(args.input.description !== undefined ? { description: args.input.description } : {}),
          ...(args.input.assigneeRole !== undefined ? { assigneeRole: args.input.assigneeRole } : {}),
          ...(args.input.dueAt !== undefined ? { dueAt: args.input.dueAt } : {}),
          ...(args.input.assigneeMembershipId !== undefined ? { assigneeMembershipId: args.input.assigneeMembershipId?.id ?? null } : {}),
        }),
      ),
    }),
  }),
  changeTaskStatus: t.field({
    type: TaskPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    description: 'TODO → IN_PROGRESS → DONE, or BLOCKED / SKIPPED with a reason; DONE and SKIPPED can be reopened.',
    args: {
      id: t.arg.globalID({ required: true, for: [TaskRef] }),
      expectedVersion: t.arg.int({ required: false }),
      status: t.arg({ type: TaskStatusEnum, required: true }),
      reason: t.arg.string({ required: false }),
    },
    errors: errors('ChangeTaskStatusResult'),
    resolve: async (_root, args, ctx) => ({
      task: await atomically(ctx, () =>
        changeTaskStatus(serviceDeps(ctx), { taskId: args.id.id, expectedVersion: args.expectedVersion, status: args.status, reason: args.reason }),
      ),
    }),
  }),
  deleteTask: t.field({
    type: DeleteTaskPayload,
    subGraphs: T,
    authScopes: { role: 'COORDINATOR' },
    args: { id: t.arg.globalID({ required: true, for: [TaskRef] }), expectedVersion: t.arg.int({ required: false }) },
    errors: errors('DeleteTaskResult'),
    resolve: (_root, args, ctx) => atomically(ctx, () => deleteTask(serviceDeps(ctx), args.id.id, args.expectedVersion)),
  }),
  addTaskComment: t.field({
    type: TaskPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    args: { id: t.arg.globalID({ required: true, for: [TaskRef] }), body: t.arg.string({ required: true }) },
    errors: errors('AddTaskCommentResult'),
    resolve: async (_root, args, ctx) => {
      await atomically(ctx, () => addTaskComment(serviceDeps(ctx), { taskId: args.id.id, body: args.body }));
      return { task: await ctx.db.task.findUniqueOrThrow({ where: { id: args.id.id } }) };
    },
  }),
  addTaskEvidence: t.field({
    type: TaskPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    args: {
      id: t.arg.globalID({ required: true, for: [TaskRef] }),
      kind: t.arg({ type: EvidenceKindEnum, required: true }),
      reference: t.arg.string({ required: true, description: 'Where the photo or file is kept (URL or storage key).' }),
      note: t.arg.string({ required: false }),
    },
    errors: errors('AddTaskEvidenceResult'),
    resolve: async (_root, args, ctx) => {
      await atomically(ctx, () => addTaskEvidence(serviceDeps(ctx), { taskId: args.id.id, kind: args.kind, reference: args.reference, note: args.note }));
      return { task: await ctx.db.task.findUniqueOrThrow({ where: { id: args.id.id } }) };
    },
  }),
}));
