// The handling of complaints and suggestions: intake by staff or API, acknowledge, assign, respond,
// close with the complainant's satisfaction; the tenant's deadline policy; escalation of passed deadlines.
import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { MembershipRef } from '../core/identity/user.ts';
import { DepartmentRef } from '../core/tenancy/department.ts';
import { AssessmentError } from '../shared/assessments/assessment.errors.ts';
import { AssessmentRef } from '../shared/assessments/assessment.ts';
import { ComplaintError } from './complaint.errors.ts';
import {
  ComplaintCategoryEnum,
  ComplaintDeadlinePolicyRef,
  ComplaintKindEnum,
  ComplaintRef,
  ComplaintResponseChannelEnum,
  ComplaintSeverityEnum,
} from './complaint.ts';
import {
  acknowledgeComplaint,
  assignComplaint,
  closeComplaint,
  createComplaint,
  ESCALATION_BATCH,
  escalateOverdueComplaints,
  openComplaintFinding,
  respondToComplaint,
  setComplaintDeadline,
} from './complaint.service.ts';
import { HOSPITAL, ServicePointRef } from './service-point.ts';

export const ComplaintPayload = builder.objectRef<{ complaint: { id: string } }>('ComplaintPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ complaint: t.field({ type: ComplaintRef, resolve: (p) => p.complaint as never }) }),
});

const ComplaintPolicyPayload = builder.objectRef<{ policy: { severity: never }[] }>('ComplaintPolicyPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ policy: t.field({ type: [ComplaintDeadlinePolicyRef], resolve: (p) => p.policy as never }) }),
});

const EscalatePayload = builder.objectRef<{ escalated: { id: string }[] }>('EscalateOverdueComplaintsPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    escalated: t.field({
      type: [ComplaintRef],
      description: 'The complaints escalated by this call (each once per passed deadline).',
      resolve: (p) => p.escalated as never,
    }),
  }),
});

const VERSION = 'The version you read: a change made meanwhile is refused (CONFLICT).';

mutationField({
  name: 'createComplaint',
  payload: ComplaintPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description:
    'Takes a complaint or suggestion (投诉与建议) received by staff (phone, letter, at a desk) or sent by an API client. Its deadlines come from the tenant’s policy for its severity.',
  errors: [ComplaintError],
  input: (t) => ({
    kind: t.field({ type: ComplaintKindEnum, required: false, description: 'Default COMPLAINT.' }),
    category: t.field({ type: ComplaintCategoryEnum, required: true }),
    severity: t.field({ type: ComplaintSeverityEnum, required: false, description: 'Default MEDIUM.' }),
    summary: t.string({ required: true }),
    departmentId: t.globalID({ required: false, for: [DepartmentRef] }),
    servicePointId: t.globalID({ required: false, for: [ServicePointRef] }),
    complainantName: t.string({ required: false }),
    complainantContact: t.string({ required: false, description: 'Where the response goes: phone, address or e-mail.' }),
    receivedAt: t.field({ type: 'DateTime', required: false, description: 'When it was received, if earlier (at most 90 days ago); default now.' }),
  }),
  idempotency: {
    reload: { id: (p) => p.complaint.id, load: async (deps, id) => ({ complaint: await deps.db.complaint.findUniqueOrThrow({ where: { id } }) }) },
  },
  run: async (deps, input) => ({
    complaint: await createComplaint(deps, {
      kind: input.kind ?? undefined,
      category: input.category,
      severity: input.severity ?? undefined,
      summary: input.summary,
      departmentId: input.departmentId?.id ?? null,
      servicePointId: input.servicePointId?.id ?? null,
      complainantName: input.complainantName,
      complainantContact: input.complainantContact,
      receivedAt: input.receivedAt,
    }),
  }),
});

mutationField({
  name: 'acknowledgeComplaint',
  payload: ComplaintPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description: 'Acknowledges a new complaint (the acknowledgement deadline is met).',
  errors: [ComplaintError],
  input: (t) => ({ id: t.globalID({ required: true, for: [ComplaintRef] }), expectedVersion: t.int({ required: false, description: VERSION }) }),
  run: async (deps, input) => ({ complaint: await acknowledgeComplaint(deps, { id: input.id.id, expectedVersion: input.expectedVersion }) }),
});

mutationField({
  name: 'assignComplaint',
  payload: ComplaintPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Assigns a complaint to the member who handles it (acknowledging it when it was new).',
  errors: [ComplaintError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [ComplaintRef] }),
    assigneeId: t.globalID({ required: true, for: [MembershipRef] }),
    expectedVersion: t.int({ required: false, description: VERSION }),
  }),
  run: async (deps, input) => ({
    complaint: await assignComplaint(deps, { id: input.id.id, assigneeMembershipId: input.assigneeId.id, expectedVersion: input.expectedVersion }),
  }),
});

mutationField({
  name: 'respondToComplaint',
  payload: ComplaintPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description: 'Records the response sent to the complainant and how it was sent. Its assignee or a coordinator responds (else NOT_ASSIGNEE).',
  errors: [ComplaintError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [ComplaintRef] }),
    response: t.string({ required: true, description: 'What the complainant was told.' }),
    responseChannel: t.field({ type: ComplaintResponseChannelEnum, required: true }),
    expectedVersion: t.int({ required: false, description: VERSION }),
  }),
  run: async (deps, input) => ({
    complaint: await respondToComplaint(deps, {
      id: input.id.id,
      response: input.response,
      responseChannel: input.responseChannel,
      expectedVersion: input.expectedVersion,
    }),
  }),
});

mutationField({
  name: 'closeComplaint',
  payload: ComplaintPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Closes a responded complaint, with the complainant’s satisfaction (1–5) when they gave it.',
  errors: [ComplaintError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [ComplaintRef] }),
    satisfaction: t.int({ required: false }),
    closingNote: t.string({ required: false }),
    expectedVersion: t.int({ required: false, description: VERSION }),
  }),
  run: async (deps, input) => ({
    complaint: await closeComplaint(deps, {
      id: input.id.id,
      satisfaction: input.satisfaction,
      closingNote: input.closingNote,
      expectedVersion: input.expectedVersion,
    }),
  }),
});

mutationField({
  name: 'setComplaintDeadline',
  payload: ComplaintPolicyPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'TENANT_ADMIN' },
  description: 'Sets how soon complaints of a severity are acknowledged and answered (complaints already received keep their deadlines).',
  errors: [ComplaintError],
  input: (t) => ({
    severity: t.field({ type: ComplaintSeverityEnum, required: true }),
    acknowledgeMinutes: t.int({ required: true }),
    respondMinutes: t.int({ required: true }),
  }),
  run: async (deps, input) => ({ policy: (await setComplaintDeadline(deps, input)) as never }),
});

mutationField({
  name: 'escalateOverdueComplaints',
  payload: EscalatePayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'COORDINATOR' },
  description: 'Records every passed deadline not yet escalated (once per complaint and deadline) and tells the complaint boards. Safe to run again.',
  errors: [ComplaintError],
  input: (t) => ({
    limit: t.int({ required: false, description: `At most this many complaints per call (default and maximum ${ESCALATION_BATCH}); call again for more.` }),
  }),
  run: async (deps, input) => {
    const recorded = await escalateOverdueComplaints(deps, { limit: input.limit });
    const seen = new Map(recorded.map((r) => [r.complaint.id, r.complaint]));
    return { escalated: [...seen.values()] };
  },
});

mutationField({
  name: 'openComplaintFinding',
  payload: ComplaintPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'COORDINATOR' },
  description:
    "Opens a finding (找出不足, 加以改进) of an assessment of the complaint's department: its corrective action becomes a task; the complaint and the finding name each other.",
  errors: [ComplaintError, AssessmentError],
  input: (t) => ({
    complaintId: t.globalID({ required: true, for: [ComplaintRef] }),
    assessmentId: t.globalID({ required: true, for: [AssessmentRef] }),
    correctiveAction: t.string({ required: true }),
    ownerId: t.globalID({ required: false, for: [MembershipRef], description: 'Who carries out the corrective action (default: the coordinators).' }),
    dueAt: t.field({ type: 'DateTime', required: false }),
  }),
  run: async (deps, input) => ({
    complaint: await openComplaintFinding(deps, {
      complaintId: input.complaintId.id,
      assessmentId: input.assessmentId.id,
      correctiveAction: input.correctiveAction,
      ownerMembershipId: input.ownerId?.id ?? null,
      dueAt: input.dueAt,
    }),
  }),
});
