// Checklists and tasks: templates whose items fall due relative to a visit's milestones, their
// instantiation on a visit, ad-hoc tasks, status changes with reasons, comments and evidence, due
// times that follow moving milestones, and the board. Every change appends an event (topic "task")
// in the same transaction, for the live task boards.
import { z } from 'zod';
import type { Db, Prisma, Task } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { databaseErrorCode, isForeignKeyViolation, isUniqueViolation, parseInput } from '../../../shared/errors.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { isMember } from '../../../shared/members.ts';
import { appendEvent } from '../../core/events/event.service.ts';
import { loadPlan } from '../visits/visit.plan-loader.ts';
import { registerVisitHooks, type PlanOnce } from '../visits/visit.hooks.ts';
import { ITINERARY_KINDS, MEAL_KINDS, VISIT_PURPOSES } from '../visits/visit.plan.ts';
import { addMinutes, dueAt, milestones, TASK_ANCHORS, type TaskAnchor } from './task.due.ts';
import { TaskError } from './task.errors.ts';
import { labelled } from '../../../shared/template-texts.ts';

export const TASK_TOPIC = 'task';
export const TASK_PHASES = ['PREPARATION', 'RECEPTION', 'FOLLOW_UP'] as const;
export const TASK_STATUSES = ['TODO', 'IN_PROGRESS', 'DONE', 'BLOCKED', 'SKIPPED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const OPEN_STATUSES: TaskStatus[] = ['TODO', 'IN_PROGRESS', 'BLOCKED'];
export const TASK_CHANGE_KINDS = ['CREATED', 'UPDATED', 'STATUS_CHANGED', 'DELETED'] as const;
export type TaskChangeKind = (typeof TASK_CHANGE_KINDS)[number];
const ROLE = z.enum(['TENANT_ADMIN', 'COORDINATOR', 'APPROVER', 'STAFF', 'VIEWER', 'PATIENT_DATA']);

export const TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  TODO: ['IN_PROGRESS', 'DONE', 'BLOCKED', 'SKIPPED'],
  IN_PROGRESS: ['TODO', 'DONE', 'BLOCKED', 'SKIPPED'],
  BLOCKED: ['TODO', 'IN_PROGRESS', 'SKIPPED'],
  DONE: ['TODO'],
  SKIPPED: ['TODO'],
};

/** What a task event carries: the task as it is after the change (or was, when deleted). */
export function taskSnapshot(task: Task) {
  return {
    id: task.id,
    visitId: task.visitId,
    phase: task.phase,
    position: task.position,
    title: task.title,
    description: task.description,
    assigneeMembershipId: task.assigneeMembershipId,
    assigneeRole: task.assigneeRole,
    dueAt: task.dueAt?.toISOString() ?? null,
    anchor: task.anchor,
    anchorRecordId: task.anchorRecordId,
    offsetMinutes: task.offsetMinutes,
    status: task.status,
    statusReason: task.statusReason,
    completedAt: task.completedAt?.toISOString() ?? null,
    completedById: task.completedById,
    version: task.version,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}
export type TaskSnapshot = ReturnType<typeof taskSnapshot>;

async function emit(deps: ServiceDeps, task: Task, kind: TaskChangeKind, change?: Record<string, unknown>) {
  await appendEvent(deps, {
    topic: TASK_TOPIC,
    type: kind,
    subjectId: task.visitId,
    payload: { task: taskSnapshot(task), ...(change ? { change } : {}) } as Prisma.InputJsonValue,
  });
}

async function findTask(db: Db, id: string, expectedVersion?: number | null) {
  const task = await db.task.findUnique({ where: { id } });
  if (!task) throw new TaskError('NOT_FOUND', 'No such task');
  if (expectedVersion != null && task.version !== expectedVersion) {
    throw new TaskError('CONFLICT', `The task changed meanwhile: it is at version ${task.version}, not ${expectedVersion}`);
  }
  return task;
}

async function assertMember(db: Db, membershipId: string | null | undefined) {
  if (membershipId && !(await isMember(db, membershipId))) {
    throw new TaskError('INVALID_REFERENCE', 'No such member in this tenant');
  }
}

// ── templates ───────────────────────────────────────────────────────────────────────────────────

const itemInput = z
  .object({
    phase: z.enum(TASK_PHASES),
    title: z.string().trim().min(1).max(500),
    description: z.string().trim().max(5000).nullish(),
    defaultRole: ROLE.nullish(),
    anchor: z.enum(TASK_ANCHORS as [TaskAnchor, ...TaskAnchor[]]).nullish(),
    offsetMinutes: z.number().int().min(-525_600).max(525_600).default(0),
    mealKind: z.enum(MEAL_KINDS).nullish(),
    itineraryKind: z.enum(ITINERARY_KINDS).nullish(),
  })
  .refine((i) => !i.mealKind || i.anchor === 'EACH_MEAL', { path: ['mealKind'], message: 'only with the EACH_MEAL anchor' })
  .refine((i) => !i.itineraryKind || i.anchor === 'EACH_ITINERARY_ITEM', {
    path: ['itineraryKind'],
    message: 'only with the EACH_ITINERARY_ITEM anchor',
  });
const templateInput = z.object({
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(5000).nullish(),
  purpose: z.enum(VISIT_PURPOSES).nullish(),
  items: z.array(itemInput).min(1).max(300),
});
export type ChecklistTemplateInput = z.input<typeof templateInput>;

export async function createChecklistTemplate(deps: ServiceDeps, input: ChecklistTemplateInput) {
  const data = parseInput(templateInput, input);
  const tenantId = deps.access.tenantId!;
  const template = await deps.db.checklistTemplate
    .create({ data: { tenantId, name: data.name, description: data.description ?? null, purpose: data.purpose ?? null } })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new TaskError('NAME_TAKEN', `A checklist named "${data.name}" exists`);
      throw error;
    });
  await deps.db.checklistTemplateItem.createMany({
    data: data.items.map((item, i) => ({
      tenantId,
      templateId: template.id,
      position: i + 1,
      phase: item.phase,
      title: item.title,
      description: item.description ?? null,
      defaultRole: item.defaultRole ?? null,
      anchor: item.anchor ?? null,
      offsetMinutes: item.offsetMinutes,
      mealKind: item.mealKind ?? null,
      itineraryKind: item.itineraryKind ?? null,
    })),
  });
  await recordAudit(deps, { action: 'checklist.created', targetType: 'ChecklistTemplate', targetId: template.id, data: { items: data.items.length } });
  return template;
}

/**
 * Creates a visit's tasks from a template, with concrete due times; per-meal and per-item steps
 * give one task per matching meal or itinerary item. Running it again adds only what is missing
 * (e.g. the tasks of a meal planned since).
 */
export async function instantiateChecklist(deps: ServiceDeps, input: { visitId: string; templateId: string }) {
  const template = await deps.db.checklistTemplate.findUnique({ where: { id: input.templateId }, include: { items: { orderBy: { position: 'asc' } } } });
  if (!template) throw new TaskError('NOT_FOUND', 'No such checklist template');
  const visit = await deps.db.visit.findUnique({ where: { id: input.visitId }, select: { id: true, createdAt: true } });
  if (!visit) throw new TaskError('NOT_FOUND', 'No such visit');
  const plan = await loadPlan(deps.db, visit.id);
  const existing = await deps.db.task.findMany({
    where: { visitId: visit.id, templateItemId: { in: template.items.map((i) => i.id) } },
    select: { templateItemId: true, anchorRecordId: true },
  });
  const have = new Set(existing.map((t) => `${t.templateItemId}:${t.anchorRecordId ?? ''}`));
  const created: Task[] = [];
  for (const item of template.items) {
    const moments = item.anchor
      ? milestones(plan, visit.createdAt, item.anchor, { mealKind: item.mealKind, itineraryKind: item.itineraryKind })
      : [{ recordId: null, label: null, at: null }];
    for (const moment of moments) {
      if (have.has(`${item.id}:${moment.recordId ?? ''}`)) continue;
      const task = await deps.db.task
        .create({
          data: {
            tenantId: deps.access.tenantId!,
            visitId: visit.id,
            templateItemId: item.id,
            phase: item.phase,
            position: item.position,
            title: moment.label ? labelled(item.title, moment.label) : item.title,
            description: item.description,
            assigneeRole: item.defaultRole,
            anchor: item.anchor,
            anchorRecordId: moment.recordId,
            offsetMinutes: item.anchor ? item.offsetMinutes : null,
            dueAt: moment.at ? addMinutes(moment.at, item.offsetMinutes) : null,
            createdById: deps.access.userId,
          },
        })
        .catch(tooManyTasks);
      await emit(deps, task, 'CREATED');
      created.push(task);
    }
  }
  await recordAudit(deps, {
    action: 'checklist.instantiated',
    targetType: 'Visit',
    targetId: visit.id,
    data: { templateId: template.id, created: created.length },
  });
  return created;
}

/**
 * A milestone moved (arrival delayed, itinerary or meal changed): open tasks that follow it move
 * with it. Tasks whose meal or item is gone keep their time.
 */
export async function refreshDueTimes(deps: ServiceDeps, visitId: string, planNow: PlanOnce = () => loadPlan(deps.db, visitId)) {
  const tasks = await deps.db.task.findMany({
    where: { visitId, status: { in: OPEN_STATUSES }, anchor: { not: null } },
  });
  if (tasks.length === 0) return 0;
  const visit = await deps.db.visit.findUniqueOrThrow({ where: { id: visitId }, select: { createdAt: true } });
  const plan = await planNow();
  let moved = 0;
  for (const task of tasks) {
    const due = dueAt(plan, visit.createdAt, {
      anchor: task.anchor!,
      anchorRecordId: task.anchorRecordId,
      offsetMinutes: task.offsetMinutes ?? 0,
    });
    if (!due || due.getTime() === task.dueAt?.getTime()) continue;
    const updated = await deps.db.task.update({ where: { id: task.id }, data: { dueAt: due, version: { increment: 1 } } });
    await emit(deps, updated, 'UPDATED', { dueAt: { before: task.dueAt?.toISOString() ?? null, after: due.toISOString() } });
    moved++;
  }
  return moved;
}

// Open tasks follow the plan: when a visit's plan changes, in the same transaction.
registerVisitHooks({ onPlanChanged: (deps, visitId, plan) => refreshDueTimes(deps, visitId, plan) });

// ── tasks ───────────────────────────────────────────────────────────────────────────────────────

const taskFields = {
  title: z.string().trim().min(1).max(500),
  description: z.string().trim().max(5000).nullish(),
  assigneeMembershipId: z.string().uuid().nullish(),
  assigneeRole: ROLE.nullish(),
  dueAt: z.date().nullish(),
};
const createInput = z.object({ visitId: z.string().uuid().nullish(), phase: z.enum(TASK_PHASES), ...taskFields });

/** A visit holds at most this many tasks: the trigger `tasks_per_visit_cap` (migration 0011) refuses more with SQLSTATE JD001. */
export const MAX_TASKS_PER_VISIT = 2_000;

/** The trigger's refusal as a typed error; anything else is passed on. */
function tooManyTasks(error: unknown): never {
  if (databaseErrorCode(error) === 'JD001') {
    throw new TaskError('TOO_MANY_TASKS', `A visit has at most ${MAX_TASKS_PER_VISIT} tasks`);
  }
  throw error;
}

/** An ad-hoc task, on a visit or tenant-wide (e.g. a follow-up of a complaint). */
export async function createTask(deps: ServiceDeps, input: z.input<typeof createInput>) {
  const data = parseInput(createInput, input);
  await assertMember(deps.db, data.assigneeMembershipId);
  // The visit is checked by its foreign key (tenant_id, visit_id), not by a query first: a visit of
  // another tenant or none at all is a violation (the assignee, the only other reference, is checked above).
  const task = await deps.db.task
    .create({
      data: {
        tenantId: deps.access.tenantId!,
        visitId: data.visitId ?? null,
        phase: data.phase,
        title: data.title,
        description: data.description ?? null,
        assigneeMembershipId: data.assigneeMembershipId ?? null,
        assigneeRole: data.assigneeRole ?? null,
        dueAt: data.dueAt ?? null,
        position: 1000,
        createdById: deps.access.userId,
      },
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new TaskError('INVALID_REFERENCE', 'No such visit');
      return tooManyTasks(error);
    });
  await emit(deps, task, 'CREATED');
  await recordAudit(deps, { action: 'task.created', targetType: 'Task', targetId: task.id });
  return task;
}

const updateInput = z.object({ ...taskFields, title: taskFields.title.optional() }).partial();

/** Changes a task; setting `dueAt` by hand detaches it from its milestone. */
export async function updateTask(deps: ServiceDeps, taskId: string, expectedVersion: number | null | undefined, input: z.input<typeof updateInput>) {
  const data = parseInput(updateInput, input);
  const task = await findTask(deps.db, taskId, expectedVersion);
  await assertMember(deps.db, data.assigneeMembershipId);
  const updated = await deps.db.task
    .update({
      where: { id: task.id },
      data: {
        ...data,
        ...(data.dueAt !== undefined ? { anchor: null, anchorRecordId: null, offsetMinutes: null } : {}),
        version: { increment: 1 },
      },
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new TaskError('INVALID_REFERENCE', 'No such member in this tenant');
      throw error;
    });
  await emit(deps, updated, 'UPDATED', { fields: Object.keys(data) });
  return updated;
}

export async function changeTaskStatus(
  deps: ServiceDeps,
  input: { taskId: string; expectedVersion?: number | null; status: TaskStatus; reason?: string | null },
) {
  const task = await findTask(deps.db, input.taskId, input.expectedVersion);
  if (!TRANSITIONS[task.status].includes(input.status)) {
    throw new TaskError('ILLEGAL_TRANSITION', `A task cannot go from ${task.status} to ${input.status}`);
  }
  const reason = input.reason?.trim() || null;
  if ((input.status === 'BLOCKED' || input.status === 'SKIPPED') && !reason) {
    throw new TaskError('REASON_REQUIRED', `${input.status === 'BLOCKED' ? 'Blocking' : 'Skipping'} a task needs a reason`);
  }
  const done = input.status === 'DONE';
  const updated = await deps.db.task.update({
    where: { id: task.id },
    data: {
      status: input.status,
      statusReason: reason,
      completedAt: done ? new Date() : null,
      completedById: done ? deps.access.userId : null,
      version: { increment: 1 },
    },
  });
  await emit(deps, updated, 'STATUS_CHANGED', { from: task.status, to: input.status });
  return updated;
}

export async function deleteTask(deps: ServiceDeps, taskId: string, expectedVersion?: number | null) {
  const task = await findTask(deps.db, taskId, expectedVersion);
  // What refers to a task and must keep it (a round's check, paperwork, an escalation, a finding …) says so
  // with a foreign key that refuses the delete (no cascade): this module need not know those modules.
  await deps.db.task.delete({ where: { id: task.id } }).catch((error) => {
    if (isForeignKeyViolation(error)) {
      throw new TaskError(
        'TASK_IN_USE',
        'This task is part of another record (a check, paperwork, an escalation, a finding …): skip it instead of deleting it',
      );
    }
    throw error;
  });
  await emit(deps, task, 'DELETED');
  await recordAudit(deps, { action: 'task.deleted', targetType: 'Task', targetId: task.id, data: { title: task.title } });
  return task;
}

export async function addTaskComment(deps: ServiceDeps, input: { taskId: string; body: string }) {
  const body = parseInput(z.string().trim().min(1).max(5000), input.body);
  const task = await findTask(deps.db, input.taskId);
  const comment = await deps.db.taskComment.create({ data: { tenantId: task.tenantId, taskId: task.id, authorUserId: deps.access.userId, body } });
  await emit(deps, task, 'UPDATED', { commentId: comment.id });
  return comment;
}

const evidenceInput = z.object({
  taskId: z.string().uuid(),
  kind: z.enum(['PHOTO', 'FILE', 'LINK']),
  reference: z.string().trim().min(1).max(2000),
  note: z.string().trim().max(2000).nullish(),
  /** A stored evidence file (modules/shared/evidence): the reference is then its download path. */
  fileId: z.string().uuid().nullish(),
});

export async function addTaskEvidence(deps: ServiceDeps, input: z.input<typeof evidenceInput>) {
  const data = parseInput(evidenceInput, input);
  const task = await findTask(deps.db, data.taskId);
  const evidence = await deps.db.taskEvidence.create({
    data: {
      tenantId: task.tenantId,
      taskId: task.id,
      kind: data.kind,
      reference: data.reference,
      note: data.note ?? null,
      addedById: deps.access.userId,
      fileId: data.fileId ?? null,
    },
  });
  await emit(deps, task, 'UPDATED', { evidenceId: evidence.id });
  return evidence;
}

// ── board and lists ─────────────────────────────────────────────────────────────────────────────

export interface TaskFilter {
  visitId?: string | null;
  status?: TaskStatus[] | null;
  phase?: (typeof TASK_PHASES)[number] | null;
  overdue?: boolean | null;
  assigneeMembershipId?: string | null;
}

/** Overdue: due in the past and not done or skipped (零失误: visible at once). */
export function taskWhere(filter: TaskFilter | null | undefined, now = new Date()): Prisma.TaskWhereInput {
  return {
    ...(filter?.visitId ? { visitId: filter.visitId } : {}),
    ...(filter?.phase ? { phase: filter.phase } : {}),
    ...(filter?.assigneeMembershipId ? { assigneeMembershipId: filter.assigneeMembershipId } : {}),
    ...(filter?.overdue === true ? { dueAt: { lt: now }, status: { in: OPEN_STATUSES } } : {}),
    ...(filter?.overdue === false ? { OR: [{ dueAt: null }, { dueAt: { gte: now } }, { status: { notIn: OPEN_STATUSES } }] } : {}),
    ...(filter?.status?.length ? { AND: [{ status: { in: filter.status } }] } : {}),
  };
}

export interface BoardColumn {
  status: TaskStatus;
  tasks: Task[];
}
export interface Board {
  total: number;
  done: number;
  skipped: number;
  overdue: number;
  blocked: number;
  /** Share of tasks done or skipped, 0–1. */
  progress: number;
  phases: { phase: string; total: number; done: number; columns: BoardColumn[] }[];
}

/** A visit's tasks grouped by phase and status, with counts and progress. */
export function buildBoard(tasks: Task[], now = new Date()): Board {
  const finished = (t: Task) => t.status === 'DONE' || t.status === 'SKIPPED';
  const phases = TASK_PHASES.map((phase) => {
    const inPhase = tasks.filter((t) => t.phase === phase);
    return {
      phase,
      total: inPhase.length,
      done: inPhase.filter(finished).length,
      columns: TASK_STATUSES.map((status) => ({ status, tasks: inPhase.filter((t) => t.status === status) })),
    };
  });
  const total = tasks.length;
  const closed = tasks.filter(finished).length;
  return {
    total,
    done: tasks.filter((t) => t.status === 'DONE').length,
    skipped: tasks.filter((t) => t.status === 'SKIPPED').length,
    overdue: tasks.filter((t) => OPEN_STATUSES.includes(t.status) && t.dueAt && t.dueAt < now).length,
    blocked: tasks.filter((t) => t.status === 'BLOCKED').length,
    progress: total === 0 ? 0 : Math.round((closed / total) * 1000) / 1000,
    phases,
  };
}
