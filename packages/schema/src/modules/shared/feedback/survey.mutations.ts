// Feedback mutations for members: designing, publishing and closing surveys; campaigns of
// invitations (the tokens come back once, here; a kind's own campaigns, such as the hospital's
// discharge follow-up, answer with the same payload); reminders; recording how a negative answer was
// followed up. Each runs in a savepoint.
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import type { Context } from '../../../context.ts';
import { hasRole } from '../../../shared/access.ts';
import { mutationField, type InputFields } from '../../../shared/mutation.ts';
import { RoleEnum } from '../../core/identity/user.ts';
import { VisitGuestRef, VisitRef } from '../visits/visit.ts';
import { FeedbackError } from './feedback.errors.ts';
import { createSurveyCampaign, remindSurveyCampaign, type IssuedInvitation } from './survey-invitation.service.ts';
import { resolveSurveyFollowUp } from './survey-response.service.ts';
import { closeSurvey, createSurvey, publishSurvey, saveSurveyDraft, type SurveyContentInput } from './survey.service.ts';
import { SurveyCampaignRef, SurveyInvitationRef, SurveyQuestionKindEnum, SurveyRef, SurveyResponseRef } from './survey.ts';

const T = TENANT_GRAPHS;
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
/** The content of a survey, as createSurvey and saveSurveyDraft take it. */
const surveyFields = (t: InputFields) => ({
  title: t.string({ required: true }),
  description: t.string({ required: false }),
  language: t.string({ required: false, description: "BCP 47; default the tenant's locale." }),
  ownerRole: t.field({ type: RoleEnum, required: false, description: 'Who follows up negative answers (default COORDINATOR).' }),
  questions: t.field({ type: [QuestionInput], required: true }),
});
// Discharged patients are invited only through the discharge follow-up (their data stays behind PATIENT_DATA).
const RespondentInputKind = builder.enumType('SurveyRespondentInputKind', { values: ['VISIT_GUEST', 'HOTEL_GUEST', 'OTHER'] as const, subGraphs: T });
const RespondentInput = builder.inputType('SurveyRespondentInput', {
  subGraphs: T,
  fields: (t) => ({
    kind: t.field({ type: RespondentInputKind, required: true }),
    name: t.string({ required: false, description: 'Needed unless visitGuestId names the guest.' }),
    contact: t.string({ required: false, description: 'Where to send the link: phone, e-mail or address.' }),
    visitId: t.globalID({ required: false, for: [VisitRef] }),
    visitGuestId: t.globalID({ required: false, for: [VisitGuestRef] }),
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

/** A survey and the version the change was made against (a stale version: CONFLICT). */
const versioned = (t: InputFields) => ({
  id: t.globalID({ required: true, for: [SurveyRef] }),
  expectedVersion: t.int({ required: true, description: "The survey's `version` (not a content version of `versions`)." }),
});

mutationField({
  name: 'createSurvey',
  payload: SurveyPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: 'A new survey, as a draft (version 1).',
  errors: [FeedbackError],
  input: surveyFields,
  idempotency: 'replay',
  run: async (deps, input) => ({ surveyId: (await createSurvey(deps, content(input))).id }),
});
mutationField({
  name: 'saveSurveyDraft',
  payload: SurveyPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: "Replaces the draft with this content; on a published survey, starts the next version's draft.",
  errors: [FeedbackError],
  input: (t) => ({ ...versioned(t), ...surveyFields(t) }),
  run: async (deps, { id, expectedVersion, ...input }) => ({
    surveyId: (await saveSurveyDraft(deps, { surveyId: id.id, expectedVersion, content: content(input) })).id,
  }),
});
mutationField({
  name: 'publishSurvey',
  payload: SurveyPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: 'Freezes the draft as the current version: invitations issued from now on answer it.',
  errors: [FeedbackError],
  input: versioned,
  run: async (deps, input) => ({ surveyId: (await publishSurvey(deps, { surveyId: input.id.id, expectedVersion: input.expectedVersion })).id }),
});
mutationField({
  name: 'closeSurvey',
  payload: SurveyPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: 'No more invitations or answers (open links stop working); results stay.',
  errors: [FeedbackError],
  input: versioned,
  run: async (deps, input) => ({ surveyId: (await closeSurvey(deps, { surveyId: input.id.id, expectedVersion: input.expectedVersion })).id }),
});
mutationField({
  name: 'createSurveyCampaign',
  payload: CampaignPayload,
  subGraphs: T,
  authScopes: coordinator,
  description: "Invites a list of respondents (or every guest of a visit) to the survey's current version.",
  errors: [FeedbackError],
  input: (t) => ({
    surveyId: t.globalID({ required: true, for: [SurveyRef] }),
    name: t.string({ required: true }),
    expiresInDays: t.int({ required: false, description: 'How long the links work (default 30 days).' }),
    respondents: t.field({ type: [RespondentInput], required: false }),
    guestsOfVisitId: t.globalID({ required: false, for: [VisitRef], description: 'Invite every guest of this visit (post-visit survey).' }),
  }),
  // The links are shown once: a retry with the key creates nothing and says so (ALREADY_APPLIED).
  idempotency: { once: { id: (p) => p.campaignId, typename: 'SurveyCampaign' } },
  run: async (deps, input, ctx) => {
    const { campaign, issued } = await createSurveyCampaign(deps, {
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
    });
    return { campaignId: campaign.id, issued: withLinks(ctx, issued) };
  },
});
mutationField({
  name: 'remindSurveyCampaign',
  payload: CampaignPayload,
  subGraphs: T,
  // Coordinators send reminders; for a discharge follow-up, the records office (PATIENT_DATA) too.
  authScopes: (_root, _args, ctx) => hasRole(ctx.access, 'COORDINATOR') || hasRole(ctx.access, 'PATIENT_DATA'),
  description: 'Re-issues the link of everyone in the campaign who has not answered (their old link stops working).',
  errors: [FeedbackError],
  input: (t) => ({ campaignId: t.globalID({ required: true, for: [SurveyCampaignRef] }), expiresInDays: t.int({ required: false }) }),
  run: async (deps, input, ctx) => {
    const { campaign, issued } = await remindSurveyCampaign(deps, { campaignId: input.campaignId.id, expiresInDays: input.expiresInDays });
    return { campaignId: campaign.id, issued: withLinks(ctx, issued) };
  },
});
mutationField({
  name: 'resolveSurveyFollowUp',
  payload: ResponsePayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  description: 'Records how a negative answer was followed up, and marks its follow-up task done.',
  errors: [FeedbackError],
  input: (t) => ({ responseId: t.globalID({ required: true, for: [SurveyResponseRef] }), resolution: t.string({ required: true }) }),
  run: async (deps, input) => ({
    responseId: (await resolveSurveyFollowUp(deps, { responseId: input.responseId.id, resolution: input.resolution })).id,
  }),
});
