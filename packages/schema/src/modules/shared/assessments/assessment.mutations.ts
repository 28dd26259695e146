import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { strip } from '../../../shared/input.ts';
import { MembershipRef } from '../../core/identity/user.ts';
import { AssessmentError } from './assessment.errors.ts';
import { AssessmentKindEnum, AssessmentRef, ScaleKindEnum, SeverityEnum, SubjectTypeEnum } from './assessment.ts';
import {
  addFinding,
  createAssessmentTemplate,
  publishAssessmentTemplate,
  recordScores,
  reviewAssessment,
  startAssessment,
  submitAssessment,
  updateAssessmentTemplate,
} from './assessment.service.ts';

const T = TENANT_GRAPHS;

const TemplatePayload = builder.objectRef<{ id: string }>('AssessmentTemplatePayload').implement({
  subGraphs: T,
  fields: (t) => ({
    template: t.prismaField({
      type: 'AssessmentTemplate',
      resolve: (q, p, _a, ctx) => ctx.db.assessmentTemplate.findUniqueOrThrow({ ...q, where: { id: p.id } }),
    }),
  }),
});
const VersionPayload = builder.objectRef<{ id: string }>('AssessmentTemplateVersionPayload').implement({
  subGraphs: T,
  fields: (t) => ({
    version: t.prismaField({
      type: 'AssessmentTemplateVersion',
      resolve: (q, p, _a, ctx) => ctx.db.assessmentTemplateVersion.findUniqueOrThrow({ ...q, where: { id: p.id } }),
    }),
  }),
});
const AssessmentPayload = builder.objectRef<{ id: string }>('AssessmentPayload').implement({
  subGraphs: T,
  fields: (t) => ({
    assessment: t.prismaField({ type: 'Assessment', resolve: (q, p, _a, ctx) => ctx.db.assessment.findUniqueOrThrow({ ...q, where: { id: p.id } }) }),
  }),
});
const FindingPayload = builder.objectRef<{ id: string }>('FindingPayload').implement({
  subGraphs: T,
  fields: (t) => ({
    finding: t.prismaField({ type: 'Finding', resolve: (q, p, _a, ctx) => ctx.db.finding.findUniqueOrThrow({ ...q, where: { id: p.id } }) }),
  }),
});

const CriterionInput = builder.inputType('AssessmentCriterionInput', {
  subGraphs: T,
  fields: (t) => ({
    key: t.id({ required: false, description: 'The key of a criterion to keep (its trends continue); leave out for a new one.' }),
    title: t.string({ required: true }),
    guidance: t.string({ required: false }),
    weight: t.float({ required: true }),
    scaleKind: t.field({ type: ScaleKindEnum, required: true }),
    scaleMin: t.int({ required: false, description: 'POINTS only (default 0).' }),
    scaleMax: t.int({ required: false, description: 'POINTS only (default 5).' }),
  }),
});
export const ScoreInput = builder.inputType('AssessmentScoreInput', {
  subGraphs: T,
  fields: (t) => ({
    criterionKey: t.id({ required: true }),
    value: t.float({ required: true }),
    comment: t.string({ required: false }),
  }),
});
type CriterionArg = { key?: string | number | null; [field: string]: unknown };
/** GraphQL ID inputs may arrive as numbers: keys are strings; left-out fields are dropped. */
const criteria = (list: readonly CriterionArg[]) =>
  list.map((c) => ({ ...strip(c), key: c.key == null ? undefined : String(c.key) })) as Parameters<typeof createAssessmentTemplate>[1]['criteria'];

mutationField({
  name: 'createAssessmentTemplate',
  payload: TemplatePayload,
  subGraphs: T,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [AssessmentError],
  input: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: AssessmentKindEnum, required: true }),
    subjectType: t.field({ type: SubjectTypeEnum, required: true }),
    description: t.string({ required: false }),
    criteria: t.field({ type: [CriterionInput], required: true }),
  }),
  idempotency: 'replay',
  run: async (deps, input) => ({
    id: (await createAssessmentTemplate(deps, { ...strip(input), criteria: criteria(input.criteria) })).id,
  }),
});
mutationField({
  name: 'updateAssessmentTemplate',
  payload: TemplatePayload,
  subGraphs: T,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [AssessmentError],
  input: (t) => ({
    id: t.globalID({ required: true }),
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    criteria: t.field({ type: [CriterionInput], required: false }),
  }),
  run: (deps, input) =>
    updateAssessmentTemplate(deps, input.id.id, {
      ...strip({ name: input.name, description: input.description }),
      ...(input.criteria ? { criteria: criteria(input.criteria) } : {}),
    }),
});
mutationField({
  name: 'publishAssessmentTemplate',
  payload: VersionPayload,
  subGraphs: T,
  authScopes: { role: 'TENANT_ADMIN' },
  description: 'Freezes the draft criteria as the next version; assessments keep the version they used.',
  errors: [AssessmentError],
  input: (t) => ({ id: t.globalID({ required: true }) }),
  run: (deps, input) => publishAssessmentTemplate(deps, input.id.id),
});
mutationField({
  name: 'startAssessment',
  payload: AssessmentPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  errors: [AssessmentError],
  input: (t) => ({
    templateId: t.globalID({ required: true }),
    subjectId: t.globalID({ required: false, description: "The subject, of the template's subject type (none for ORGANIZATION)." }),
    assessorMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    assessedOn: t.string({ required: true, description: 'YYYY-MM-DD' }),
  }),
  run: (deps, input) =>
    startAssessment(deps, {
      templateId: input.templateId.id,
      subjectId: input.subjectId?.id ?? null,
      assessorMembershipId: input.assessorMembershipId?.id ?? null,
      assessedOn: input.assessedOn,
    }),
});
mutationField({
  name: 'recordAssessmentScores',
  payload: AssessmentPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  description: 'Scores criteria of a draft; a score outside its scale is refused (SCORE_OUT_OF_SCALE) and nothing is stored.',
  errors: [AssessmentError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [AssessmentRef] }),
    expectedVersion: t.int({ required: false }),
    scores: t.field({ type: [ScoreInput], required: true }),
  }),
  run: (deps, input) =>
    recordScores(deps, {
      assessmentId: input.id.id,
      expectedVersion: input.expectedVersion,
      scores: input.scores.map((s) => ({ criterionKey: String(s.criterionKey), value: s.value, comment: s.comment })),
    }),
});
mutationField({
  name: 'submitAssessment',
  payload: AssessmentPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  errors: [AssessmentError],
  input: (t) => ({ id: t.globalID({ required: true, for: [AssessmentRef] }), expectedVersion: t.int({ required: false }) }),
  run: (deps, input) => submitAssessment(deps, { assessmentId: input.id.id, expectedVersion: input.expectedVersion }),
});
mutationField({
  name: 'reviewAssessment',
  payload: AssessmentPayload,
  subGraphs: T,
  authScopes: { role: 'COORDINATOR' },
  errors: [AssessmentError],
  input: (t) => ({
    id: t.globalID({ required: true, for: [AssessmentRef] }),
    expectedVersion: t.int({ required: false }),
    comment: t.string({ required: false }),
  }),
  run: (deps, input) => reviewAssessment(deps, { assessmentId: input.id.id, expectedVersion: input.expectedVersion, comment: input.comment }),
});
mutationField({
  name: 'addFinding',
  payload: FindingPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  description: 'Records a shortcoming; its corrective action becomes a task, and the finding closes when the task is done.',
  errors: [AssessmentError],
  input: (t) => ({
    assessmentId: t.globalID({ required: true, for: [AssessmentRef] }),
    criterionKey: t.id({ required: false }),
    severity: t.field({ type: SeverityEnum, required: true }),
    description: t.string({ required: true }),
    correctiveAction: t.string({ required: true }),
    ownerMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    dueAt: t.field({ type: 'DateTime', required: false }),
  }),
  run: (deps, { assessmentId, ...input }) =>
    addFinding(deps, {
      ...strip(input),
      assessmentId: assessmentId.id,
      criterionKey: input.criterionKey ? String(input.criterionKey) : null,
      ownerMembershipId: input.ownerMembershipId?.id ?? null,
    }),
});
