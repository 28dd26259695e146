// The emergency green channel (绿色通道: 先抢救, 后补办手续): a case is opened in seconds with the
// minimum (arrival time, arrival mode, triage level) and treatment comes first; the paperwork that
// would have come first (registration, consent, payment) becomes shared tasks due after arrival.
// The case holds no personal data; who the patient is (name, record number, chief complaint) is
// recorded separately, for PATIENT_DATA holders only (RLS, 0014_hospital_complaints.sql). Every change
// is an event on the `green_channel` topic (the live board). Knows no GraphQL; time comes in as `now`.
import { z } from 'zod';
import type { GreenChannelCase, Prisma } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { parseInput, ValidationError } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { appendEvent } from '../core/events/event.service.ts';
import { createTask } from '../shared/tasks/task.service.ts';
import { GreenChannelError } from './green-channel.errors.ts';
import {
  effectivePaperworkPolicy,
  greenChannelStatistics,
  MAX_PAPERWORK_HOURS,
  PAPERWORK_KINDS,
  PAPERWORK_TITLES,
  paperworkDueAt,
  type PaperworkDeadline,
} from './green-channel.rules.ts';
import { bilingual, labelled } from '../../shared/template-texts.ts';

export const GREEN_CHANNEL_TOPIC = 'green_channel';
export const GREEN_CHANNEL_CHANGE_KINDS = ['OPENED', 'TREATMENT_STARTED', 'CLOSED'] as const;
export type GreenChannelChangeKind = (typeof GREEN_CHANNEL_CHANGE_KINDS)[number];
export const ARRIVAL_MODES = ['AMBULANCE', 'WALK_IN', 'POLICE', 'TRANSFER', 'OTHER'] as const;
/** Words of a paperwork task's label, stored in zh-Hans and read in the request's language. */
const ARRIVAL_NAMES: Record<(typeof ARRIVAL_MODES)[number], string> = {
  AMBULANCE: bilingual('救护车送达', 'by ambulance'),
  WALK_IN: bilingual('自行来院', 'walk-in'),
  POLICE: bilingual('警方送达', 'by police'),
  TRANSFER: bilingual('转院', 'transfer'),
  OTHER: bilingual('其他方式', 'other arrival'),
};
const TRIAGE_WORDS = [bilingual('I级', 'level I'), bilingual('II级', 'level II'), bilingual('III级', 'level III'), bilingual('IV级', 'level IV')];
const GREEN_CHANNEL_WORD = bilingual('绿色通道', 'green channel');
const PAPERWORK_DESCRIPTION = bilingual(
  '先抢救，后补办手续：绿色通道病例的补办手续。',
  'Treat first, paperwork later: the deferred paperwork of a green-channel case.',
);

async function emit(deps: ServiceDeps, c: GreenChannelCase, type: GreenChannelChangeKind, extra: Prisma.InputJsonObject = {}) {
  await appendEvent(deps, {
    topic: GREEN_CHANNEL_TOPIC,
    type,
    subjectId: c.id,
    payload: { status: c.status, triageLevel: c.triageLevel, arrivalMode: c.arrivalMode, version: c.version, ...extra },
  });
}

// ── the tenant's paperwork deadlines ─────────────────────────────────────────────────────────────
export async function greenChannelPaperworkPolicy(deps: Pick<ServiceDeps, 'db'>): Promise<PaperworkDeadline[]> {
  return effectivePaperworkPolicy(await deps.db.greenChannelPaperworkDeadline.findMany({ select: { kind: true, hours: true } }));
}

const hours = z.number().int().min(1).max(MAX_PAPERWORK_HOURS).nullish();
const policyInput = z
  .object({ registrationHours: hours, consentHours: hours, paymentHours: hours })
  .refine((p) => p.registrationHours != null || p.consentHours != null || p.paymentHours != null, {
    path: ['registrationHours'],
    message: 'give at least one deadline',
  });

/**
 * Sets how many hours after arrival each kind of deferred paperwork is due (the kinds not given keep
 * theirs). Cases opened later use them; the paperwork of cases already open keeps its deadlines.
 */
export async function setGreenChannelPaperworkDeadlines(deps: ServiceDeps, input: z.input<typeof policyInput>) {
  const data = parseInput(policyInput, input);
  const tenantId = deps.access.tenantId!;
  const given = { REGISTRATION: data.registrationHours, CONSENT: data.consentHours, PAYMENT: data.paymentHours } as const;
  for (const kind of PAPERWORK_KINDS) {
    const value = given[kind];
    if (value == null) continue;
    await deps.db.greenChannelPaperworkDeadline.upsert({
      where: { tenantId_kind: { tenantId, kind } },
      create: { tenantId, kind, hours: value },
      update: { hours: value, updatedAt: new Date() },
    });
  }
  await recordAudit(deps, { action: 'green_channel_policy.updated', targetType: 'GreenChannelPolicy', data });
  return greenChannelPaperworkPolicy(deps);
}

// ── cases ─────────────────────────────────────────────────────────────────────────────────────
const openInput = z.object({
  arrivalMode: z.enum(ARRIVAL_MODES),
  triageLevel: z.number().int().min(1).max(4),
  arrivedAt: z.date().nullish(),
});

/** Opens a case: minimal data, and the deferred paperwork as tasks for the staff (no patient data in them). */
export async function openGreenChannelCase(deps: ServiceDeps, input: z.input<typeof openInput>, now = new Date()) {
  const data = parseInput(openInput, input);
  const arrivedAt = data.arrivedAt ?? now;
  if (arrivedAt.getTime() > now.getTime() + 60_000) throw new ValidationError([{ path: ['arrivedAt'], message: 'not in the future' }]);
  if (arrivedAt.getTime() < now.getTime() - 24 * 3600_000) throw new ValidationError([{ path: ['arrivedAt'], message: 'at most a day ago' }]);
  const tenantId = deps.access.tenantId!;
  const c = await deps.db.greenChannelCase.create({
    data: { tenantId, arrivedAt, arrivalMode: data.arrivalMode, triageLevel: data.triageLevel, openedById: deps.access.userId },
  });
  const policy = await greenChannelPaperworkPolicy(deps);
  const label = `${GREEN_CHANNEL_WORD} ${TRIAGE_WORDS[data.triageLevel - 1]} ${ARRIVAL_NAMES[data.arrivalMode]} ${arrivedAt.toISOString().slice(11, 16)}Z`;
  for (const kind of PAPERWORK_KINDS) {
    const dueAt = paperworkDueAt(arrivedAt, kind, policy);
    const task = await createTask(deps, {
      phase: 'FOLLOW_UP',
      title: labelled(PAPERWORK_TITLES[kind], label),
      description: PAPERWORK_DESCRIPTION,
      assigneeRole: 'STAFF',
      dueAt,
    });
    await deps.db.greenChannelPaperwork.create({ data: { tenantId, caseId: c.id, kind, taskId: task.id, dueAt } });
  }
  await emit(deps, c, 'OPENED');
  await recordAudit(deps, { action: 'green_channel.opened', targetType: 'GreenChannelCase', targetId: c.id, data: { triageLevel: c.triageLevel } });
  return c;
}

const idInput = z.object({ id: z.string().uuid(), expectedVersion: z.number().int().min(1).nullish() });

async function change(
  deps: ServiceDeps,
  id: string,
  expectedVersion: number | null | undefined,
  data: Prisma.GreenChannelCaseUncheckedUpdateManyInput,
  when: (c: GreenChannelCase) => string | null,
) {
  const c = await deps.db.greenChannelCase.findUnique({ where: { id } });
  if (!c) throw new GreenChannelError('NOT_FOUND', 'No such green-channel case');
  if (expectedVersion != null && c.version !== expectedVersion) throw new GreenChannelError('CONFLICT', `The case changed (version ${c.version})`);
  const refusal = when(c);
  if (refusal) throw new GreenChannelError('INVALID_TRANSITION', refusal);
  const { count } = await deps.db.greenChannelCase.updateMany({ where: { id, version: c.version }, data: { ...data, version: { increment: 1 } } });
  if (count !== 1) throw new GreenChannelError('CONFLICT', 'The case changed meanwhile: read it again');
  return deps.db.greenChannelCase.findUniqueOrThrow({ where: { id } });
}

export async function startGreenChannelTreatment(deps: ServiceDeps, input: z.input<typeof idInput> & { at?: Date | null }, now = new Date()) {
  const data = parseInput(idInput, input);
  const at = input.at ?? now;
  if (at.getTime() > now.getTime() + 60_000) throw new ValidationError([{ path: ['at'], message: 'not in the future' }]);
  const c = await change(deps, data.id, data.expectedVersion, { treatmentStartedAt: at }, (c) =>
    c.treatmentStartedAt ? 'Treatment has started already' : at < c.arrivedAt ? 'Treatment cannot start before arrival' : null,
  );
  await emit(deps, c, 'TREATMENT_STARTED', { treatmentStartedAt: at.toISOString() });
  return c;
}

const closeInput = idInput.extend({ outcome: z.string().trim().min(1).max(500).nullish() });

export async function closeGreenChannelCase(deps: ServiceDeps, input: z.input<typeof closeInput>, now = new Date()) {
  const data = parseInput(closeInput, input);
  const c = await change(deps, data.id, data.expectedVersion, { status: 'CLOSED', closedAt: now, outcome: data.outcome ?? null }, (c) =>
    c.status === 'CLOSED' ? 'The case is closed' : !c.treatmentStartedAt ? 'Record the start of treatment first' : null,
  );
  await emit(deps, c, 'CLOSED');
  await recordAudit(deps, { action: 'green_channel.closed', targetType: 'GreenChannelCase', targetId: c.id });
  return c;
}

const patientInput = z.object({
  caseId: z.string().uuid(),
  name: z.string().trim().min(1).max(200).nullish(),
  medicalRecordNo: z.string().trim().min(1).max(64).nullish(),
  chiefComplaint: z.string().trim().min(1).max(2000).nullish(),
});

/** Who the patient is, once known (PATIENT_DATA: RLS refuses anyone else). Never audited with its values. */
export async function recordGreenChannelPatient(deps: ServiceDeps, input: z.input<typeof patientInput>) {
  const data = parseInput(patientInput, input);
  const c = await deps.db.greenChannelCase.findUnique({ where: { id: data.caseId }, select: { id: true } });
  if (!c) throw new GreenChannelError('NOT_FOUND', 'No such green-channel case');
  const fields = {
    name: data.name ?? null,
    medicalRecordNo: data.medicalRecordNo ?? null,
    chiefComplaint: data.chiefComplaint ?? null,
    updatedById: deps.access.userId,
  };
  const patient = await deps.db.greenChannelPatient.upsert({
    where: { tenantId_caseId: { tenantId: deps.access.tenantId!, caseId: c.id } },
    create: { tenantId: deps.access.tenantId!, caseId: c.id, ...fields },
    update: fields,
  });
  await recordAudit(deps, { action: 'green_channel.patient_recorded', targetType: 'GreenChannelCase', targetId: c.id });
  return patient;
}

export const MAX_STATISTICS_CASES = 50_000;

/** Door-to-treatment and paperwork on time, of the cases that arrived in [from, to). */
export async function greenChannelStatisticsOf(deps: Pick<ServiceDeps, 'db'>, range: { from: Date; to: Date }, now = new Date()) {
  const cases = await deps.db.greenChannelCase.findMany({
    where: { arrivedAt: { gte: range.from, lt: range.to } },
    select: {
      arrivedAt: true,
      treatmentStartedAt: true,
      triageLevel: true,
      paperwork: { select: { dueAt: true, task: { select: { status: true, completedAt: true } } } },
    },
    take: MAX_STATISTICS_CASES,
  });
  return greenChannelStatistics(
    cases.map((c) => ({
      ...c,
      paperwork: c.paperwork.map((p) => ({ dueAt: p.dueAt, completedAt: p.task.completedAt, done: p.task.status === 'DONE' })),
    })),
    now,
  );
}
