// Feedback mutations for members: designing, publishing and closing surveys; campaigns of
// invitations (the tokens come back once, here; a kind's own campaigns, such as the hospital's
// discharge follow-up, answer with the same payload); reminders; recording how a negative answer was
// followed up. Each runs in a savepoint.
import { ALL_GRAPHS, builder, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps, type Context } from '../../../context.ts';
import { hasRole } from '../../../shared/access.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { registerDomainError } from '../../../shared/graphql-errors.ts';
import { atomically } from '../../../shared/mutation.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, IdempotencyError, idempotent, idempotentOnce, keyed } from '../../../shared/idempotency.ts';
import { RoleEnum } from '../../core/identity/user.ts';
import { VisitGuestRef, VisitRef } from '../visits/visit.ts';
import { FEEDBACK_ERROR_CODES, FeedbackError } from './feedback.errors.ts';
import {
  createSurveyCampaign,
  remindSurveyCampaign,
  type IssuedInvitation,
} from './survey-invitation.service.ts';
import { resolveSurveyFollowUp } from './survey-response.service.ts';
import { closeSurvey, createSurvey, publishSurvey, saveSurveyDraft, type SurveyContentInput } from './survey.service.ts';
import { SurveyCampaignRef, SurveyInvitationRef, SurveyQuestionKindEnum, SurveyRef, SurveyResponseRef } from './survey.ts';

const T = TENANT_GRAPHS;
registerDomainError(FeedbackError, 'FeedbackError', FEEDBACK_ERROR_CODES, 'A feedback operation was refused; nothing was changed.', ALL_GRAPHS);
const errors = (name: string) => ({ types: [FeedbackError, ValidationError], directResult: true as const, union: { name } });
export const createErrors = (name: string) => ({ types: [FeedbackError, ValidationError, IdempotencyError], directResult: true as const, union: { name } });
const coordinator = { role: 'COORDINATOR' } as const;

// ── payloads ────────────────────────────────────────────────────────────────────────────────────

const SurveyPayload = builder.objectRef<{ surveyId: string }>('SurveyPayload').implement({
  subGraphs: T,
  fields: (t) => ({
    survey: t.prismaField({ type: 'Survey', resolve: (query, p, _a, ctx) => ctx.db.survey.findUniqueOrThrow({ ...query, where: { id: p.surveyId } }) }),
  }),
});

const IssuedInvitationRef = builder.objectRef<IssuedInvitation & { link: string | null }>('IssuedSurveyInvitation').implement({
  subGraphs: T,
  description: 'An invitation and its personal token: shown this once (only a hash is kept). Put it into the letter or message.',
  fields: (t) => ({
    invitation: t.field({ type: SurveyInvitationRef, resolve: (i) => i.invitation }),
    token: t.exposeString('token'),
    link: t.exposeString('link', { nullable: true, description: 'SURVEY_LINK_BASE_URL followed by the token, when configured.' }),
  }),
});

export const withLinks = (ctx: Context, issued: IssuedInvitation[]) => {
  const base = ctx.services.feedback.linkBase;
  return issued.map((i) => ({ ...i, link: base ? `${base}${encodeURIComponent(i.token)}` : null }));
};

export const CampaignPayload = builder
  .objectRef<{ campaignId: string; issued: (IssuedInvitation & { link: string | null })[]; patients?: number }>('SurveyCampaignPayload')
  .implement({
    subGraphs: T,
    fields: (t) => ({
      campaign: t.prismaField({
        type: 'SurveyCampaign',
        resolve: (query, p, _a, ctx) => ctx.db.surveyCampaign.findUniqueOrThrow({ ...query, where: { id: p.campaignId } }),
      }),
      issued: t.field({ type: [IssuedInvitationRef], description: 'The invitations issued now, with their tokens.', resolve: (p) => p.issued }),
      patients: t.int({ nullable: true, description: 'Discharge follow-up: patients in the list given.', resolve: (p) => p.patients ?? null }),
    }),
  });

const ResponsePayload = builder.objectRef<{ responseId: string }>('SurveyResponsePayload').implement({
  subGraphs: T,
  fields: (t) => ({
    response: t.prismaField({
      type: 'SurveyResponse',
      resolve: (query, p, _a, ctx) => ctx.db.surveyResponse.findUniqueOrThrow({ ...query, where: { id: p.responseId } }),
    }),
  }),
});

// ── inputs ──────────────────────────────────────────────────────────────────────────────────────

const OptionInput = builder.inputType('SurveyQuestionOptionInput', {
  subGraphs: T,
  fields: (t) => ({
    key: t.id({ required: false, description: 'Keep the key of an existing option when editing.' }),
    label: t.string({ required: true }),
  }),
});
const QuestionInput = builder.inputType('SurveyQuestionInput', {
  subGraphs: T,
  fields: (t) => ({
    key: t.id({ required: false, description: 'Keep the key of an existing question when editing (its answers then line up across versions).' }),
    kind: t.field({ type: SurveyQuestionKindEnum, required: true }),
    text: t.string({ required: true }),
    required: t.boolean({ required: false }),
    options: t.field({ type: [OptionInput], required: false, description: 'Choice questions: two or more.' }),
  }),
});
const SurveyInput = builder.inputType('SurveyInput', {
  subGraphs: T,
  fields: (t) => ({
    title: t.string({ required: true }),
    description: t.string({ required: false }),
    language: t.string({ required: false, description: "BCP 47; default the tenant's locale." }),
    ownerRole: t.field({ type: RoleEnum, required: false, description: 'Who follows up negative answers (default COORDINATOR).' }),
    questions: t.field({ type: [QuestionInput], required: true }),
  }),
});
// Discharged patients are invited only through the discharge follow-up (their data stays behind PATIENT_DATA).
const RespondentInputKind = builder.enumType('SurveyRespondentInputKind', { values: ['VISIT_GUEST', 'HOTEL_GUEST', 'OTHER'] as const, subGraphs: T });
const RespondentInput = builder.inputType('SurveyRespondentInput', {
  subGraphs: T,
  fields: (t) => ({
    kind: t.field({ type: RespondentInputKind, required: true }),
    name: t.string({ required: false, description: "Needed unless visitGuestId names the guest." }),
    contact: t.string({ required: false, description: 'Where to send the link: phone, e-mail or address.' }),
    visitId: t.globalID({ required: false, for: [VisitRef] }),
    visitGuestId: t.globalID({ required: false, for: [VisitGuestRef] }),
  }),
});
const CampaignInput = builder.inputType('SurveyCampaignInput', {
  subGraphs: T,
  fields: (t) => ({
    surveyId: t.globalID({ required: true, for: [SurveyRef] }),
    name: t.string({ required: true }),
    expiresInDays: t.int({ required: false, description: 'How long the links work (default 30 days).' }),
    respondents: t.field({ type: [RespondentInput], required: false }),
    guestsOfVisitId: t.globalID({ required: false, for: [VisitRef], description: 'Invite every guest of this visit (post-visit survey).' }),
  }),
});
type SurveyInputArg = { questions: { key?: string | number | null; options?: { key?: string | number | null }[] | null }[]; [k: string]: unknown };
/** GraphQL ID inputs may arrive as numbers: keys are strings. */
const content = (input: SurveyInputArg): SurveyContentInput =>
  ({
    ...input,
    questions: input.questions.map((q) => ({
      ...q,
      key: q.key == null ? null : String(q.key),
      options: q.options?.map((o) => ({ ...o, key: o.key == null ? null : String(o.key) })) ?? null,
    })),
  }) as SurveyContentInput;

// ── mutations ───────────────────────────────────────────────────────────────────────────────────

builder.mutationFields((t) => ({
  createSurvey: t.field({
    type: SurveyPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'A new survey, as a draft (version 1).',
    args: { input: t.arg({ type: SurveyInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: createErrors('CreateSurveyResult'),
    resolve: (_root, args, ctx) =>
      atomically(ctx, () =>
        idempotent(serviceDeps(ctx), args.idempotencyKey, keyed('createSurvey', args.input), async () => ({
          surveyId: (await createSurvey(serviceDeps(ctx), content(args.input as never))).id,
        })),
      ),
  }),
  saveSurveyDraft: t.field({
    type: SurveyPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'Replaces the draft with this content; on a published survey, starts the next version\'s draft.',
    args: {
      id: t.arg.globalID({ required: true, for: [SurveyRef] }),
      expectedRevision: t.arg.int({ required: true }),
      input: t.arg({ type: SurveyInput, required: true }),
    },
    errors: errors('SaveSurveyDraftResult'),
    resolve: async (_root, args, ctx) => ({
      surveyId: (await atomically(ctx, () =>
        saveSurveyDraft(serviceDeps(ctx), { surveyId: args.id.id, expectedRevision: args.expectedRevision, content: content(args.input as never) }),
      )).id,
    }),
  }),
  publishSurvey: t.field({
    type: SurveyPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'Freezes the draft as the current version: invitations issued from now on answer it.',
    args: { id: t.arg.globalID({ required: true, for: [SurveyRef] }), expectedRevision: t.arg.int({ required: true }) },
    errors: errors('PublishSurveyResult'),
    resolve: async (_root, args, ctx) => ({
      surveyId: (await atomically(ctx, () => publishSurvey(serviceDeps(ctx), { surveyId: args.id.id, expectedRevision: args.expectedRevision }))).id,
    }),
  }),
  closeSurvey: t.field({
    type: SurveyPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'No more invitations or answers (open links stop working); results stay.',
    args: { id: t.arg.globalID({ required: true, for: [SurveyRef] }), expectedRevision: t.arg.int({ required: true }) },
    errors: errors('CloseSurveyResult'),
    resolve: async (_root, args, ctx) => ({
      surveyId: (await atomically(ctx, () => closeSurvey(serviceDeps(ctx), { surveyId: args.id.id, expectedRevision: args.expectedRevision }))).id,
    }),
  }),
  createSurveyCampaign: t.field({
    type: CampaignPayload,
    subGraphs: T,
    authScopes: coordinator,
    description: 'Invites a list of respondents (or every guest of a visit) to the survey\'s current version.',
    args: { input: t.arg({ type: CampaignInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: createErrors('CreateSurveyCampaignResult'),
    resolve: async (_root, { input, idempotencyKey }, ctx) => {
      // The links are shown once: a retry with the key creates nothing and says so (ALREADY_APPLIED).
      const { campaign, issued } = await atomically(ctx, () =>
        idempotentOnce(serviceDeps(ctx), idempotencyKey, keyed('createSurveyCampaign', input), () => createSurveyCampaign(serviceDeps(ctx), {
          surveyId: input.surveyId.id,
          name: input.name,
          expiresInDays: input.expiresInDays,
          guestsOfVisitId: input.guestsOfVisitId?.id ?? null,
          respondents: input.respondents?.map((r) => ({
            kind: r.kind,
            name: r.name,
            contact: r.contact,
            visitId: r.visitId?.id ?? null,
            visitGuestId: r.visitGuestId?.id ?? null,
          })),
        }), (r) => r.campaign.id, 'SurveyCampaign'),
      );
      return { campaignId: campaign.id, issued: withLinks(ctx, issued) };
    },
  }),
  remindSurveyCampaign: t.field({
    type: CampaignPayload,
    subGraphs: T,
    // Coordinators send reminders; for a discharge follow-up, the records office (PATIENT_DATA) too.
    authScopes: (_root, _args, ctx) => hasRole(ctx.access, 'COORDINATOR') || hasRole(ctx.access, 'PATIENT_DATA'),
    description: 'Re-issues the link of everyone in the campaign who has not answered (their old link stops working).',
    args: { campaignId: t.arg.globalID({ required: true, for: [SurveyCampaignRef] }), expiresInDays: t.arg.int({ required: false }) },
    errors: errors('RemindSurveyCampaignResult'),
    resolve: async (_root, args, ctx) => {
      const { campaign, issued } = await atomically(ctx, () =>
        remindSurveyCampaign(serviceDeps(ctx), { campaignId: args.campaignId.id, expiresInDays: args.expiresInDays }),
      );
      return { campaignId: campaign.id, issued: withLinks(ctx, issued) };
    },
  }),
  resolveSurveyFollowUp: t.field({
    type: ResponsePayload,
    subGraphs: T,
    authScopes: { role: 'STAFF' },
    description: 'Records how a negative answer was followed up, and marks its follow-up task done.',
    args: { responseId: t.arg.globalID({ required: true, for: [SurveyResponseRef] }), resolution: t.arg.string({ required: true }) },
    errors: errors('ResolveSurveyFollowUpResult'),
    resolve: async (_root, args, ctx) => ({
      responseId: (await atomically(ctx, () => resolveSurveyFollowUp(serviceDeps(ctx), { responseId: args.responseId.id, resolution: args.resolution }))).id,
    }),
  }),
}));
