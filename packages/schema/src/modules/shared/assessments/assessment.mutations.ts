import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps } from '../../../context.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { registerDomainError } from '../../../shared/graphql-errors.ts';
import { atomically } from '../../../shared/mutation.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, IdempotencyError, idempotent, keyed } from '../../../shared/idempotency.ts';
import { strip } from '../../../shared/input.ts';
import { MembershipRef } from '../../core/identity/user.ts';
import { ASSESSMENT_ERROR_CODES, AssessmentError } from './assessment.errors.ts';
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
registerDomainError(AssessmentError, 'AssessmentError', ASSESSMENT_ERROR_CODES, 'An assessment change was refused; nothing was changed.', T);
const errors = (name: string) => ({ types: [AssessmentError, ValidationError], directResult: true as const, union: { name } });

const TemplatePayload = builder.objectRef<{ id: string }>('AssessmentTemplatePayload').implement({
  subGraphs: T,
  fields: (t) => ({
    template: t.prismaField({ type: 'AssessmentTemplate', resolve: (q, p, _a, ctx) => ctx.db.assessmentTemplate.findUniqueOrThrow({ ...q, where: { id: p.id } }) }),
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
const TemplateInput = builder.inputType('AssessmentTemplateInput', {
  subGraphs: T,
  fields: (t) => ({
    name: t.string({ required: true }),
    kind: t.field({ type: AssessmentKindEnum, required: true }),
    subjectType: t.field({ type: SubjectTypeEnum, required: true }),
    description: t.string({ required: false }),
    criteria: t.field({ type: [CriterionInput], required: true }),
  }),
});
const UpdateTemplateInput = builder.inputType('UpdateAssessmentTemplateInput', {
  subGraphs: T,
  fields: (t) => ({
    name: t.string({ required: false }),
    description: t.string({ required: false }),
    criteria: t.field({ type: [CriterionInput], required: false }),
  }),
});
const ScoreInput = builder.inputType('AssessmentScoreInput', {
  subGraphs: T,
  fields: (t) => ({
    criterionKey: t.id({ required: true }),
    value: t.float({ required: true }),
    comment: t.string({ required: false }),
  }),
});
const FindingInput = builder.inputType('FindingInput', {
  subGraphs: T,
  fields: (t) => ({
    criterionKey: t.id({ required: false }),
    severity: t.field({ type: SeverityEnum, required: true }),
    description: t.string({ required: true }),
    correctiveAction: t.string({ required: true }),
    ownerMembershipId: t.globalID({ required: false, for: [MembershipRef] }),
    dueAt: t.field({ type: 'DateTime', required: false }),
  }),
});

const criteria = (list: readonly Record<string, unknown>[]) => list.map((c) => strip(c)) as never;

builder.mutationFields((t) => ({
  createAssessmentTemplate: t.field({
    type: TemplatePayload,
    subGraphs: T,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { input: t.arg({ type: TemplateInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: { ...errors('CreateAssessmentTemplateResult'), types: [AssessmentError, ValidationError, IdempotencyError] },
    resolve: (_r, { input, idempotencyKey }, ctx) =>
      atomically(ctx, () =>
        idempotent(serviceDeps(ctx), idempotencyKey, keyed('createAssessmentTemplate', input), async () => ({
          id: (await createAssessmentTemplate(serviceDeps(ctx), { ...strip(input), criteria: criteria(input.criteria) })).id,
        })),
      ),
  }),
  updateAssessmentTemplate: t.field({
    type: TemplatePayload,
    subGraphs: T,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { id: t.arg.globalID({ required: true }), input: t.arg({ type: UpdateTemplateInput, required: true }) },
    errors: errors('UpdateAssessmentTemplateResult'),
    resolve: (_r, args, ctx) =>
      atomically(ctx, () =>
        updateAssessmentTemplate(serviceDeps(ctx), args.id.id, {
          ...strip({ name: args.input.name, description: args.input.description }),
          ...(args.input.criteria ? { criteria: criteria(args.input.criteria) } : {}),
        }),
      ),
  }),
  publishAssessmentTemplate: t.field({
    type: VersionPayload,
    subGraphs: T,
    authScopes: { role: 'TENANT_ADMIN' },
    description: 'Freezes the draft criteria as the next version; assessments keep the version they used.',
    args: { id: t.arg.globalID({ required: true }) },
    errors: errors('PublishAssessmentTemplateResult'),
    resolve: (_r, args, ctx) => atomically(ctx, () => publishAssessmentTemplate(serviceDeps(ctx), args.id.id)),
  }),
  startAssessment: t.field({
    type: AssessmentPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    args: {
      templateId: t.arg.globalID({ required: true }),
      subjectId: t.arg.globalID({ required: false, description: "The subject, of the template's subject type (none for ORGANIZATION)." }),
      assessorMembershipId: t.arg.globalID({ required: false, for: [MembershipRef] }),
      assessedOn: t.arg.string({ required: true, description: 'YYYY-MM-DD' }),
    },
    errors: errors('StartAssessmentResult'),
    resolve: (_r, args, ctx) =>
      atomically(ctx, () =>
        startAssessment(serviceDeps(ctx), {
          templateId: args.templateId.id,
          subjectId: args.subjectId?.id ?? null,
          assessorMembershipId: args.assessorMembershipId?.id ?? null,
          assessedOn: args.assessedOn,
        }),
      ),
  }),
  recordAssessmentScores: t.field({
    type: AssessmentPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    description: 'Scores criteria of a draft; a score outside its scale is refused (SCORE_OUT_OF_SCALE) and nothing is stored.',
    args: {
      id: t.arg.globalID({ required: true, for: [AssessmentRef] }),
      expectedVersion: t.arg.int({ required: false }),
      scores: t.arg({ type: [ScoreInput], required: true }),
    },
    errors: errors('RecordAssessmentScoresResult'),
    resolve: (_r, args, ctx) =>
      atomically(ctx, () =>
        recordScores(serviceDeps(ctx), {
          assessmentId: args.id.id,
          expectedVersion: args.expectedVersion,
          scores: args.scores.map((s) => ({ criterionKey: String(s.criterionKey), value: s.value, comment: s.comment })),
        }),
      ),
  }),
  submitAssessment: t.field({
    type: AssessmentPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    args: { id: t.arg.globalID({ required: true, for: [AssessmentRef] }), expectedVersion: t.arg.int({ required: false }) },
    errors: errors('SubmitAssessmentResult'),
    resolve: (_r, args, ctx) => atomically(ctx, () => submitAssessment(serviceDeps(ctx), { assessmentId: args.id.id, expectedVersion: args.expectedVersion })),
  }),
  reviewAssessment: t.field({
    type: AssessmentPayload,
    subGraphs: T,
    authScopes: { role: 'COORDINATOR' },
    args: {
      id: t.arg.globalID({ required: true, for: [AssessmentRef] }),
      expectedVersion: t.arg.int({ required: false }),
      comment: t.arg.string({ required: false }),
    },
    errors: errors('ReviewAssessmentResult'),
    resolve: (_r, args, ctx) =>
      atomically(ctx, () => reviewAssessment(serviceDeps(ctx), { assessmentId: args.id.id, expectedVersion: args.expectedVersion, comment: args.comment })),
  }),
  addFinding: t.field({
    type: FindingPayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    description: 'Records a shortcoming; its corrective action becomes a task, and the finding closes when the task is done.',
    args: { assessmentId: t.arg.globalID({ required: true, for: [AssessmentRef] }), input: t.arg({ type: FindingInput, required: true }) },
    errors: errors('AddFindingResult'),
    resolve: (_r, args, ctx) =>
      atomically(ctx, () =>
        addFinding(serviceDeps(ctx), {
          ...strip(args.input),
          assessmentId: args.assessmentId.id,
          criterionKey: args.input.criterionKey ? String(args.input.criterionKey) : null,
          ownerMembershipId: args.input.ownerMembershipId?.id ?? null,
        }),
      ),
  }),
}));
