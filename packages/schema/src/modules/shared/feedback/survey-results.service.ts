// Results per survey and version: the database filters, groups and counts (a handful of GROUP BY
// queries whatever the number of responses); survey.results.ts does the arithmetic. Filters: the
// period in which invitations were issued (their responses count whenever they came, so that a
// response rate is a share of the same cohort), a campaign, a visit, a version. Plus a CSV export of
// the responses, written with csv-stringify (quoting, embedded commas and line breaks). Neither shows
// who answered; a patient's free text only to PATIENT_DATA holders.
import { stringify } from 'csv-stringify/sync';
import { Prisma, type Db } from '@jiedai/db';
import type { Access } from '../../../shared/access.ts';
import { mayReadTextOf } from './survey-response.service.ts';
import { readQuestions, type SurveyQuestion } from './survey.questions.ts';
import { questionResult, responseRate, type QuestionCounts, type QuestionResult } from './survey.results.ts';

export interface ResultsFilter {
  /** Invitations issued at or after this time. */
  from?: Date | null;
  /** Invitations issued before this time. */
  to?: Date | null;
  campaignId?: string | null;
  visitId?: string | null;
  versionNumber?: number | null;
}

export interface TextAnswer {
  responseId: string;
  text: string;
  submittedAt: Date;
}

export interface Tally {
  invitations: number;
  responses: number;
  responseRate: number | null;
  negativeResponses: number;
  complaints: number;
  resolvedFollowUps: number;
}

export interface VersionResults extends Tally {
  number: number;
  title: string;
  publishedAt: Date | null;
  questions: (QuestionResult & { textAnswers: TextAnswer[]; hiddenTextAnswers: number })[];
}

export interface SurveyResults extends Tally {
  versions: VersionResults[];
}

/** The most free-text answers listed per question (newest first); the CSV has them all. */
export const TEXT_ANSWERS_SHOWN = 200;

function invitationCondition(surveyId: string, f: ResultsFilter): Prisma.Sql {
  const parts = [Prisma.sql`i.tenant_id = app_tenant_id()`, Prisma.sql`i.survey_id = ${surveyId}::uuid`];
  if (f.from) parts.push(Prisma.sql`i.created_at >= ${f.from}`);
  if (f.to) parts.push(Prisma.sql`i.created_at < ${f.to}`);
  if (f.campaignId) parts.push(Prisma.sql`i.campaign_id = ${f.campaignId}::uuid`);
  if (f.visitId) parts.push(Prisma.sql`i.visit_id = ${f.visitId}::uuid`);
  if (f.versionNumber != null) {
    parts.push(Prisma.sql`i.version_id = (SELECT v.id FROM survey_versions v WHERE v.survey_id = ${surveyId}::uuid AND v.number = ${f.versionNumber})`);
  }
  return Prisma.join(parts, ' AND ');
}

const sum = (rows: Tally[], key: keyof Tally) => rows.reduce((s, r) => s + ((r[key] as number) ?? 0), 0);

export async function surveyResults(db: Db, access: Access, surveyId: string, filter: ResultsFilter = {}): Promise<SurveyResults> {
  const where = invitationCondition(surveyId, filter);
  const versions = await db.surveyVersion.findMany({
    where: { surveyId, publishedAt: { not: null }, ...(filter.versionNumber != null ? { number: filter.versionNumber } : {}) },
    orderBy: { number: 'asc' },
  });
  const fromAnswers = Prisma.sql`FROM survey_answers a
    JOIN survey_responses r ON r.id = a.response_id
    JOIN survey_invitations i ON i.id = r.invitation_id
    WHERE ${where}`;
  // One after the other: the queries share the operation's transaction (one connection).
  const invitations = await db.$queryRaw<{ version_id: string; n: number }[]>`
      SELECT i.version_id, count(*)::int AS n FROM survey_invitations i WHERE ${where} GROUP BY i.version_id`;
  const responses = await db.$queryRaw<{ version_id: string; n: number; negative: number; complaints: number; resolved: number }[]>`
      SELECT r.version_id, count(*)::int AS n, (count(*) FILTER (WHERE r.negative))::int AS negative,
             (count(*) FILTER (WHERE r.complaint))::int AS complaints, (count(*) FILTER (WHERE r.resolved_at IS NOT NULL))::int AS resolved
        FROM survey_responses r JOIN survey_invitations i ON i.id = r.invitation_id WHERE ${where} GROUP BY r.version_id`;
  const answered = await db.$queryRaw<{ version_id: string; question_key: string; n: number }[]>`
      SELECT r.version_id, a.question_key, count(*)::int AS n ${fromAnswers} GROUP BY 1, 2`;
  const numbers = await db.$queryRaw<{ version_id: string; question_key: string; value: number; n: number }[]>`
      SELECT r.version_id, a.question_key, a.number_value AS value, count(*)::int AS n ${fromAnswers}
         AND a.number_value IS NOT NULL GROUP BY 1, 2, 3`;
  const options = await db.$queryRaw<{ version_id: string; question_key: string; option_key: string; n: number }[]>`
      SELECT r.version_id, a.question_key, o.key AS option_key, count(*)::int AS n
        FROM survey_answers a
        JOIN survey_responses r ON r.id = a.response_id
        JOIN survey_invitations i ON i.id = r.invitation_id
        CROSS JOIN LATERAL unnest(a.option_keys) AS o(key)
       WHERE ${where} GROUP BY 1, 2, 3`;
  // Free text: the newest TEXT_ANSWERS_SHOWN per question that the caller may read, and how many of
  // the others (patients' answers, without PATIENT_DATA) were left out.
  const readable = mayReadTextOf(access, 'DISCHARGED_PATIENT') ? Prisma.empty : Prisma.sql`AND i.respondent_kind <> 'DISCHARGED_PATIENT'`;
  const texts = await db.$queryRaw<{ version_id: string; question_key: string; text: string; submitted_at: Date; response_id: string }[]>`
      SELECT version_id, question_key, text, submitted_at, response_id FROM (
        SELECT r.version_id, a.question_key, a.text_value AS text, r.submitted_at, r.id AS response_id,
               row_number() OVER (PARTITION BY r.version_id, a.question_key ORDER BY r.submitted_at DESC, r.id) AS rank
          ${fromAnswers} AND a.text_value IS NOT NULL ${readable}) shown
       WHERE rank <= ${TEXT_ANSWERS_SHOWN} ORDER BY submitted_at DESC, response_id`;
  const hidden = mayReadTextOf(access, 'DISCHARGED_PATIENT')
    ? []
    : await db.$queryRaw<{ version_id: string; question_key: string; n: number }[]>`
      SELECT r.version_id, a.question_key, count(*)::int AS n ${fromAnswers}
         AND a.text_value IS NOT NULL AND i.respondent_kind = 'DISCHARGED_PATIENT' GROUP BY 1, 2`;

  const counts = new Map<string, { answered: number; numbers: Map<number, number>; options: Map<string, number> }>();
  const countsOf = (versionId: string, key: string) => {
    const k = `${versionId}:${key}`;
    let c = counts.get(k);
    if (!c) counts.set(k, (c = { answered: 0, numbers: new Map(), options: new Map() }));
    return c;
  };
  for (const row of answered) countsOf(row.version_id, row.question_key).answered = row.n;
  for (const row of numbers) countsOf(row.version_id, row.question_key).numbers.set(row.value, row.n);
  for (const row of options) countsOf(row.version_id, row.question_key).options.set(row.option_key, row.n);

  const results: VersionResults[] = versions.map((v) => {
    const invited = invitations.find((r) => r.version_id === v.id)?.n ?? 0;
    const r = responses.find((x) => x.version_id === v.id);
    const n = r?.n ?? 0;
    return {
      number: v.number,
      title: v.title,
      publishedAt: v.publishedAt,
      invitations: invited,
      responses: n,
      responseRate: responseRate(n, invited),
      negativeResponses: r?.negative ?? 0,
      complaints: r?.complaints ?? 0,
      resolvedFollowUps: r?.resolved ?? 0,
      questions: readQuestions(v.questions).map((q, i) => ({
        ...questionResult(q, i + 1, counts.get(`${v.id}:${q.key}`) as QuestionCounts | undefined),
        textAnswers: texts
          .filter((t) => t.version_id === v.id && t.question_key === q.key)
          .map((t) => ({ responseId: t.response_id, text: t.text, submittedAt: t.submitted_at })),
        hiddenTextAnswers: hidden.find((h) => h.version_id === v.id && h.question_key === q.key)?.n ?? 0,
      })),
    };
  });
  const invitedTotal = invitations.reduce((s, r) => s + r.n, 0);
  const respondedTotal = sum(results, 'responses');
  return {
    invitations: invitedTotal,
    responses: respondedTotal,
    responseRate: responseRate(respondedTotal, invitedTotal),
    negativeResponses: sum(results, 'negativeResponses'),
    complaints: sum(results, 'complaints'),
    resolvedFollowUps: sum(results, 'resolvedFollowUps'),
    versions: results,
  };
}

/** Prisma's view of the same filter, for lists of responses. */
export function responseWhere(surveyId: string, f: ResultsFilter): Prisma.SurveyResponseWhereInput {
  return {
    surveyId,
    ...(f.versionNumber != null ? { version: { number: f.versionNumber } } : {}),
    invitation: {
      ...(f.from || f.to ? { createdAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lt: f.to } : {}) } } : {}),
      ...(f.campaignId ? { campaignId: f.campaignId } : {}),
      ...(f.visitId ? { visitId: f.visitId } : {}),
    },
  };
}

export const CSV_ROW_LIMIT = 20_000;
const WITHHELD = '（患者数据，已隐去）';

/**
 * Free text comes from anonymous respondents: a cell starting with = + - @ (or a tab or carriage
 * return) would run as a formula in a spreadsheet (CSV injection), so it is prefixed with an apostrophe.
 */
export function safeCell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * One row per response (oldest first), one column per question of any version (by key, in the order
 * of the latest version that has it, then older ones' extra questions). No names, no contacts.
 */
export async function surveyResultsCsv(
  db: Db,
  access: Access,
  surveyId: string,
  filter: ResultsFilter = {},
  options: { excel?: boolean } = {},
): Promise<string> {
  const versions = await db.surveyVersion.findMany({ where: { surveyId, publishedAt: { not: null } }, orderBy: { number: 'desc' } });
  const columns: { key: string; question: SurveyQuestion }[] = [];
  const byVersion = new Map<string, Map<string, SurveyQuestion>>();
  for (const v of versions) {
    const questions = readQuestions(v.questions);
    byVersion.set(v.id, new Map(questions.map((q) => [q.key, q])));
    for (const q of questions) if (!columns.some((c) => c.key === q.key)) columns.push({ key: q.key, question: q });
  }
  const responses = await db.surveyResponse.findMany({
    where: responseWhere(surveyId, filter),
    include: {
      answers: true,
      version: { select: { number: true } },
      invitation: { select: { respondentKind: true, visitId: true, campaign: { select: { name: true } } } },
    },
    orderBy: [{ submittedAt: 'asc' }, { id: 'asc' }],
    take: CSV_ROW_LIMIT,
  });
  const header = [
    'response_id',
    'version',
    'submitted_at',
    'respondent_kind',
    'campaign',
    'visit_id',
    'complaint',
    'negative',
    'resolved_at',
    'resolution',
    ...columns.map((c, i) => safeCell(`Q${i + 1} ${c.question.text}`)),
  ];
  const rows = responses.map((r) => {
    const questions = byVersion.get(r.versionId) ?? new Map<string, SurveyQuestion>();
    const readable = mayReadTextOf(access, r.invitation.respondentKind);
    return [
      r.id,
      r.version.number,
      r.submittedAt.toISOString(),
      r.invitation.respondentKind,
      safeCell(r.invitation.campaign?.name ?? ''),
      r.invitation.visitId ?? '',
      r.complaint ? 'yes' : 'no',
      r.negative ? 'yes' : 'no',
      r.resolvedAt?.toISOString() ?? '',
      safeCell(r.resolution ?? ''),
      ...columns.map((c) => {
        const answer = r.answers.find((a) => a.questionKey === c.key);
        if (!answer) return '';
        if (answer.numberValue !== null) return answer.numberValue;
        if (answer.textValue !== null) return readable ? safeCell(answer.textValue) : WITHHELD;
        const labels = new Map((questions.get(c.key)?.options ?? c.question.options).map((o) => [o.key, o.label]));
        return safeCell(answer.optionKeys.map((k) => labels.get(k) ?? k).join('; '));
      }),
    ];
  });
  // For Excel: a UTF-8 byte order mark (without it Excel reads the file in the system's code page and Chinese
  // text is garbled) and CRLF line ends.
  return stringify([header, ...rows], { quoted_match: /[",\r\n;]/, record_delimiter: options.excel ? 'windows' : 'unix', bom: Boolean(options.excel) });
}
