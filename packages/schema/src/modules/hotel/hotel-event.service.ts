// A hotel's events (会议/活动: a conference, a VIP stay) linked to the visit they serve; the dedicated
// team (专班); department readiness items (各部门准备情况汇报); the areas the event uses and their
// inspections with the shared assessments (failed criteria become findings and corrective tasks); the
// go/no-go gate, computed from all of it (hotel-event.gate.ts). Every change that can move the gate
// appends a `hotel` event for the live readiness board.
import { z } from 'zod';
import type { Db, HotelDepartment, HotelHazard } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { ForbiddenError } from '../../builder.ts';
import { hasRole } from '../../shared/access.ts';
import { isoDate } from '../../shared/dates.ts';
import { isForeignKeyViolation, isUniqueViolation, parseInput } from '../../shared/errors.ts';
import { isMember, ownMembershipId } from '../../shared/members.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { appendEvent } from '../core/events/event.service.ts';
import { addFinding, criteriaOf, recordScores, startAssessment, submitAssessment } from '../shared/assessments/assessment.service.ts';
import { planIssues } from '../shared/visits/visit.service.ts';
import { modulePlanIssues, registerVisitHooks } from '../shared/visits/visit.hooks.ts';
import { loadPlan } from '../shared/visits/visit.plan-loader.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { DEPARTMENT_ORDER, failedCriteria, HAZARD_ORDER, judgeGate, reviewPassed, type Gate, type GateState } from './hotel-event.gate.ts';

export const HOTEL_TOPIC = 'hotel';
export const HOTEL_EVENT_KINDS = ['CONFERENCE', 'VIP_STAY', 'BANQUET', 'OTHER'] as const;
export const HOTEL_TEAM_ROLES = ['LEADER', 'DEPUTY_LEADER', 'LIAISON', 'MEMBER'] as const;
export const HOTEL_DEPARTMENTS = DEPARTMENT_ORDER as readonly HotelDepartment[];
export const READINESS_STATUSES = ['NOT_STARTED', 'IN_PROGRESS', 'READY', 'BLOCKED'] as const;
export const HOTEL_HAZARDS = HAZARD_ORDER as readonly HotelHazard[];
export const DEFAULT_DRILL_VALIDITY_DAYS = 180;

/**
 * Something that may move an event's gate changed. `eventId` null: every event of the tenant (an
 * emergency plan or a drill, which all events share).
 */
export async function readinessChanged(deps: ServiceDeps, eventId: string | null, change: string, data: Record<string, string | null> = {}) {
  await appendEvent(deps, { topic: HOTEL_TOPIC, type: 'READINESS_CHANGED', subjectId: eventId, payload: { change, ...data } });
}

// ── events ──────────────────────────────────────────────────────────────────────────────────────

const eventFields = {
  title: z.string().trim().min(1).max(300),
  kind: z.enum(HOTEL_EVENT_KINDS),
  startsAt: z.date(),
  endsAt: z.date(),
  visitId: z.string().uuid().nullish(),
  hazards: z
    .array(z.enum(HAZARD_ORDER as [HotelHazard, ...HotelHazard[]]))
    .max(6)
    .nullish(),
  notes: z.string().trim().max(5000).nullish(),
};
const createEventInput = z
  .object({ ...eventFields, kind: eventFields.kind.nullish() })
  .refine((e) => e.endsAt > e.startsAt, { path: ['endsAt'], message: 'must be after startsAt' });

export async function createHotelEvent(deps: ServiceDeps, input: z.input<typeof createEventInput>) {
  const data = parseInput(createEventInput, input);
  const event = await deps.db.hotelEvent
    .create({
      data: {
        tenantId: deps.access.tenantId!,
        title: data.title,
        kind: data.kind ?? 'CONFERENCE',
        startsAt: data.startsAt,
        endsAt: data.endsAt,
        visitId: data.visitId ?? null,
        ...(data.hazards ? { hazards: [...new Set(data.hazards)] } : {}),
        notes: data.notes ?? null,
        createdById: deps.access.userId,
      },
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new HotelEventError('INVALID_REFERENCE', 'No such visit in this tenant', ['visitId']);
      throw error;
    });
  await recordAudit(deps, { action: 'hotel_event.created', targetType: 'HotelEvent', targetId: event.id, data: { title: data.title } });
  await readinessChanged(deps, event.id, 'EVENT_CREATED');
  return event;
}

const updateEventInput = z
  .object({ id: z.string().uuid(), expectedVersion: z.number().int(), ...eventFields })
  .partial({ title: true, kind: true, startsAt: true, endsAt: true });

export async function updateHotelEvent(deps: ServiceDeps, input: z.input<typeof updateEventInput>) {
  const data = parseInput(updateEventInput, input);
  const event = await findEvent(deps.db, data.id, data.expectedVersion);
  const startsAt = data.startsAt ?? event.startsAt;
  const endsAt = data.endsAt ?? event.endsAt;
  if (endsAt <= startsAt) throw new HotelEventError('ILLEGAL_TRANSITION', 'The event must end after it starts', ['endsAt']);
  const updated = await deps.db.hotelEvent
    .update({
      where: { id: event.id },
      data: {
        ...(data.title !== undefined ? { title: data.title } : {}),
        ...(data.kind !== undefined ? { kind: data.kind } : {}),
        startsAt,
        endsAt,
        ...(data.visitId !== undefined ? { visitId: data.visitId } : {}),
        ...(data.hazards != null ? { hazards: [...new Set(data.hazards)] } : {}),
        ...(data.notes !== undefined ? { notes: data.notes } : {}),
        version: { increment: 1 },
      },
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new HotelEventError('INVALID_REFERENCE', 'No such visit in this tenant', ['visitId']);
      throw error;
    });
  await recordAudit(deps, { action: 'hotel_event.updated', targetType: 'HotelEvent', targetId: event.id });
  await readinessChanged(deps, event.id, 'EVENT_UPDATED');
  return updated;
}

async function findEvent(db: Db, id: string, expectedVersion?: number | null) {
  const event = await db.hotelEvent.findUnique({ where: { id } });
  if (!event) throw new HotelEventError('NOT_FOUND', 'No such event', ['id']);
  if (expectedVersion != null && event.version !== expectedVersion) {
    throw new HotelEventError('CONFLICT', `The event changed meanwhile: it is at version ${event.version}, not ${expectedVersion}`, ['expectedVersion']);
  }
  return event;
}

// ── the dedicated team (专班) ────────────────────────────────────────────────────────────────────

const teamInput = z.object({
  eventId: z.string().uuid(),
  membershipId: z.string().uuid(),
  role: z.enum(HOTEL_TEAM_ROLES),
  duty: z.string().trim().max(500).nullish(),
});

/** Adds a member to the event's team, or changes their role and duty. One leader per event. */
export async function setTeamMember(deps: ServiceDeps, input: z.input<typeof teamInput>) {
  const data = parseInput(teamInput, input);
  const event = await findEvent(deps.db, data.eventId);
  if (!(await isMember(deps.db, data.membershipId))) throw new HotelEventError('INVALID_REFERENCE', 'No such member in this tenant', ['membershipId']);
  if (data.role === 'LEADER') {
    const leader = await deps.db.hotelEventTeamMember.findFirst({ where: { eventId: event.id, role: 'LEADER', NOT: { membershipId: data.membershipId } } });
    if (leader) throw new HotelEventError('ALREADY_EXISTS', 'The team has a leader: make them DEPUTY_LEADER or MEMBER first', ['role']);
  }
  const member = await deps.db.hotelEventTeamMember.upsert({
    where: { eventId_membershipId: { eventId: event.id, membershipId: data.membershipId } },
    create: { tenantId: event.tenantId, eventId: event.id, membershipId: data.membershipId, role: data.role, duty: data.duty ?? null },
    update: { role: data.role, duty: data.duty ?? null },
  });
  await recordAudit(deps, { action: 'hotel_event.team_member_set', targetType: 'HotelEvent', targetId: event.id, data: { role: data.role } });
  return member;
}

export async function removeTeamMember(deps: ServiceDeps, input: { eventId: string; membershipId: string }) {
  const member = await deps.db.hotelEventTeamMember.findUnique({ where: { eventId_membershipId: input } });
  if (!member) throw new HotelEventError('NOT_FOUND', 'Not on this event’s team');
  await deps.db.hotelEventTeamMember.delete({ where: { id: member.id } });
  await recordAudit(deps, { action: 'hotel_event.team_member_removed', targetType: 'HotelEvent', targetId: input.eventId });
  return member;
}

// ── department readiness (各部门准备情况汇报) ─────────────────────────────────────────────────────

const itemInput = z.object({
  eventId: z.string().uuid(),
  department: z.enum(DEPARTMENT_ORDER as [HotelDepartment, ...HotelDepartment[]]),
  title: z.string().trim().min(1).max(300),
  ownerMembershipId: z.string().uuid().nullish(),
});

export async function addReadinessItem(deps: ServiceDeps, input: z.input<typeof itemInput>) {
  const data = parseInput(itemInput, input);
  const event = await findEvent(deps.db, data.eventId, null);
  if (data.ownerMembershipId && !(await isMember(deps.db, data.ownerMembershipId))) {
    throw new HotelEventError('INVALID_REFERENCE', 'No such member in this tenant', ['ownerMembershipId']);
  }
  const item = await deps.db.hotelReadinessItem
    .create({
      data: { tenantId: event.tenantId, eventId: event.id, department: data.department, title: data.title, ownerMembershipId: data.ownerMembershipId ?? null },
    })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new HotelEventError('ALREADY_EXISTS', `${data.department} has an item "${data.title}" already`, ['title']);
      throw error;
    });
  await readinessChanged(deps, event.id, 'ITEM_ADDED', { itemId: item.id });
  return item;
}

const reportInput = z
  .object({
    itemId: z.string().uuid(),
    expectedVersion: z.number().int().nullish(),
    status: z.enum(READINESS_STATUSES),
    evidence: z.string().trim().min(1).max(2000).nullish(),
    note: z.string().trim().max(2000).nullish(),
  })
  .refine((r) => r.status !== 'BLOCKED' || !!r.note, { path: ['note'], message: 'say why the item is blocked' });

/**
 * A department reports an item's state (with evidence and time). The item's owner may report it, as
 * may a coordinator; READY needs evidence (given now or before).
 */
export async function reportReadiness(deps: ServiceDeps, input: z.input<typeof reportInput>) {
  const data = parseInput(reportInput, input);
  const item = await deps.db.hotelReadinessItem.findUnique({ where: { id: data.itemId } });
  if (!item) throw new HotelEventError('NOT_FOUND', 'No such readiness item', ['itemId']);
  if (!hasRole(deps.access, 'COORDINATOR')) {
    const own = await ownMembershipId(deps);
    if (!own || own !== item.ownerMembershipId) throw new ForbiddenError('Only the item’s owner or a coordinator reports on it');
  }
  if (data.expectedVersion != null && item.version !== data.expectedVersion) {
    throw new HotelEventError('CONFLICT', `The item changed meanwhile: it is at version ${item.version}, not ${data.expectedVersion}`, ['expectedVersion']);
  }
  const evidence = data.evidence ?? item.evidence;
  if (data.status === 'READY' && !evidence) {
    throw new HotelEventError('ILLEGAL_TRANSITION', 'READY needs evidence: a photo link, a document or a short statement of what was checked', ['evidence']);
  }
  const updated = await deps.db.hotelReadinessItem.update({
    where: { id: item.id },
    data: { status: data.status, evidence, note: data.note ?? item.note, reportedAt: new Date(), version: { increment: 1 } },
  });
  await recordAudit(deps, { action: 'hotel_readiness.reported', targetType: 'HotelReadinessItem', targetId: item.id, data: { status: data.status } });
  await readinessChanged(deps, item.eventId, 'ITEM_REPORTED', { itemId: item.id, status: data.status });
  return updated;
}

// ── areas and their inspections ─────────────────────────────────────────────────────────────────

export async function addEventArea(deps: ServiceDeps, input: { eventId: string; hotelAreaId: string }) {
  const event = await findEvent(deps.db, input.eventId);
  const area = await deps.db.hotelArea.findUnique({ where: { id: input.hotelAreaId } });
  if (!area) throw new HotelEventError('INVALID_REFERENCE', 'No such hotel area', ['hotelAreaId']);
  const eventArea = await deps.db.hotelEventArea.create({ data: { tenantId: event.tenantId, eventId: event.id, hotelAreaId: area.id } }).catch((error) => {
    if (isUniqueViolation(error)) throw new HotelEventError('ALREADY_EXISTS', `${area.name} is an area of this event already`, ['hotelAreaId']);
    throw error;
  });
  await readinessChanged(deps, event.id, 'AREA_ADDED', { eventAreaId: eventArea.id });
  return eventArea;
}

const inspectInput = z.object({
  eventAreaId: z.string().uuid(),
  templateId: z.string().uuid().nullish(),
  assessedOn: isoDate.nullish(),
  scores: z
    .array(z.object({ criterionKey: z.string().uuid(), value: z.number(), comment: z.string().trim().max(2000).nullish() }))
    .min(1)
    .max(100),
  /** Who corrects the failures (default: the coordinators). */
  correctedByMembershipId: z.string().uuid().nullish(),
});

/**
 * Inspects an area for the event with the area readiness template (区域检查): scores every criterion,
 * submits, and turns each failed criterion into a finding whose corrective action is a task, due
 * before the event; the inspection passes once those tasks are done (the finding closes with its task).
 * Inspecting again replaces the area's inspection.
 */
export async function inspectEventArea(deps: ServiceDeps, input: z.input<typeof inspectInput>) {
  const data = parseInput(inspectInput, input);
  const eventArea = await deps.db.hotelEventArea.findUnique({ where: { id: data.eventAreaId }, include: { area: true, event: true } });
  if (!eventArea) throw new HotelEventError('NOT_FOUND', 'No such event area', ['eventAreaId']);
  const template = data.templateId
    ? await deps.db.assessmentTemplate.findFirst({ where: { id: data.templateId, subjectType: 'HOTEL_AREA' } })
    : await deps.db.assessmentTemplate.findFirst({
        where: { kind: 'INSPECTION', subjectType: 'HOTEL_AREA', versions: { some: {} } },
        orderBy: { createdAt: 'asc' },
      });
  if (!template) throw new HotelEventError('NO_TEMPLATE', 'No published inspection template for hotel areas', ['templateId']);
  const assessedOn = data.assessedOn ?? (await localToday(deps.db));
  let assessment = await startAssessment(deps, { templateId: template.id, subjectId: eventArea.hotelAreaId, assessedOn });
  assessment = await recordScores(deps, { assessmentId: assessment.id, scores: data.scores });
  assessment = await submitAssessment(deps, { assessmentId: assessment.id });
  const version = await deps.db.assessmentTemplateVersion.findUniqueOrThrow({ where: { id: assessment.templateVersionId } });
  const byKey = new Map(data.scores.map((s) => [s.criterionKey, s]));
  const failed = failedCriteria(criteriaOf(version), new Map(data.scores.map((s) => [s.criterionKey, s.value])));
  const dueAt = new Date(eventArea.event.startsAt.getTime() - 2 * 3_600_000);
  const findings = [];
  for (const criterion of failed) {
    const comment = byKey.get(criterion.key)?.comment;
    findings.push(
      await addFinding(deps, {
        assessmentId: assessment.id,
        criterionKey: criterion.key,
        severity: criterion.scale.kind === 'PASS_FAIL' ? 'HIGH' : 'MEDIUM',
        description: `${eventArea.area.name}：${criterion.title}${comment ? `（${comment}）` : ''}`,
        correctiveAction: `${eventArea.area.name}：${criterion.title}${comment ? `——${comment}` : ''}`,
        ownerMembershipId: data.correctedByMembershipId ?? null,
        dueAt: dueAt > new Date() ? dueAt : null,
      }),
    );
  }
  const updated = await deps.db.hotelEventArea.update({ where: { id: eventArea.id }, data: { assessmentId: assessment.id } });
  await readinessChanged(deps, eventArea.eventId, 'AREA_INSPECTED', { eventAreaId: eventArea.id, assessmentId: assessment.id });
  return { eventArea: updated, assessment, findings };
}

/** Today in the tenant's time zone, YYYY-MM-DD. */
export async function localToday(db: Db, at: Date = new Date()): Promise<string> {
  const tenant = await db.tenant.findFirst({ select: { timeZone: true } });
  return new Intl.DateTimeFormat('en-CA', { timeZone: tenant?.timeZone ?? 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

// ── the gate ────────────────────────────────────────────────────────────────────────────────────

/** Whether a drill passed its review: reviewed, total at least the pass mark, every pass/fail criterion passed. */
export function drillPassed(
  assessment: {
    status: string;
    templateVersion: { criteria: unknown };
    scores: { criterionKey: string; value: unknown }[];
  } | null,
): boolean {
  if (assessment?.status !== 'REVIEWED') return false;
  return reviewPassed(criteriaOf(assessment.templateVersion as never), new Map(assessment.scores.map((s) => [s.criterionKey, Number(s.value)])));
}

/** The BLOCKER issues of a visit's plan, its modules' own included (as the visit shows them). */
async function visitBlockers(db: Db, visitId: string) {
  const visit = await db.visit.findUniqueOrThrow({ where: { id: visitId }, select: { escalatedAt: true } });
  const plan = await loadPlan(db, visitId);
  return [...planIssues(plan, visit), ...(await modulePlanIssues(db, visitId, plan))].filter((i) => i.severity === 'BLOCKER');
}

/** Everything the gate of an event looks at, as it is now. */
export async function loadGateState(db: Db, eventId: string): Promise<GateState | null> {
  const event = await db.hotelEvent.findUnique({
    where: { id: eventId },
    include: {
      readinessItems: { select: { id: true, department: true, title: true, status: true }, orderBy: { createdAt: 'asc' } },
      areas: {
        include: {
          area: { select: { name: true } },
          assessment: { select: { status: true, findings: { where: { closedAt: null }, select: { id: true, description: true } } } },
        },
        orderBy: { createdAt: 'asc' },
      },
    },
  });
  if (!event) return null;
  const [plans, settings, blockedTasks, planBlockers] = await Promise.all([
    db.hotelEmergencyPlan.findMany({
      select: {
        id: true,
        hazard: true,
        title: true,
        drills: {
          select: { id: true, endedAt: true, assessment: { select: { status: true, templateVersion: { select: { criteria: true } }, scores: true } } },
        },
      },
    }),
    db.hotelSettings.findFirst(),
    // Blocked tasks of the served visit, and of the event itself (meeting decisions, equipment maintenance).
    db.task.findMany({
      where: { status: 'BLOCKED', OR: [...(event.visitId ? [{ visitId: event.visitId }] : []), { hotelEventTask: { eventId: event.id } }] },
      select: { id: true, title: true },
      orderBy: { createdAt: 'asc' },
    }),
    event.visitId ? visitBlockers(db, event.visitId) : [],
  ]);
  return {
    readinessItems: event.readinessItems,
    areas: event.areas.map((a) => ({
      id: a.id,
      name: a.area.name,
      inspection: a.assessment ? { status: a.assessment.status } : null,
      openFindings: a.assessment?.findings ?? [],
    })),
    hazards: event.hazards,
    plans: plans.map((p) => ({
      id: p.id,
      hazard: p.hazard,
      title: p.title,
      drills: p.drills.map((d) => ({ id: d.id, endedAt: d.endedAt, passed: drillPassed(d.assessment) })),
    })),
    drillValidityDays: settings?.drillValidityDays ?? DEFAULT_DRILL_VALIDITY_DAYS,
    eventStartsAt: event.startsAt,
    blockedTasks,
    visitPlanBlockers: planBlockers.map((i) => ({ code: i.code, message: i.message })),
  };
}

export async function eventGate(db: Db, eventId: string): Promise<Gate | null> {
  const state = await loadGateState(db, eventId);
  return state ? judgeGate(state) : null;
}

/** The gate of a visit hosted here: GO when every event serving it is GO; null when none does. */
export async function visitGate(db: Db, visitId: string): Promise<(Gate & { eventIds: string[] }) | null> {
  const events = await db.hotelEvent.findMany({ where: { visitId }, select: { id: true }, orderBy: { startsAt: 'asc' } });
  if (events.length === 0) return null;
  const gates = await Promise.all(events.map((e) => eventGate(db, e.id)));
  const reasons = gates.flatMap((g) => g?.reasons ?? []);
  return { status: reasons.length === 0 ? 'GO' : 'NO_GO', reasons, eventIds: events.map((e) => e.id) };
}

// A visit served by an event changed (any change: a contact, a room inspected …): the event's gate may
// have moved (the visit's BLOCKER issues).
registerVisitHooks({
  onVisitChanged: async (deps, visitId) => {
    if (deps.access.tenantKind !== 'HOTEL') return;
    const events = await deps.db.hotelEvent.findMany({ where: { visitId }, select: { id: true } });
    for (const event of events) await readinessChanged(deps, event.id, 'VISIT_PLAN_CHANGED', { visitId });
  },
});
