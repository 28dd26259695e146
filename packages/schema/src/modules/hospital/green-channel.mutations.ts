// The green channel's mutations: open a case in seconds, start treatment, record who the patient is
// (PATIENT_DATA), close the case.
import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { GreenChannelError } from './green-channel.errors.ts';
import { ArrivalModeEnum, GreenChannelCaseRef, PaperworkDeadlineRef } from './green-channel.ts';
import {
  closeGreenChannelCase,
  openGreenChannelCase,
  recordGreenChannelPatient,
  setGreenChannelPaperworkDeadlines,
  startGreenChannelTreatment,
} from './green-channel.service.ts';
import type { PaperworkDeadline } from './green-channel.rules.ts';
import { HOSPITAL } from './service-point.ts';

const CasePayload = builder.objectRef<{ case: { id: string } }>('GreenChannelCasePayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ case: t.field({ type: GreenChannelCaseRef, resolve: (p) => p.case as never }) }),
});

const PolicyPayload = builder.objectRef<{ policy: PaperworkDeadline[] }>('GreenChannelPaperworkPolicyPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ policy: t.field({ type: [PaperworkDeadlineRef], resolve: (p) => p.policy }) }),
});

mutationField({
  name: 'setGreenChannelPaperworkDeadlines',
  payload: PolicyPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'TENANT_ADMIN' },
  description:
    'Sets how many hours after arrival (1–720) the deferred paperwork of new green-channel cases is due; kinds not given keep theirs. Cases already open keep their deadlines.',
  errors: [GreenChannelError],
  input: (t) => ({
    registrationHours: t.int({ required: false, description: '补办挂号 (default 2).' }),
    consentHours: t.int({ required: false, description: '补签知情同意书 (default 6).' }),
    paymentHours: t.int({ required: false, description: '补缴费用 (default 48).' }),
  }),
  run: async (deps, input) => ({ policy: await setGreenChannelPaperworkDeadlines(deps, input) }),
});

const VERSION = 'The version you read: a change made meanwhile is refused (CONFLICT).';

mutationField({
  name: 'openGreenChannelCase',
  payload: CasePayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description:
    'Opens a green-channel case with the minimum (先抢救, 后补办手续): arrival mode and triage level (arrival: now unless given). Registration, consent and payment become shared tasks due after arrival.',
  errors: [GreenChannelError],
  input: (t) => ({
    arrivalMode: t.field({ type: ArrivalModeEnum, required: true }),
    triageLevel: t.int({ required: true, description: '1 (I) to 4 (IV).' }),
    arrivedAt: t.field({ type: 'DateTime', required: false }),
  }),
  idempotency: {
    reload: { id: (p) => p.case.id, load: async (deps, id) => ({ case: await deps.db.greenChannelCase.findUniqueOrThrow({ where: { id } }) }) },
  },
  run: async (deps, input) => ({ case: await openGreenChannelCase(deps, input) }),
});

mutationField({
  name: 'startGreenChannelTreatment',
  payload: CasePayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description: 'Records when treatment started (default now): the door-to-treatment time.',
  errors: [GreenChannelError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [GreenChannelCaseRef] }),
    at: t.field({ type: 'DateTime', required: false }),
    expectedVersion: t.int({ required: false, description: VERSION }),
  }),
  run: async (deps, input) => ({ case: await startGreenChannelTreatment(deps, { id: input.id.id, at: input.at, expectedVersion: input.expectedVersion }) }),
});

mutationField({
  name: 'closeGreenChannelCase',
  payload: CasePayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description: 'Takes a treated case off the board (its paperwork tasks go on until done).',
  errors: [GreenChannelError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [GreenChannelCaseRef] }),
    outcome: t.string({ required: false, description: 'e.g. admitted to ICU, transferred.' }),
    expectedVersion: t.int({ required: false, description: VERSION }),
  }),
  run: async (deps, input) => ({
    case: await closeGreenChannelCase(deps, { id: input.id.id, outcome: input.outcome, expectedVersion: input.expectedVersion }),
  }),
});

mutationField({
  name: 'recordGreenChannelPatient',
  payload: CasePayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'PATIENT_DATA' },
  description: 'Records who the patient of a case is, once known (PATIENT_DATA only; kept apart from the case, behind row-level security).',
  errors: [GreenChannelError],
  input: (t) => ({
    caseId: t.globalID({ required: true, for: [GreenChannelCaseRef] }),
    name: t.string({ required: false }),
    medicalRecordNo: t.string({ required: false }),
    chiefComplaint: t.string({ required: false, description: '主诉' }),
  }),
  run: async (deps, input) => {
    await recordGreenChannelPatient(deps, { ...input, caseId: input.caseId.id });
    return { case: await deps.db.greenChannelCase.findUniqueOrThrow({ where: { id: input.caseId.id } }) };
  },
});
