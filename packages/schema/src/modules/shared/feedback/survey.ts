// Feedback types and queries: surveys and their frozen versions, campaigns, invitations, responses
// with their answers and follow-up, and the results (per version and question) with a CSV export.
// (A hospital's discharged patients and their follow-up are the hospital module's.)
import { ALL_GRAPHS, builder, type BuilderTypes, TENANT_GRAPHS } from '../../../builder.ts';
import { connectionNamed, edgeNamed, nodeConnection } from '../../../shared/connections.ts';
import type { Prisma } from '@jiedai/db';
import { RoleEnum } from '../../core/identity/user.ts';
import { VisitRef } from '../visits/visit.ts';
import { CAMPAIGN_KINDS, invitationStatus, RESPONDENT_KINDS } from './survey-invitation.service.ts';
import { mayReadTextOf } from './survey-response.service.ts';
import {
  responseWhere,
  surveyResults,
  surveyResultsCsv,
  type ResultsFilter,
  type SurveyResults,
  type Tally,
  type TextAnswer,
  type VersionResults,
} from './survey-results.service.ts';
import { QUESTION_KINDS, readQuestions, SCALES, type SurveyOption, type SurveyQuestion } from './survey.questions.ts';
import type { Bin, ChoiceCount, Nps } from './survey.results.ts';
import { SURVEY_STATUSES } from './survey.service.ts';

const T = TENANT_GRAPHS;
const dt = { type: 'DateTime' } as const;
const dtn = { type: 'DateTime', nullable: true } as const;
const monthOf = (d: Date | null) => (d ? d.toISOString().slice(0, 7) : null);

export const SurveyStatusEnum = builder.enumType('SurveyStatus', {
  values: SURVEY_STATUSES,
  subGraphs: T,
  description: 'DRAFT until first published; PUBLISHED: invitations go out and are answered; CLOSED: no more of either.',
});
// Question kinds are part of the respondent's form: in every schema, the public one included.
export const SurveyQuestionKindEnum = builder.enumType('SurveyQuestionKind', {
  values: QUESTION_KINDS,
  subGraphs: ALL_GRAPHS,
  description: 'RATING 1–5, NPS 0–10, SINGLE_CHOICE, MULTIPLE_CHOICE, TEXT.',
});
export const SurveyRespondentKindEnum = builder.enumType('SurveyRespondentKind', { values: RESPONDENT_KINDS, subGraphs: T });
export const SurveyCampaignKindEnum = builder.enumType('SurveyCampaignKind', { values: CAMPAIGN_KINDS, subGraphs: T });
export const SurveyInvitationStatusEnum = builder.enumType('SurveyInvitationStatus', {
  values: ['PENDING', 'RESPONDED', 'EXPIRED'] as const,
  subGraphs: T,
});

export const SurveyQuestionOptionRef = builder.objectRef<SurveyOption>('SurveyQuestionOption').implement({
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({
    key: t.exposeID('key', { description: 'Stable across versions when kept while editing; answers name options by it.' }),
    label: t.exposeString('label'),
  }),
});

export const SurveyQuestionRef = builder.objectRef<SurveyQuestion>('SurveyQuestion').implement({
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({
    key: t.exposeID('key', { description: 'Answers name the question by this key.' }),
    kind: t.field({ type: SurveyQuestionKindEnum, resolve: (q) => q.kind }),
    text: t.exposeString('text'),
    required: t.exposeBoolean('required'),
    options: t.field({ type: [SurveyQuestionOptionRef], resolve: (q) => q.options }),
    scaleMin: t.int({
      nullable: true,
      description: 'Lowest answer of a RATING (1) or NPS (0).',
      resolve: (q) => (q.kind === 'RATING' || q.kind === 'NPS' ? SCALES[q.kind].min : null),
    }),
    scaleMax: t.int({
      nullable: true,
      description: 'Highest answer of a RATING (5) or NPS (10).',
      resolve: (q) => (q.kind === 'RATING' || q.kind === 'NPS' ? SCALES[q.kind].max : null),
    }),
  }),
});

// ── surveys and versions ────────────────────────────────────────────────────────────────────────

export const SurveyVersionRef = builder.prismaNode('SurveyVersion', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'The content of a survey: the draft, or a published version (frozen; responses belong to the version they answered).',
  fields: (t) => ({
    number: t.exposeInt('number'),
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    language: t.exposeString('language', { description: 'BCP 47, e.g. zh-Hans.' }),
    questions: t.field({ type: [SurveyQuestionRef], resolve: (v) => readQuestions(v.questions) }),
    isDraft: t.boolean({ resolve: (v) => v.publishedAt === null }),
    publishedAt: t.expose('publishedAt', dtn),
    createdAt: t.expose('createdAt', dt),
  }),
});

const ResultsFilterInput = builder.inputType('SurveyResultsFilter', {
  subGraphs: T,
  fields: (t) => ({
    from: t.field({ type: 'DateTime', required: false, description: 'Invitations issued at or after this time (their responses count whenever they came).' }),
    to: t.field({ type: 'DateTime', required: false, description: 'Invitations issued before this time.' }),
    campaignId: t.globalID({ required: false, for: [SurveyCampaignRef], description: 'Only this campaign.' }),
    visitId: t.globalID({ required: false, for: [VisitRef], description: 'Only invitations about this visit.' }),
    version: t.int({ required: false, description: 'Only this version.' }),
  }),
});
type FilterArg =
  | { from?: Date | null; to?: Date | null; campaignId?: { id: string } | null; visitId?: { id: string } | null; version?: number | null }
  | null
  | undefined;
const filterOf = (f: FilterArg): ResultsFilter => ({
  from: f?.from ?? null,
  to: f?.to ?? null,
  campaignId: f?.campaignId?.id ?? null,
  visitId: f?.visitId?.id ?? null,
  versionNumber: f?.version ?? null,
});

const InvitationFilterInput = builder.inputType('SurveyInvitationFilter', {
  subGraphs: T,
  fields: (t) => ({
    status: t.field({ type: SurveyInvitationStatusEnum, required: false }),
    campaignId: t.globalID({ required: false, for: [SurveyCampaignRef] }),
  }),
});
type InvitationFilterArg = { status?: 'PENDING' | 'RESPONDED' | 'EXPIRED' | null; campaignId?: { id: string } | null } | null | undefined;
const invitationWhere = (f: InvitationFilterArg, now = new Date()): Prisma.SurveyInvitationWhereInput => ({
  ...(f?.campaignId ? { campaignId: f.campaignId.id } : {}),
  ...(f?.status === 'RESPONDED' ? { respondedAt: { not: null } } : {}),
  ...(f?.status === 'PENDING' ? { respondedAt: null, expiresAt: { gt: now } } : {}),
  ...(f?.status === 'EXPIRED' ? { respondedAt: null, expiresAt: { lte: now } } : {}),
});

export const SurveyRef = builder.prismaNode('Survey', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A feedback survey (来宾反馈): guests after a visit, patients after discharge, hotel guests after a stay.',
  fields: (t) => ({
    status: t.field({ type: SurveyStatusEnum, resolve: (s) => s.status }),
    title: t.string({
      description: 'The title of the draft, or of the latest published version.',
      select: { versions: { select: { title: true }, orderBy: { number: 'desc' }, take: 1 } },
      resolve: (s) => s.versions[0]?.title ?? '',
    }),
    ownerRole: t.field({ type: RoleEnum, description: 'Follow-up tasks of negative answers go to this role.', resolve: (s) => s.ownerRole }),
    version: t.exposeInt('revision', {
      description:
        'Optimistic concurrency: pass it back as `expectedVersion` when changing the survey; every change increments it. ' +
        'Not the same thing as `versions`, the published content versions of the survey (and their number).',
    }),
    revision: t.exposeInt('revision', {
      deprecationReason: 'Use `version` (the same number; pass it back as `expectedVersion`).',
      description: 'The same as `version`. Kept for clients written before the API contract (issue 11); removed no sooner than 2027-06.',
    }),
    closedAt: t.expose('closedAt', dtn),
    createdAt: t.expose('createdAt', dt),
    updatedAt: t.expose('updatedAt', dt),
    versions: t.relation('versions', {
      description: 'Published content versions and the draft, oldest first (not `version`, the concurrency counter).',
      query: { orderBy: { number: 'asc' } },
    }),
    publishedVersion: t.prismaField({
      type: 'SurveyVersion',
      nullable: true,
      description: 'The version new invitations answer (the latest published).',
      resolve: (query, s, _args, ctx) =>
        ctx.db.surveyVersion.findFirst({ ...query, where: { surveyId: s.id, publishedAt: { not: null } }, orderBy: { number: 'desc' } }),
    }),
    draft: t.prismaField({
      type: 'SurveyVersion',
      nullable: true,
      description: 'The version being edited, if any (publishing freezes it).',
      resolve: (query, s, _args, ctx) => ctx.db.surveyVersion.findFirst({ ...query, where: { surveyId: s.id, publishedAt: null } }),
    }),
    campaigns: t.relation('campaigns', { authScopes: { role: 'STAFF' }, query: { orderBy: { createdAt: 'desc' } } }),
    invitations: t.prismaConnection(
      {
        type: 'SurveyInvitation',
        cursor: 'id',
        authScopes: { role: 'STAFF' },
        args: { filter: t.arg({ type: InvitationFilterInput, required: false }) },
        totalCount: (s, args, ctx) => ctx.db.surveyInvitation.count({ where: { surveyId: s.id, ...invitationWhere(args.filter) } }),
        resolve: (query, s, args, ctx) =>
          ctx.db.surveyInvitation.findMany({
            ...query,
            where: { surveyId: s.id, ...invitationWhere(args.filter) },
            orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
          }),
      },
      SurveyInvitationConnection,
    ),
    responses: t.prismaConnection(
      {
        type: 'SurveyResponse',
        cursor: 'id',
        authScopes: { role: 'STAFF' },
        args: { filter: t.arg({ type: ResultsFilterInput, required: false }), negativeOnly: t.arg.boolean({ required: false }) },
        totalCount: (s, args, ctx) =>
          ctx.db.surveyResponse.count({ where: { ...responseWhere(s.id, filterOf(args.filter)), ...(args.negativeOnly ? { negative: true } : {}) } }),
        resolve: (query, s, args, ctx) =>
          ctx.db.surveyResponse.findMany({
            ...query,
            where: { ...responseWhere(s.id, filterOf(args.filter)), ...(args.negativeOnly ? { negative: true } : {}) },
            orderBy: [{ submittedAt: 'desc' }, { id: 'asc' }],
          }),
      },
      connectionNamed('SurveyResponse'),
      edgeNamed('SurveyResponse'),
    ),
    results: t.field({
      type: SurveyResultsRef,
      authScopes: { role: 'STAFF' },
      description: 'Invitations, responses and response rate, per version and in all; per question: average, distribution, NPS, choice counts, free text.',
      args: { filter: t.arg({ type: ResultsFilterInput, required: false }) },
      resolve: (s, args, ctx) => surveyResults(ctx.db, ctx.access, s.id, filterOf(args.filter)),
    }),
    resultsCsv: t.string({
      authScopes: { role: 'COORDINATOR' },
      description:
        'The responses as CSV (one row per response, one column per question; no names or contacts). With `excel: true` the text starts with a UTF-8 byte order mark and lines end with CRLF, so Excel opens Chinese text correctly: write the string to a file as UTF-8.',
      args: {
        filter: t.arg({ type: ResultsFilterInput, required: false }),
        excel: t.arg.boolean({ required: false, defaultValue: false, description: 'Start with a UTF-8 byte order mark and end lines with CRLF (for Excel).' }),
      },
      resolve: (s, args, ctx) => surveyResultsCsv(ctx.db, ctx.access, s.id, filterOf(args.filter), { excel: args.excel ?? false }),
    }),
  }),
});

export const SurveyCampaignRef = builder.prismaNode('SurveyCampaign', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A batch of invitations from a list; for hospitals, the monthly discharged-patient follow-up.',
  fields: (t) => ({
    survey: t.relation('survey'),
    kind: t.field({ type: SurveyCampaignKindEnum, resolve: (c) => c.kind }),
    name: t.exposeString('name'),
    month: t.string({ nullable: true, description: 'Discharge follow-up: the month of discharge covered (YYYY-MM).', resolve: (c) => monthOf(c.month) }),
    expiresInDays: t.exposeInt('expiresInDays'),
    createdAt: t.expose('createdAt', dt),
    invitationCount: t.int({ resolve: (c, _a, ctx) => ctx.db.surveyInvitation.count({ where: { campaignId: c.id } }) }),
    responseCount: t.int({ resolve: (c, _a, ctx) => ctx.db.surveyInvitation.count({ where: { campaignId: c.id, respondedAt: { not: null } } }) }),
    invitations: t.prismaConnection(
      {
        type: 'SurveyInvitation',
        cursor: 'id',
        args: { status: t.arg({ type: SurveyInvitationStatusEnum, required: false }) },
        totalCount: (c, args, ctx) => ctx.db.surveyInvitation.count({ where: { campaignId: c.id, ...invitationWhere({ status: args.status }) } }),
        resolve: (query, c, args, ctx) =>
          ctx.db.surveyInvitation.findMany({
            ...query,
            where: { campaignId: c.id, ...invitationWhere({ status: args.status }) },
            orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          }),
      },
      SurveyInvitationConnection,
    ),
  }),
});

export const SurveyInvitationRef = builder.prismaNode('SurveyInvitation', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A personal, single-use invitation to answer a survey version. Its token is shown once, when issued.',
  fields: (t) => ({
    survey: t.relation('survey'),
    versionNumber: t.int({ select: { version: { select: { number: true } } }, resolve: (i) => i.version.number }),
    campaign: t.relation('campaign', { nullable: true }),
    respondentKind: t.field({ type: SurveyRespondentKindEnum, resolve: (i) => i.respondentKind }),
    respondentName: t.string({
      nullable: true,
      description: "A patient's name only for PATIENT_DATA holders (null otherwise).",
      select: { respondentName: true, patient: { select: { name: true } } },
      resolve: (i) => i.respondentName ?? i.patient?.name ?? null,
    }),
    respondentContact: t.string({
      nullable: true,
      description: "A patient's contact only for PATIENT_DATA holders (null otherwise).",
      select: { respondentContact: true, patient: { select: { contact: true } } },
      resolve: (i) => i.respondentContact ?? i.patient?.contact ?? null,
    }),
    visit: t.relation('visit', { nullable: true }),
    guest: t.relation('guest', { nullable: true }),
    status: t.field({ type: SurveyInvitationStatusEnum, resolve: (i) => invitationStatus(i) }),
    expiresAt: t.expose('expiresAt', dt),
    respondedAt: t.expose('respondedAt', dtn),
    reminderCount: t.exposeInt('reminderCount'),
    lastRemindedAt: t.expose('lastRemindedAt', dtn),
    createdAt: t.expose('createdAt', dt),
    response: t.relation('response', { nullable: true }),
  }),
});

/** Paged by Survey.invitations and SurveyCampaign.invitations alike. */
const SurveyInvitationConnection = nodeConnection(SurveyInvitationRef, 'SurveyInvitation', T);

// ── responses ───────────────────────────────────────────────────────────────────────────────────

interface AnswerView {
  question: SurveyQuestion | null;
  questionKey: string;
  kind: SurveyQuestion['kind'];
  number: number | null;
  options: SurveyOption[];
  text: string | null;
  textWithheld: boolean;
}

const SurveyAnswerRef = builder.objectRef<AnswerView>('SurveyAnswer').implement({
  subGraphs: T,
  fields: (t) => ({
    questionKey: t.exposeID('questionKey'),
    question: t.field({ type: SurveyQuestionRef, nullable: true, resolve: (a) => a.question }),
    kind: t.field({ type: SurveyQuestionKindEnum, resolve: (a) => a.kind }),
    number: t.exposeInt('number', { nullable: true, description: 'RATING 1–5 or NPS 0–10.' }),
    options: t.field({ type: [SurveyQuestionOptionRef], description: 'The options chosen.', resolve: (a) => a.options }),
    text: t.exposeString('text', { nullable: true }),
    textWithheld: t.exposeBoolean('textWithheld', { description: "A patient's free text, hidden without PATIENT_DATA." }),
  }),
});

export const SurveyResponseRef = builder.prismaNode('SurveyResponse', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: "A respondent's answers to one survey version.",
  fields: (t) => ({
    survey: t.relation('survey'),
    versionNumber: t.int({ select: { version: { select: { number: true } } }, resolve: (r) => r.version.number }),
    invitation: t.relation('invitation'),
    submittedAt: t.expose('submittedAt', dt),
    complaint: t.exposeBoolean('complaint', { description: 'The respondent marked it as a complaint (投诉).' }),
    negative: t.exposeBoolean('negative', { description: 'A rating ≤ 2, an NPS ≤ 6, or a complaint: a follow-up task was opened.' }),
    answers: t.field({
      type: [SurveyAnswerRef],
      select: {
        answers: true,
        version: { select: { questions: true } },
        invitation: { select: { respondentKind: true } },
      },
      resolve: (r, _args, ctx) => {
        const questions = readQuestions(r.version.questions);
        const readable = mayReadTextOf(ctx.access, r.invitation.respondentKind);
        const position = (key: string) => questions.findIndex((q) => q.key === key);
        return [...r.answers]
          .sort((a, b) => position(a.questionKey) - position(b.questionKey))
          .map((a) => {
            const question = questions.find((q) => q.key === a.questionKey) ?? null;
            return {
              question,
              questionKey: a.questionKey,
              kind: a.kind,
              number: a.numberValue,
              options: (question?.options ?? []).filter((o) => a.optionKeys.includes(o.key)),
              text: readable ? a.textValue : null,
              textWithheld: !readable && a.textValue !== null,
            };
          });
      },
    }),
    followUpTask: t.relation('followUpTask', { nullable: true }),
    resolution: t.exposeString('resolution', { nullable: true, description: 'How the negative answer was followed up.' }),
    resolvedAt: t.expose('resolvedAt', { ...dtn, description: 'When its follow-up task was done.' }),
  }),
});

// ── results ─────────────────────────────────────────────────────────────────────────────────────

const ScoreBinRef = builder.objectRef<Bin>('SurveyScoreBin').implement({
  subGraphs: T,
  fields: (t) => ({ value: t.exposeInt('value'), count: t.exposeInt('count') }),
});
const NpsRef = builder.objectRef<Nps>('SurveyNps').implement({
  subGraphs: T,
  description: 'Net Promoter Score: % promoters (9–10) − % detractors (0–6).',
  fields: (t) => ({
    score: t.exposeFloat('score', { description: '−100 to 100, one decimal.' }),
    promoters: t.exposeInt('promoters'),
    passives: t.exposeInt('passives'),
    detractors: t.exposeInt('detractors'),
    total: t.exposeInt('total'),
  }),
});
const ChoiceCountRef = builder.objectRef<ChoiceCount>('SurveyChoiceCount').implement({
  subGraphs: T,
  fields: (t) => ({
    key: t.exposeID('key'),
    label: t.exposeString('label'),
    count: t.exposeInt('count'),
    share: t.exposeFloat('share', { description: 'Of the respondents who answered the question, 0–1.' }),
  }),
});
const TextAnswerRef = builder.objectRef<TextAnswer>('SurveyTextAnswer').implement({
  subGraphs: T,
  fields: (t) => ({
    responseId: t.globalID({ resolve: (a) => ({ type: 'SurveyResponse', id: a.responseId }) }),
    text: t.exposeString('text'),
    submittedAt: t.expose('submittedAt', dt),
  }),
});
type QuestionResultView = VersionResults['questions'][number];
const QuestionResultRef = builder.objectRef<QuestionResultView>('SurveyQuestionResult').implement({
  subGraphs: T,
  fields: (t) => ({
    question: t.field({ type: SurveyQuestionRef, resolve: (r) => r.question }),
    position: t.exposeInt('position'),
    answered: t.exposeInt('answered'),
    average: t.exposeFloat('average', { nullable: true, description: 'RATING and NPS: the mean, two decimals.' }),
    distribution: t.field({ type: [ScoreBinRef], description: 'RATING and NPS: every score with its count.', resolve: (r) => r.distribution }),
    nps: t.field({ type: NpsRef, nullable: true, resolve: (r) => r.nps }),
    choices: t.field({ type: [ChoiceCountRef], resolve: (r) => r.choices }),
    textAnswers: t.field({ type: [TextAnswerRef], description: 'Newest first, at most 200 (the CSV has all).', resolve: (r) => r.textAnswers }),
    hiddenTextAnswers: t.exposeInt('hiddenTextAnswers', { description: "Patients' free-text answers not shown without PATIENT_DATA." }),
  }),
});
/** The counts a version's results and the survey's results both carry. */
const tallyFields = <Shape extends Tally>(t: PothosSchemaTypes.ObjectFieldBuilder<BuilderTypes, Shape>) => ({
  invitations: t.int({ description: 'Invitations sent.', resolve: (r) => r.invitations }),
  responses: t.int({ resolve: (r) => r.responses }),
  responseRate: t.float({ nullable: true, description: 'responses / invitations, 0–1, three decimals.', resolve: (r) => r.responseRate }),
  negativeResponses: t.int({ resolve: (r) => r.negativeResponses }),
  complaints: t.int({ resolve: (r) => r.complaints }),
  resolvedFollowUps: t.int({ resolve: (r) => r.resolvedFollowUps }),
});
const VersionResultsRef = builder.objectRef<VersionResults>('SurveyVersionResults').implement({
  subGraphs: T,
  fields: (t) => ({
    number: t.exposeInt('number'),
    title: t.exposeString('title'),
    publishedAt: t.expose('publishedAt', dtn),
    ...tallyFields(t),
    questions: t.field({ type: [QuestionResultRef], resolve: (v) => v.questions }),
  }),
});
export const SurveyResultsRef = builder.objectRef<SurveyResults>('SurveyResults').implement({
  subGraphs: T,
  fields: (t) => ({
    ...tallyFields(t),
    versions: t.field({ type: [VersionResultsRef], resolve: (r) => r.versions }),
  }),
});

// ── queries ─────────────────────────────────────────────────────────────────────────────────────

builder.queryFields((t) => ({
  survey: t.prismaField({
    type: 'Survey',
    nullable: true,
    subGraphs: T,
    authScopes: { member: true },
    description: 'One survey by its id (as `node(id:)`, typed); null when this tenant has none with that id.',
    args: { id: t.arg.globalID({ required: true, for: [SurveyRef] }) },
    resolve: (query, _root, args, ctx) => ctx.db.survey.findUnique({ ...query, where: { id: args.id.id } }),
  }),
  surveys: t.prismaConnection(
    {
      type: 'Survey',
      cursor: 'id',
      subGraphs: T,
      authScopes: { member: true },
      args: { status: t.arg({ type: [SurveyStatusEnum], required: false }) },
      totalCount: (_root, args, ctx) => ctx.db.survey.count({ where: args.status?.length ? { status: { in: args.status } } : {} }),
      resolve: (query, _root, args, ctx) =>
        ctx.db.survey.findMany({ ...query, where: args.status?.length ? { status: { in: args.status } } : {}, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    },
    connectionNamed('Survey'),
    edgeNamed('Survey'),
  ),
}));
