// The survey respondent's page, /s/<token>: a server-rendered form for a person with no account, on a
// phone, with or without JavaScript. It is a client of the public GraphQL API like any other (the same
// respondent fields, limits, tenant transaction and audit), asked in-process through `yoga.fetch` with the
// respondent's own address, so the page holds no survey logic of its own: it renders what the API says.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PageOptions } from './page-client.ts';
import { html, messagePage, sendBusy, sendUnavailable, page, pageLanguage, raw, sendPage, TEXTS, type PageLanguage, type PageTexts, type Raw } from './html.ts';
import { acceptLanguage, apiClient, PAGE_TOKEN, readForm } from './page-client.ts';

interface Question {
  key: string;
  kind: 'RATING' | 'NPS' | 'SINGLE_CHOICE' | 'MULTIPLE_CHOICE' | 'TEXT';
  text: string;
  required: boolean;
  scaleMin: number | null;
  scaleMax: number | null;
  options: { key: string; label: string }[];
}
interface Survey {
  title: string;
  description: string | null;
  organizationName: string;
  language: string;
  questions: Question[];
}
/** What the respondent entered, per question key (kept when the page comes back with problems). */
type Entered = Map<string, string[]>;
type Problems = Map<string, string>;

const SURVEY = `query($token: String!) { surveyInvitation(token: $token) { __typename
  ... on RespondentSurvey { title description organizationName language questions { key kind text required scaleMin scaleMax options { key label } } }
  ... on Error { code } } }`;
const SUBMIT = `mutation($input: SubmitSurveyResponseInput!) { submitSurveyResponse(input: $input) { __typename
  ... on SurveyAnswersError { issues { questionKey code message } }
  ... on Error { code message } } }`;

/** Handles /s/<token> (GET: the form; POST: the answers). Returns false for any other path. */
export async function handleSurveyPage(req: IncomingMessage, res: ServerResponse, options: PageOptions): Promise<boolean> {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const match = /^\/s\/([^/]+)\/?$/.exec(path);
  if (!match) return false;
  const fallback = pageLanguage(acceptLanguage(req));
  const token = decodeURIComponent(match[1]!);
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendPage(res, 405, messagePage(fallback, 'error'), { allow: 'GET, POST' });
    return true;
  }
  try {
    if (!PAGE_TOKEN.test(token)) return sendUnavailable(res, fallback);
    const api = apiClient(req, options.yoga);
    const found = await api(SURVEY, { token });
    const result = found?.surveyInvitation;
    if (result?.__typename !== 'RespondentSurvey') {
      if (result?.code === 'RATE_LIMITED' || found === 'RATE_LIMITED') return sendBusy(res, fallback);
      return sendUnavailable(res, fallback);
    }
    const survey = result as Survey;
    const language = pageLanguage(survey.language);
    if (req.method === 'GET') {
      sendPage(res, 200, surveyForm(survey, language, new Map(), new Map(), false));
      return true;
    }
    const body = await readForm(req, options.maxBodyBytes);
    if (body === null) {
      sendPage(res, 413, messagePage(language, 'error'));
      return true;
    }
    const entered: Entered = new Map();
    for (const q of survey.questions)
      entered.set(
        q.key,
        body.getAll(`q:${q.key}`).filter((v) => v.trim() !== ''),
      );
    const complaint = body.get('complaint') === '1';
    const submitted = await api(SUBMIT, { input: { token, complaint, answers: answersOf(survey, entered) } });
    const outcome = submitted?.submitSurveyResponse;
    if (outcome?.__typename === 'SubmitSurveyResponsePayload') {
      const t = TEXTS[language];
      sendPage(
        res,
        200,
        page(language, t.thanksTitle, html`<p class="org">${survey.organizationName}</p><h1>${t.thanksTitle}</h1><p class="done">${t.thanks}</p>`),
      );
      return true;
    }
    if (outcome?.__typename === 'SurveyAnswersError') {
      const problems: Problems = new Map();
      const t = TEXTS[language];
      for (const issue of outcome.issues as { questionKey: string; code: keyof PageTexts['issue']; message: string }[]) {
        if (!problems.has(issue.questionKey)) problems.set(issue.questionKey, t.issue[issue.code] ?? issue.message);
      }
      sendPage(res, 422, surveyForm(survey, language, entered, problems, complaint));
      return true;
    }
    if (outcome?.code === 'RATE_LIMITED' || submitted === 'RATE_LIMITED') return sendBusy(res, language);
    // Used or expired between the two requests (another tab submitted first), or anything else refused.
    return sendUnavailable(res, language);
  } catch {
    sendPage(res, 500, messagePage(fallback, 'error'));
    return true;
  }
}

function answersOf(survey: Survey, entered: Entered) {
  const answers: { questionKey: string; number?: number; optionKeys?: string[]; text?: string }[] = [];
  for (const q of survey.questions) {
    const values = entered.get(q.key) ?? [];
    if (values.length === 0) continue;
    if (q.kind === 'RATING' || q.kind === 'NPS') {
      const n = Number(values[0]);
      // Not a number: sent as an out-of-scale value so the API names the problem for this question.
      answers.push({ questionKey: q.key, number: Number.isInteger(n) ? n : -1 });
    } else if (q.kind === 'TEXT') answers.push({ questionKey: q.key, text: values.join('\n') });
    else answers.push({ questionKey: q.key, optionKeys: values });
  }
  return answers;
}

function surveyForm(survey: Survey, language: PageLanguage, entered: Entered, problems: Problems, complaint: boolean): string {
  const t = TEXTS[language];
  const summary =
    problems.size === 0
      ? raw('')
      : html`<div class="summary" role="alert"><h2>${t.checkAnswers}</h2><ul>${survey.questions
          .map((q, i) => ({ q, i }))
          .filter(({ q }) => problems.has(q.key))
          .map(({ q, i }) => html`<li><a href="#q-${q.key}">${i + 1}. ${q.text}: ${problems.get(q.key)}</a></li>`)}</ul></div>`;
  const questions = survey.questions.map((q, i) => question(q, i + 1, t, entered.get(q.key) ?? [], problems.get(q.key)));
  return page(
    language,
    survey.title,
    html`<p class="org">${survey.organizationName}</p><h1>${survey.title}</h1>${survey.description ? html`<p>${survey.description}</p>` : raw('')}
<form method="post" novalidate>${summary}${questions}
<div class="q"><label class="choice"><input type="checkbox" name="complaint" value="1"${raw(complaint ? ' checked' : '')}> ${t.complaint}</label></div>
<button type="submit">${t.submit}</button></form>`,
  );
}

function question(q: Question, n: number, t: PageTexts, values: string[], problem: string | undefined): Raw {
  const id = `q-${q.key}`;
  const errorId = `err-${q.key}`;
  const mark = html`<span class="req">${q.required ? t.required : t.optional}</span>`;
  const error = problem ? html`<p class="err" id="${errorId}">${problem}</p>` : raw('');
  const invalid = problem ? ' invalid' : '';
  const described = problem ? raw(` aria-describedby="${errorId}" aria-invalid="true"`) : raw('');
  const name = `q:${q.key}`;
  const checked = (v: string) => raw(values.includes(v) ? ' checked' : '');
  if (q.kind === 'TEXT') {
    return html`<div class="q${invalid}" id="${id}"><label for="${id}-text">${n}. ${q.text} ${mark}</label>${error}<textarea id="${id}-text" name="${name}" maxlength="4000"${raw(q.required ? ' aria-required="true"' : '')}${described}>${values.join('\n')}</textarea></div>`;
  }
  const required = raw(q.required ? ' aria-required="true"' : '');
  if (q.kind === 'RATING' || q.kind === 'NPS') {
    const min = q.scaleMin ?? (q.kind === 'NPS' ? 0 : 1);
    const max = q.scaleMax ?? (q.kind === 'NPS' ? 10 : 5);
    const points = Array.from({ length: max - min + 1 }, (_, k) => String(min + k));
    const ends = q.kind === 'NPS' ? html`<p class="hint">${min} = ${t.npsLow}, ${max} = ${t.npsHigh}</p>` : raw('');
    return html`<fieldset class="${raw(`q${invalid}`)}" id="${id}" role="radiogroup"${required}${described}><legend>${n}. ${q.text} ${mark}</legend>${ends}${error}<div class="scale">${points.map(
      (v) => html`<label><input type="radio" name="${name}" value="${v}"${checked(v)}><span>${v}</span></label>`,
    )}</div></fieldset>`;
  }
  const type = q.kind === 'MULTIPLE_CHOICE' ? 'checkbox' : 'radio';
  const hint = q.kind === 'MULTIPLE_CHOICE' ? html`<p class="hint">${t.chooseAny}</p>` : raw('');
  return html`<fieldset class="${raw(`q${invalid}`)}" id="${id}"${raw(type === 'radio' ? ' role="radiogroup"' : '')}${required}${described}><legend>${n}. ${q.text} ${mark}</legend>${hint}${error}${q.options.map(
    (o) => html`<label class="choice"><input type="${type}" name="${name}" value="${o.key}"${checked(o.key)}> ${o.label}</label>`,
  )}</fieldset>`;
}
