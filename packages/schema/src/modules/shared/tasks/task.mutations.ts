import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { strip } from '../../../shared/input.ts';
import { MembershipRef, RoleEnum } from '../../core/identity/user.ts';
import { ItineraryKindEnum, MealKindEnum, VisitPurposeEnum, VisitRef } from '../visits/visit.ts';
import { TaskError } from './task.errors.ts';
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
mutationField({
  name: 'createChecklistTemplate',
  payload: TemplatePayload,
  subGraphs: T,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [TaskError],
  input: (t) => ({
    name: t.string({ required: true }),
    description: t.string({ required: false }),
    purpose: t.field({ type: VisitPurposeEnum, required: false }),
    items: t.field({ type: [TemplateItemInput], required: true }),
  }),
  idempotency: 'replay',
  run: async (deps, input) => ({
    id: (await createChecklistTemplate(deps, { ...strip(input), items: input.items.map((i) => strip(i)) })).id,
  }),
});
mutationField({
  name: 'instantiateChecklist',
  payload: InstantiatePayload,
  subGraphs: T,
  authScopes: { role: 'COORDINATOR' },
  description: "Creates a visit's tasks from a checklist template, with due times from the visit's milestones. Idempotent: only what is missing is added.",
  errors: [TaskError],
  input: (t) => ({
    visitId: t.globalID({ required: true, for: [VisitRef] }),
    templateId: t.globalID({ required: true }),
  }),
  run: async (deps, input) => ({
    visitId: input.visitId.id,
    created: await instantiateChecklist(deps, { visitId: input.visitId.id, templateId: input.templateId.id }),
  }),
});
mutationField({
  name: 'createTask',
  payload: TaskPayload,
  subGraphs: T,
  authScopes: { role: 'COORDINATOR' },
  errors: [TaskError],
  input: (t) => ({
    visitId: t.globalID({ required: false, for: [VisitRef] }),
    phase: t.field({ type: TaskPhaseEnum, required: true }),
    title: t.string({ required: true }),
    description: t.string({ required: false }),
    assigneeMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    assigneeRole: t.field({ type: RoleEnum, required: false }),
    dueAt: t.field({ type: 'DateTime', required: false }),
  }),
  idempotency: { reload: { id: (p) => p.task.id, load: async (deps, id) => ({ task: await deps.db.task.findUniqueOrThrow({ where: { id } }) }) } },
  run: async (deps, input) => ({
    task: await createTask(deps, {
      ...strip(input),
      visitId: input.visitId?.id ?? null,
      assigneeMembershipId: input.assigneeMembershipId?.id ?? null,
    }),
  }),
});
mutationField({
  name: 'updateTask',
  payload: TaskPayload,
  subGraphs: T,
  authScopes: { role: 'COORDINATOR' },
  errors: [TaskError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [TaskRef] }),
    expectedVersion: t.int({ required: false }),
    title: t.string({ required: false }),
    description: t.string({ required: false }),
    assigneeMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    assigneeRole: t.field({ type: RoleEnum, required: false }),
    dueAt: t.field({ type: 'DateTime', required: false, description: 'Setting a time by hand detaches the task from its milestone.' }),
  }),
  run: async (deps, input) => ({
    task: await updateTask(deps, input.id.id, input.expectedVersion, {
      // Left out: unchanged; an explicit null clears (a title cannot be cleared).
      ...(input.title != null ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.assigneeRole !== undefined ? { assigneeRole: input.assigneeRole } : {}),
      ...(input.dueAt !== undefined ? { dueAt: input.dueAt } : {}),
      ...(input.assigneeMembershipId !== undefined ? { assigneeMembershipId: input.assigneeMembershipId?.id ?? null } : {}),
    }),
  }),
});
mutationField({
  name: 'changeTaskStatus',
  payload: TaskPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  description: 'TODO → IN_PROGRESS → DONE, or BLOCKED / SKIPPED with a reason; DONE and SKIPPED can be reopened.',
  errors: [TaskError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [TaskRef] }),
    expectedVersion: t.int({ required: false }),
    status: t.field({ type: TaskStatusEnum, required: true }),
    reason: t.string({ required: false }),
  }),
  run: async (deps, input) => ({
    task: await changeTaskStatus(deps, { taskId: input.id.id, expectedVersion: input.expectedVersion, status: input.status, reason: input.reason }),
  }),
});
mutationField({
  name: 'deleteTask',
  payload: DeleteTaskPayload,
  subGraphs: T,
  authScopes: { role: 'COORDINATOR' },
  errors: [TaskError],
  input: (t) => ({ id: t.globalID({ required: true, for: [TaskRef] }), expectedVersion: t.int({ required: false }) }),
  run: (deps, input) => deleteTask(deps, input.id.id, input.expectedVersion),
});
mutationField({
  name: 'addTaskComment',
  payload: TaskPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  errors: [TaskError],
  input: (t) => ({ id: t.globalID({ required: true, for: [TaskRef] }), body: t.string({ required: true }) }),
  run: async (deps, input) => {
    await addTaskComment(deps, { taskId: input.id.id, body: input.body });
    return { task: await deps.db.task.findUniqueOrThrow({ where: { id: input.id.id } }) };
  },
});
mutationField({
  name: 'addTaskEvidence',
  payload: TaskPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  errors: [TaskError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [TaskRef] }),
    kind: t.field({ type: EvidenceKindEnum, required: true }),
    reference: t.string({ required: true, description: 'Where the photo or file is kept (URL or storage key).' }),
    note: t.string({ required: false }),
  }),
  run: async (deps, input) => {
    await addTaskEvidence(deps, { taskId: input.id.id, kind: input.kind, reference: input.reference, note: input.note });
    return { task: await deps.db.task.findUniqueOrThrow({ where: { id: input.id.id } }) };
  },
});
