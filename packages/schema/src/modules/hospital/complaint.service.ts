// Complaints and suggestions (投诉与建议) from patients and families: intake by staff or by API (the
// public link is complaint-intake.service.ts), handling (acknowledge, assign, respond — the response
// sent to the complainant is recorded — and close with the complainant's satisfaction), deadlines from
// the tenant's policy, escalation of passed deadlines, statistics. Knows no GraphQL. Every change is
// audited (never with the complainant's name or contact) and is an event on the `complaint` topic.
// Time comes in as `now` (default: the clock), so deadlines can be tested.
import { z } from 'zod';
import type { Complaint, ComplaintStatus, Prisma } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { hasRole } from '../../shared/access.ts';
import { isForeignKeyViolation, parseInput, ValidationError } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { appendEvent } from '../core/events/event.service.ts';
import { addFinding } from '../shared/assessments/assessment.service.ts';
import { createTask } from '../shared/tasks/task.service.ts';
import { bilingual, labelled } from '../../shared/template-texts.ts';
import { registerSurveyResponseHooks } from '../shared/feedback/survey-response.hooks.ts';
import { ComplaintError } from './complaint.errors.ts';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_SEVERITIES,
  complaintStatistics,
  deadlinesFor,
  effectivePolicy,
  overdueDeadlines,
  type DeadlineKind,
  type DeadlinePolicy,
} from './complaint.rules.ts';

export const COMPLAINT_TOPIC = 'complaint';
export const COMPLAINT_CHANGE_KINDS = ['CREATED', 'ACKNOWLEDGED', 'ASSIGNED', 'RESPONDED', 'CLOSED', 'ESCALATED', 'FINDING_OPENED'] as const;
export type ComplaintChangeKind = (typeof COMPLAINT_CHANGE_KINDS)[number];
export const COMPLAINT_KINDS = ['COMPLAINT', 'SUGGESTION'] as const;
export const COMPLAINT_STATUSES = ['NEW', 'ACKNOWLEDGED', 'RESPONDED', 'CLOSED'] as const satisfies readonly ComplaintStatus[];
export const COMPLAINT_CHANNELS = ['STAFF', 'API', 'PUBLIC_LINK', 'FOLLOW_UP'] as const;
export const RESPONSE_CHANNELS = ['PHONE', 'LETTER', 'IN_PERSON', 'SMS', 'EMAIL', 'OTHER'] as const;

/** How far back a complaint received by phone or letter may be dated when it is entered. */
export const MAX_BACKDATE_DAYS = 90;

async function emit(deps: ServiceDeps, complaint: Complaint, type: ComplaintChangeKind, extra: Prisma.InputJsonObject = {}) {
  await appendEvent(deps, {
    topic: COMPLAINT_TOPIC,
    type,
    subjectId: complaint.id,
    payload: {
      status: complaint.status,
      severity: complaint.severity,
      category: complaint.category,
      departmentId: complaint.departmentId,
      version: complaint.version,
      ...extra,
    },
  });
}

// ── policy ────────────────────────────────────────────────────────────────────────────────────
export async function complaintPolicy(deps: Pick<ServiceDeps, 'db'>): Promise<DeadlinePolicy[]> {
  const rows = await deps.db.complaintDeadline.findMany({ select: { severity: true, acknowledgeMinutes: true, respondMinutes: true } });
  return effectivePolicy(rows);
}

const deadlineInput = z
  .object({
    severity: z.enum(COMPLAINT_SEVERITIES),
    acknowledgeMinutes: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 60),
    respondMinutes: z
      .number()
      .int()
      .min(1)
      .max(90 * 24 * 60),
  })
  .refine((d) => d.respondMinutes >= d.acknowledgeMinutes, { path: ['respondMinutes'], message: 'at least the acknowledgement time' });

/** Sets the tenant's deadlines for one severity (complaints already received keep theirs). */
export async function setComplaintDeadline(deps: ServiceDeps, input: z.input<typeof deadlineInput>) {
  const data = parseInput(deadlineInput, input);
  const tenantId = deps.access.tenantId!;
  await deps.db.complaintDeadline.upsert({
    where: { tenantId_severity: { tenantId, severity: data.severity } },
    create: { tenantId, ...data },
    update: { acknowledgeMinutes: data.acknowledgeMinutes, respondMinutes: data.respondMinutes, updatedAt: new Date() },
  });
  await recordAudit(deps, { action: 'complaint_policy.updated', targetType: 'ComplaintPolicy', data });
  return complaintPolicy(deps);
}

// ── intake ────────────────────────────────────────────────────────────────────────────────────
const text = (max: number) => z.string().trim().min(1).max(max);
export const complaintFields = {
  kind: z.enum(COMPLAINT_KINDS).default('COMPLAINT'),
  category: z.enum(COMPLAINT_CATEGORIES),
  severity: z.enum(COMPLAINT_SEVERITIES).default('MEDIUM'),
  summary: text(5000),
  complainantName: text(200).nullish(),
  complainantContact: text(500).nullish(),
};
const createInput = z.object({
  ...complaintFields,
  departmentId: z.string().uuid().nullish(),
  servicePointId: z.string().uuid().nullish(),
  receivedAt: z.date().nullish(),
});
export type CreateComplaintInput = z.input<typeof createInput>;

/** Inserts a complaint with its deadlines from the tenant's policy; the caller has validated it. */
export async function insertComplaint(
  deps: ServiceDeps,
  data: {
    kind: 'COMPLAINT' | 'SUGGESTION';
    category: Complaint['category'];
    severity: Complaint['severity'];
    summary: string;
    complainantName?: string | null | undefined;
    complainantContact?: string | null | undefined;
    departmentId?: string | null | undefined;
    servicePointId?: string | null | undefined;
    intakeLinkId?: string | null;
    surveyResponseId?: string | null;
    channel: Complaint['channel'];
    receivedAt: Date;
  },
) {
  const policy = await complaintPolicy(deps);
  const complaint = await deps.db.complaint
    .create({
      data: {
        tenantId: deps.access.tenantId!,
        kind: data.kind,
        category: data.category,
        severity: data.severity,
        channel: data.channel,
        summary: data.summary,
        departmentId: data.departmentId ?? null,
        servicePointId: data.servicePointId ?? null,
        intakeLinkId: data.intakeLinkId ?? null,
        surveyResponseId: data.surveyResponseId ?? null,
        receivedAt: data.receivedAt,
        ...deadlinesFor(data.receivedAt, data.severity, policy),
        createdById: deps.access.userId,
      },
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new ComplaintError('INVALID_REFERENCE', 'Unknown department or service point');
      throw error;
    });
  const name = data.complainantName ?? null;
  const contact = data.complainantContact ?? null;
  if (name || contact) {
    // Who complained lives apart, readable by PATIENT_DATA holders only (RLS, 0019): written without
    // RETURNING (createMany), which a writer without the role could not read back.
    await deps.db.complaintComplainant.createMany({ data: [{ tenantId: complaint.tenantId, complaintId: complaint.id, name, contact }] });
  }
  await emit(deps, complaint, 'CREATED', { channel: complaint.channel });
  await recordAudit(deps, {
    action: 'complaint.created',
    targetType: 'Complaint',
    targetId: complaint.id,
    data: { channel: complaint.channel, category: complaint.category, severity: complaint.severity },
  });
  return complaint;
}

/** A complaint or suggestion taken by staff (by phone, letter, at a desk) or sent by an API client. */
export async function createComplaint(deps: ServiceDeps, input: CreateComplaintInput, now = new Date()) {
  const data = parseInput(createInput, input);
  const receivedAt = data.receivedAt ?? now;
  if (receivedAt.getTime() > now.getTime() + 60_000) throw new ValidationError([{ path: ['receivedAt'], message: 'not in the future' }]);
  if (receivedAt.getTime() < now.getTime() - MAX_BACKDATE_DAYS * 86_400_000) {
    throw new ValidationError([{ path: ['receivedAt'], message: `at most ${MAX_BACKDATE_DAYS} days ago` }]);
  }
  return insertComplaint(deps, { ...data, channel: deps.access.userId ? 'STAFF' : 'API', receivedAt });
}

// ── handling ──────────────────────────────────────────────────────────────────────────────────
async function findComplaint(deps: ServiceDeps, id: string, expectedVersion?: number | null) {
  const complaint = await deps.db.complaint.findUnique({ where: { id } });
  if (!complaint) throw new ComplaintError('NOT_FOUND', 'No such complaint');
  if (expectedVersion != null && complaint.version !== expectedVersion) {
    throw new ComplaintError('CONFLICT', `The complaint changed (version ${complaint.version}, expected ${expectedVersion})`);
  }
  return complaint;
}

/**
 * Changes a complaint if it is (still) in one of `from` and at the version read: a concurrent change
 * in between is a CONFLICT, not a lost update.
 */
async function transition(
  deps: ServiceDeps,
  complaint: Complaint,
  from: readonly ComplaintStatus[],
  data: Prisma.ComplaintUncheckedUpdateManyInput,
  what: string,
) {
  if (!from.includes(complaint.status)) {
    throw new ComplaintError('INVALID_TRANSITION', `A ${complaint.status} complaint cannot be ${what}`);
  }
  const { count } = await deps.db.complaint.updateMany({
    where: { id: complaint.id, version: complaint.version },
    data: { ...data, version: { increment: 1 } },
  });
  if (count !== 1) throw new ComplaintError('CONFLICT', 'The complaint changed meanwhile: read it again');
  return deps.db.complaint.findUniqueOrThrow({ where: { id: complaint.id } });
}

const idInput = z.object({ id: z.string().uuid(), expectedVersion: z.number().int().min(1).nullish() });

export async function acknowledgeComplaint(deps: ServiceDeps, input: z.input<typeof idInput>, now = new Date()) {
  const data = parseInput(idInput, input);
  const complaint = await findComplaint(deps, data.id, data.expectedVersion);
  const updated = await transition(
    deps,
    complaint,
    ['NEW'],
    { status: 'ACKNOWLEDGED', acknowledgedAt: now, acknowledgedById: deps.access.userId },
    'acknowledged',
  );
  await emit(deps, updated, 'ACKNOWLEDGED');
  await recordAudit(deps, { action: 'complaint.acknowledged', targetType: 'Complaint', targetId: updated.id });
  return updated;
}

const assignInput = idInput.extend({ assigneeMembershipId: z.string().uuid() });

/** Assigns the complaint to a member who handles it (acknowledging it, if it was new). */
export async function assignComplaint(deps: ServiceDeps, input: z.input<typeof assignInput>, now = new Date()) {
  const data = parseInput(assignInput, input);
  const complaint = await findComplaint(deps, data.id, data.expectedVersion);
  const member = await deps.db.membership.findUnique({ where: { id: data.assigneeMembershipId }, select: { id: true } });
  if (!member) throw new ComplaintError('INVALID_REFERENCE', 'No such member in this tenant');
  const acknowledging = complaint.status === 'NEW' ? { status: 'ACKNOWLEDGED' as const, acknowledgedAt: now, acknowledgedById: deps.access.userId } : {};
  const updated = await transition(
    deps,
    complaint,
    ['NEW', 'ACKNOWLEDGED', 'RESPONDED'],
    { ...acknowledging, assigneeMembershipId: member.id, assignedAt: now },
    'assigned',
  );
  await emit(deps, updated, 'ASSIGNED', { assigneeMembershipId: member.id });
  await recordAudit(deps, { action: 'complaint.assigned', targetType: 'Complaint', targetId: updated.id, data: { assigneeMembershipId: member.id } });
  return updated;
}

const respondInput = idInput.extend({ response: text(5000), responseChannel: z.enum(RESPONSE_CHANNELS) });

/**
 * Records the response sent to the complainant (and how it was sent). A coordinator may respond to
 * any complaint; other staff only to the complaints assigned to them.
 */
export async function respondToComplaint(deps: ServiceDeps, input: z.input<typeof respondInput>, now = new Date()) {
  const data = parseInput(respondInput, input);
  const complaint = await findComplaint(deps, data.id, data.expectedVersion);
  if (!hasRole(deps.access, 'COORDINATOR')) {
    const own = deps.access.userId ? await deps.db.membership.findFirst({ where: { userId: deps.access.userId }, select: { id: true } }) : null;
    if (!own || own.id !== complaint.assigneeMembershipId)
      throw new ComplaintError('NOT_ASSIGNEE', 'Only its assignee or a coordinator responds to a complaint');
  }
  const acknowledging = complaint.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedById: deps.access.userId };
  const updated = await transition(
    deps,
    complaint,
    ['NEW', 'ACKNOWLEDGED'],
    {
      ...acknowledging,
      status: 'RESPONDED',
      response: data.response,
      responseChannel: data.responseChannel,
      respondedAt: now,
      respondedById: deps.access.userId,
    },
    'responded to',
  );
  await emit(deps, updated, 'RESPONDED', { responseChannel: data.responseChannel });
  await recordAudit(deps, { action: 'complaint.responded', targetType: 'Complaint', targetId: updated.id, data: { responseChannel: data.responseChannel } });
  return updated;
}

const closeInput = idInput.extend({ satisfaction: z.number().int().min(1).max(5).nullish(), closingNote: text(2000).nullish() });

/** Closes a responded complaint with the complainant's satisfaction (1–5), when they gave it. */
export async function closeComplaint(deps: ServiceDeps, input: z.input<typeof closeInput>, now = new Date()) {
  const data = parseInput(closeInput, input);
  const complaint = await findComplaint(deps, data.id, data.expectedVersion);
  const updated = await transition(
    deps,
    complaint,
    ['RESPONDED'],
    { status: 'CLOSED', closedAt: now, closedById: deps.access.userId, satisfaction: data.satisfaction ?? null, closingNote: data.closingNote ?? null },
    'closed (respond first)',
  );
  await emit(deps, updated, 'CLOSED', { satisfaction: updated.satisfaction });
  await recordAudit(deps, { action: 'complaint.closed', targetType: 'Complaint', targetId: updated.id, data: { satisfaction: updated.satisfaction } });
  return updated;
}

// ── escalation ────────────────────────────────────────────────────────────────────────────────
/** At most this many complaints are escalated per call (the rest on the next). */
export const ESCALATION_BATCH = 500;

// An escalation's task reads in the request's language: "title（severity category reference）", each word a
// template text (shared/template-texts.ts). No complainant's words go into it: the summary may hold patient data.
const ESCALATION_TITLES: Record<DeadlineKind, string> = {
  ACKNOWLEDGEMENT: bilingual('投诉逾期未受理', 'Complaint not acknowledged in time'),
  RESPONSE: bilingual('投诉逾期未答复', 'Complaint not answered in time'),
};
const ESCALATION_DESCRIPTIONS: Record<DeadlineKind, string> = {
  ACKNOWLEDGEMENT: bilingual(
    '投诉的受理期限已过：请督促受理并在答复期限前答复。',
    'The complaint’s acknowledgement deadline passed: see that it is acknowledged, and answered by its response deadline.',
  ),
  RESPONSE: bilingual('投诉的答复期限已过：请督促在一天内答复。', 'The complaint’s response deadline passed: see that it is answered within a day.'),
};
const SEVERITY_WORDS: Record<Complaint['severity'], string> = {
  CRITICAL: bilingual('危急', 'critical'),
  HIGH: bilingual('严重', 'high'),
  MEDIUM: bilingual('中等', 'medium'),
  LOW: bilingual('轻微', 'low'),
};
const CATEGORY_WORDS: Record<Complaint['category'], string> = {
  WAITING_TIME: bilingual('等候时间', 'waiting time'),
  SERVICE_ATTITUDE: bilingual('服务态度', 'staff attitude'),
  COMMUNICATION: bilingual('沟通解释', 'explanations'),
  MEDICAL_CARE: bilingual('医疗服务', 'medical care'),
  FEES: bilingual('收费', 'fees'),
  PROCESS: bilingual('流程手续', 'procedures'),
  ENVIRONMENT: bilingual('环境设施', 'environment'),
  OTHER: bilingual('其他', 'other'),
};

/**
 * Who an escalation's task is for: a coordinator of the complaint's department (the department's head
 * in this model), the first one by membership; else any coordinator (the task's role).
 */
async function escalationOwner(deps: ServiceDeps, departmentId: string | null): Promise<string | null> {
  if (!departmentId) return null;
  // Roles are compared here, not in the query: the embedded database's adapter refuses enum-array filters.
  const members = await deps.db.membership.findMany({
    where: { departmentId },
    select: { id: true, roles: true },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: 500,
  });
  return members.find((m) => m.roles.includes('COORDINATOR'))?.id ?? null;
}

/**
 * Escalates one batch: the complaints with a deadline passed at `now` that has no escalation yet (oldest
 * first, at most `limit`). Each passed deadline is recorded once — the row's unique key decides between
 * concurrent runs, the loser skips quietly — and gets a task for the department's coordinator (else the
 * coordinators); the ESCALATED event names the task. `full` says a further batch may have work.
 */
export async function escalateOverdueBatch(deps: ServiceDeps, options: { limit?: number | null } = {}, now = new Date()) {
  const limit = options.limit ?? ESCALATION_BATCH;
  if (!Number.isInteger(limit) || limit < 1 || limit > ESCALATION_BATCH) {
    throw new ValidationError([{ path: ['limit'], message: `between 1 and ${ESCALATION_BATCH}` }]);
  }
  // The complaints escalated already are left out of the query itself, so that batch after batch moves on.
  const candidates = await deps.db.complaint.findMany({
    where: {
      status: { in: ['NEW', 'ACKNOWLEDGED'] },
      OR: [
        { acknowledgedAt: null, respondedAt: null, acknowledgeDueAt: { lt: now }, escalations: { none: { deadline: 'ACKNOWLEDGEMENT' } } },
        { respondedAt: null, respondDueAt: { lt: now }, escalations: { none: { deadline: 'RESPONSE' } } },
      ],
    },
    include: { escalations: { select: { deadline: true } } },
    orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
    take: limit,
  });
  const recorded: { complaint: Complaint; deadline: DeadlineKind; taskId: string }[] = [];
  const owners = new Map<string | null, string | null>();
  for (const { escalations, ...complaint } of candidates) {
    const done = new Set(escalations.map((e) => e.deadline));
    for (const deadline of overdueDeadlines(complaint, now)) {
      if (done.has(deadline)) continue;
      const dueAt = deadline === 'ACKNOWLEDGEMENT' ? complaint.acknowledgeDueAt : complaint.respondDueAt;
      // A concurrent run may have recorded it (this insert waits for its commit, then does nothing): skip.
      const { count } = await deps.db.complaintEscalation.createMany({
        data: [{ tenantId: complaint.tenantId, complaintId: complaint.id, deadline, dueAt, escalatedAt: now }],
        skipDuplicates: true,
      });
      if (count === 0) continue;
      if (!owners.has(complaint.departmentId)) owners.set(complaint.departmentId, await escalationOwner(deps, complaint.departmentId));
      const owner = owners.get(complaint.departmentId) ?? null;
      const task = await createTask(deps, {
        phase: 'FOLLOW_UP',
        title: labelled(ESCALATION_TITLES[deadline], `${SEVERITY_WORDS[complaint.severity]} ${CATEGORY_WORDS[complaint.category]} ${complaint.id.slice(0, 8)}`),
        description: labelled(ESCALATION_DESCRIPTIONS[deadline], dueAt.toISOString()),
        assigneeMembershipId: owner,
        assigneeRole: owner ? null : 'COORDINATOR',
        // Acknowledge now and answer by the response deadline; a missed response is due within a day.
        dueAt: deadline === 'ACKNOWLEDGEMENT' && complaint.respondDueAt > now ? complaint.respondDueAt : new Date(now.getTime() + 86_400_000),
      });
      await deps.db.complaintEscalation.update({
        where: { complaintId_deadline: { complaintId: complaint.id, deadline } },
        data: { taskId: task.id },
      });
      recorded.push({ complaint, deadline, taskId: task.id });
      await emit(deps, complaint, 'ESCALATED', { deadline, dueAt: dueAt.toISOString(), taskId: task.id });
    }
  }
  if (recorded.length > 0) {
    await recordAudit(deps, { action: 'complaint.escalated', targetType: 'Complaint', data: { escalations: recorded.length } });
  }
  return { recorded, full: candidates.length === limit };
}

/**
 * Records every deadline passed at `now` and not yet escalated (one batch, see escalateOverdueBatch).
 * Run by the schedule (complaint-escalation.jobs.ts) or by a coordinator; running it again records nothing new.
 */
export async function escalateOverdueComplaints(deps: ServiceDeps, options: { limit?: number | null } = {}, now = new Date()) {
  return (await escalateOverdueBatch(deps, options, now)).recorded;
}

// ── statistics ────────────────────────────────────────────────────────────────────────────────
/** At most this many complaints are counted per statistics query (a year of a large hospital). */
export const MAX_STATISTICS_ROWS = 100_000;

export async function complaintStatisticsOf(deps: Pick<ServiceDeps, 'db' | 'access'>, range: { from: Date; to: Date }, now = new Date()) {
  const tenant = await deps.db.tenant.findUniqueOrThrow({ where: { id: deps.access.tenantId! }, select: { timeZone: true } });
  const rows = await deps.db.complaint.findMany({
    where: { receivedAt: { gte: range.from, lt: range.to } },
    select: { receivedAt: true, departmentId: true, category: true, respondDueAt: true, respondedAt: true, satisfaction: true },
    take: MAX_STATISTICS_ROWS,
  });
  return complaintStatistics(rows, tenant.timeZone, now);
}

// ── a finding of a department assessment ────────────────────────────────────────────────────────
const findingInput = z.object({
  complaintId: z.string().uuid(),
  assessmentId: z.string().uuid(),
  correctiveAction: text(5000),
  ownerMembershipId: z.string().uuid().nullish(),
  dueAt: z.date().nullish(),
});

/**
 * A complaint opens a finding (找出不足, 加以改进) of an assessment of its department: the finding's
 * corrective action becomes a task (the assessments module), and complaint and finding name each other.
 * The finding describes the complaint by its category and summary, never by the complainant.
 */
export async function openComplaintFinding(deps: ServiceDeps, input: z.input<typeof findingInput>) {
  const data = parseInput(findingInput, input);
  const complaint = await findComplaint(deps, data.complaintId);
  if (complaint.findingId) throw new ComplaintError('ALREADY_LINKED', 'This complaint has opened a finding already');
  const assessment = await deps.db.assessment.findUnique({ where: { id: data.assessmentId }, select: { subjectType: true, departmentId: true } });
  if (assessment?.subjectType !== 'DEPARTMENT') {
    throw new ComplaintError('INVALID_REFERENCE', 'Not an assessment of a department');
  }
  if (complaint.departmentId && assessment.departmentId !== complaint.departmentId) {
    throw new ComplaintError('INVALID_REFERENCE', "The assessment is not of the complaint's department");
  }
  const finding = await addFinding(deps, {
    assessmentId: data.assessmentId,
    severity: complaint.severity,
    description: `投诉 ${complaint.category}: ${complaint.summary}`.slice(0, 5000),
    correctiveAction: data.correctiveAction,
    ownerMembershipId: data.ownerMembershipId ?? null,
    dueAt: data.dueAt ?? null,
  });
  const { count } = await deps.db.complaint.updateMany({
    where: { id: complaint.id, version: complaint.version, findingId: null },
    data: { findingId: finding.id, version: { increment: 1 } },
  });
  if (count !== 1) throw new ComplaintError('CONFLICT', 'The complaint changed meanwhile: read it again');
  const updated = await deps.db.complaint.findUniqueOrThrow({ where: { id: complaint.id } });
  await emit(deps, updated, 'FINDING_OPENED', { findingId: finding.id });
  await recordAudit(deps, { action: 'complaint.finding_opened', targetType: 'Complaint', targetId: complaint.id, data: { findingId: finding.id } });
  return updated;
}

// ── a discharged patient's follow-up answer ──────────────────────────────────────────────────────
/**
 * A discharged patient who asks, in the follow-up survey, for a complaint (投诉) gets one: channel
 * FOLLOW_UP, linked to their response. It names the survey and the negative answers, never the patient
 * (who they are stays behind PATIENT_DATA, on the response's invitation).
 */
export async function complaintFromFollowUp(
  deps: ServiceDeps,
  answer: { responseId: string; surveyTitle: string; reasons: readonly string[] },
  now = new Date(),
) {
  return insertComplaint(deps, {
    kind: 'COMPLAINT',
    category: 'OTHER',
    severity: 'MEDIUM',
    summary: [`出院随访中患者要求投诉：${answer.surveyTitle}`, ...answer.reasons].join('\n').slice(0, 5000),
    channel: 'FOLLOW_UP',
    surveyResponseId: answer.responseId,
    receivedAt: now,
  });
}

registerSurveyResponseHooks({
  onComplaint: async (deps, answer) => {
    if (answer.respondentKind === 'DISCHARGED_PATIENT') await complaintFromFollowUp(deps, answer);
  },
});
