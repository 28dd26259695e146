// What a respondent without an account can do, with the personal token of their invitation: read the
// survey, and answer it once. In every schema — the public one (anonymous callers), and the tenant
// ones (e.g. a front-desk tablet signed in as staff).
//
// How an anonymous operation gets its tenant: the gateway's tenant transaction reads the token
// argument of these two root fields *before* the operation's transaction starts, and when the
// operation holds nothing but these fields (and __typename), sets the tenant named in the token's
// text for that transaction (credential `surveyRespondent`, no user, no role). The tenant is only a
// selector: the resolvers below find the invitation by the token's SHA-256 *under RLS* in that
// tenant, and refuse unknown, forged, expired and used tokens alike (INVALID_TOKEN). One connection,
// one transaction per operation, as for every other caller; anything else in the same operation
// runs without a tenant (see services/gateway/src/survey-respondent.ts).
import { ALL_GRAPHS, builder } from '../../../builder.ts';
import { serviceDeps } from '../../../context.ts';
import { ErrorInterface, errorTypes } from '../../../shared/graphql-errors.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { ANSWER_ERROR_CODES, FeedbackError, SurveyAnswersError, type AnswerIssue } from './feedback.errors.ts';
import { respondentForm, submitSurveyResponse, type RespondentForm } from './survey-response.service.ts';
import { hashSurveyToken, parseSurveyToken } from './survey-token.ts';
import { SurveyQuestionRef } from './survey.ts';

const AnswerErrorCodeEnum = builder.enumType('SurveyAnswerErrorCode', { values: ANSWER_ERROR_CODES, subGraphs: ALL_GRAPHS });

const AnswerIssueRef = builder.objectRef<AnswerIssue>('SurveyAnswerIssue').implement({
  subGraphs: ALL_GRAPHS,
  description: 'Why one answer was refused.',
  fields: (t) => ({
    questionKey: t.exposeID('questionKey'),
    position: t.exposeInt('position', { nullable: true, description: "The question's number in the survey (1-based); null for an unknown question." }),
    code: t.field({ type: AnswerErrorCodeEnum, resolve: (i) => i.code }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(SurveyAnswersError, {
  name: 'SurveyAnswersError',
  subGraphs: ALL_GRAPHS,
  description: 'The answers do not fit the survey: nothing was stored, and the link still works.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof SurveyAnswersError,
  fields: (t) => ({
    issues: t.field({ type: [AnswerIssueRef], resolve: (e) => e.issues }),
  }),
});

const RespondentSurveyRef = builder.objectRef<RespondentForm>('RespondentSurvey').implement({
  subGraphs: ALL_GRAPHS,
  description: "The survey as its respondent sees it: who asks, and the questions of the invitation's version.",
  fields: (t) => ({
    organizationName: t.exposeString('organizationName'),
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    language: t.exposeString('language'),
    questions: t.field({ type: [SurveyQuestionRef], resolve: (f) => f.questions }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const SubmittedRef = builder.objectRef<{ submittedAt: Date }>('SubmitSurveyResponsePayload').implement({
  subGraphs: ALL_GRAPHS,
  description: 'Thank you: the answers are stored and the link is used up.',
  fields: (t) => ({ submittedAt: t.expose('submittedAt', { type: 'DateTime' }) }),
});

const AnswerInput = builder.inputType('SurveyAnswerInput', {
  subGraphs: ALL_GRAPHS,
  description: 'One answer: a number (RATING 1–5, NPS 0–10), option keys (choice questions), or text. Leave all empty to skip an optional question.',
  fields: (t) => ({
    questionKey: t.id({ required: true }),
    number: t.int({ required: false }),
    optionKeys: t.idList({ required: false }),
    text: t.string({ required: false }),
  }),
});

builder.queryFields((t) => ({
  surveyInvitation: t.field({
    type: RespondentSurveyRef,
    description: "The survey of a respondent's personal link. No account needed: the token is the permission.",
    args: { token: t.arg.string({ required: true }) },
    errors: { types: errorTypes(ALL_GRAPHS, FeedbackError), directResult: true, union: { name: 'SurveyInvitationResult' } },
    resolve: (_root, args, ctx) => respondentForm(serviceDeps(ctx), args.token),
  }),
}));

mutationField({
  name: 'submitSurveyResponse',
  subGraphs: ALL_GRAPHS,
  payload: SubmittedRef,
  description:
    'Answers the survey of a personal link, once. Refused answers come back as SurveyAnswersError (one issue per answer) and store nothing. ' +
    'Limited per link and per client address (RATE_LIMITED).',
  errors: [FeedbackError, SurveyAnswersError],
  input: (t) => ({
    token: t.string({ required: true, description: 'The personal token of the link.' }),
    answers: t.field({ type: [AnswerInput], required: true }),
    complaint: t.boolean({ required: false, description: 'The respondent wants this treated as a complaint (投诉): it is followed up.' }),
  }),
  run: async (deps, input, ctx) => {
    // Counted before anything else, valid token or not (keys: the token's hash, never the token);
    // a stored response no longer counts against the client address (many respondents, one address).
    const tokenHash = parseSurveyToken(input.token)?.tokenHash ?? hashSurveyToken(input.token);
    const wait = await ctx.services.feedback.responseGuard.attempt(tokenHash, ctx.clientAddress);
    if (wait > 0) throw new FeedbackError('RATE_LIMITED', `Too many attempts: try again in ${wait} seconds`);
    const response = await submitSurveyResponse(deps, {
      token: input.token,
      complaint: input.complaint,
      answers: input.answers.map((a) => ({
        questionKey: String(a.questionKey),
        number: a.number,
        optionKeys: a.optionKeys?.map(String) ?? null,
        text: a.text,
      })),
    });
    await ctx.services.feedback.responseGuard.succeeded(tokenHash, ctx.clientAddress);
    return { submittedAt: response.submittedAt };
  },
});
