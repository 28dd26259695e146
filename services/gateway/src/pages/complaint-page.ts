// The patient's complaint page, /c/<code>: the public link (QR code) of a hospital's service point, for
// patients and families with no account. Like the survey page it is a client of the public API
// (`complaintIntake`, `submitPublicComplaint`: their rate limits, honeypot and checks), rendered as a plain
// HTML form in the visitor's language (Accept-Language: Chinese unless English).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { html, messagePage, sendBusy, sendUnavailable, page, pageLanguage, raw, sendPage, type PageLanguage } from './html.ts';
import { acceptLanguage, apiClient, PAGE_TOKEN, type PageOptions, readForm } from './page-client.ts';

const FORM = `query($code: String!) { complaintIntake(code: $code) { __typename
  ... on ComplaintIntakeForm { organizationName servicePointName categories } ... on Error { code } } }`;
const SUBMIT = `mutation($input: SubmitPublicComplaintInput!) { submitPublicComplaint(input: $input) { __typename
  ... on SubmitPublicComplaintPayload { reference receivedAt }
  ... on ValidationError { fieldErrors { path message } }
  ... on Error { code message } } }`;

export const COMPLAINT_TEXTS = {
  'zh-Hans': {
    title: '投诉与建议',
    intro: '感谢您帮助我们改进服务。我们会按时答复留下联系方式的来信。',
    kind: '类型',
    kinds: { COMPLAINT: '投诉', SUGGESTION: '建议' },
    category: '涉及方面',
    categories: {
      WAITING_TIME: '等候时间',
      SERVICE_ATTITUDE: '服务态度',
      COMMUNICATION: '沟通解释',
      MEDICAL_CARE: '医疗服务',
      FEES: '收费',
      PROCESS: '流程手续',
      ENVIRONMENT: '环境设施',
      OTHER: '其他',
    },
    summary: '请描述经过（5–2000 字）',
    name: '您的称呼（选填）',
    contact: '联系电话或邮箱（选填，用于答复）',
    submit: '提交',
    required: '（必填）',
    checkAnswers: '请检查以下内容后再提交',
    summaryProblem: '请用 5 到 2000 个字描述经过。',
    categoryProblem: '请选择涉及方面。',
    otherProblem: '此项填写有误，请检查。',
    thanksTitle: '已收到您的来信',
    thanks: '感谢您的反馈。来信编号：',
    thanksAfter: '如需查询，请告知此编号。',
    website: '请勿填写此项',
  },
  en: {
    title: 'Complaints and suggestions',
    intro: 'Thank you for helping us improve. If you leave a contact, we answer within our deadlines.',
    kind: 'Type',
    kinds: { COMPLAINT: 'Complaint', SUGGESTION: 'Suggestion' },
    category: 'What it is about',
    categories: {
      WAITING_TIME: 'Waiting time',
      SERVICE_ATTITUDE: 'Attitude of staff',
      COMMUNICATION: 'Explanations',
      MEDICAL_CARE: 'Medical care',
      FEES: 'Fees',
      PROCESS: 'Procedures',
      ENVIRONMENT: 'Environment and facilities',
      OTHER: 'Other',
    },
    summary: 'What happened (5 to 2,000 characters)',
    name: 'Your name (optional)',
    contact: 'Phone or e-mail (optional, for our answer)',
    submit: 'Send',
    required: '(required)',
    checkAnswers: 'Please check these before you send',
    summaryProblem: 'Describe what happened in 5 to 2,000 characters.',
    categoryProblem: 'Choose what it is about.',
    otherProblem: 'Please check this field.',
    thanksTitle: 'We have received your message',
    thanks: 'Thank you. Your reference:',
    thanksAfter: 'Quote it if you call us.',
    website: 'Leave this empty',
  },
} as const;

type Texts = (typeof COMPLAINT_TEXTS)[PageLanguage];
type Category = keyof Texts['categories'];
interface Intake {
  organizationName: string;
  servicePointName: string;
  categories: Category[];
}
interface Entered {
  kind: string;
  category: string;
  summary: string;
  name: string;
  contact: string;
}

/** Handles /c/<code> (GET: the form; POST: the complaint). Returns false for any other path. */
export async function handleComplaintPage(req: IncomingMessage, res: ServerResponse, options: PageOptions): Promise<boolean> {
  const match = /^\/c\/([^/]+)\/?$/.exec(new URL(req.url ?? '/', 'http://local').pathname);
  if (!match) return false;
  const language = pageLanguage(acceptLanguage(req));
  const code = decodeURIComponent(match[1]!);
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendPage(res, 405, messagePage(language, 'error'), { allow: 'GET, POST' });
    return true;
  }
  try {
    if (!PAGE_TOKEN.test(code)) return sendUnavailable(res, language);
    const api = apiClient(req, options.yoga);
    const found = await api(FORM, { code });
    const intake = found?.complaintIntake;
    if (found === 'RATE_LIMITED' || intake?.code === 'RATE_LIMITED') return sendBusy(res, language);
    if (intake?.__typename !== 'ComplaintIntakeForm') return sendUnavailable(res, language);
    const empty: Entered = { kind: 'COMPLAINT', category: '', summary: '', name: '', contact: '' };
    if (req.method === 'GET') {
      sendPage(res, 200, complaintForm(intake as Intake, language, empty, new Map()));
      return true;
    }
    const body = await readForm(req, options.maxBodyBytes);
    if (body === null) {
      sendPage(res, 413, messagePage(language, 'error'));
      return true;
    }
    const entered: Entered = {
      kind: body.get('kind') === 'SUGGESTION' ? 'SUGGESTION' : 'COMPLAINT',
      category: body.get('category') ?? '',
      summary: body.get('summary') ?? '',
      name: body.get('name') ?? '',
      contact: body.get('contact') ?? '',
    };
    const t = COMPLAINT_TEXTS[language];
    const problems = new Map<string, string>();
    if (!(intake.categories as string[]).includes(entered.category)) problems.set('category', t.categoryProblem);
    if (problems.size > 0) {
      sendPage(res, 422, complaintForm(intake as Intake, language, entered, problems));
      return true;
    }
    const submitted = await api(SUBMIT, {
      input: {
        code,
        kind: entered.kind,
        category: entered.category,
        summary: entered.summary,
        complainantName: entered.name.trim() || null,
        complainantContact: entered.contact.trim() || null,
        // The honeypot travels as typed: a person leaves it empty, a form-filling robot does not.
        website: body.get('website') ?? '',
      },
    });
    const outcome = submitted?.submitPublicComplaint;
    if (outcome?.__typename === 'SubmitPublicComplaintPayload') {
      sendPage(
        res,
        200,
        page(
          language,
          t.thanksTitle,
          html`<p class="org">${(intake as Intake).organizationName}</p><h1>${t.thanksTitle}</h1><p class="done">${t.thanks} <strong>${outcome.reference}</strong></p><p>${t.thanksAfter}</p>`,
        ),
      );
      return true;
    }
    if (outcome?.__typename === 'ValidationError') {
      for (const issue of outcome.fieldErrors as { path: string[] }[]) {
        const field = issue.path[issue.path.length - 1] ?? '';
        const name = field === 'complainantName' ? 'name' : field === 'complainantContact' ? 'contact' : field;
        if (!problems.has(name)) problems.set(name, name === 'summary' ? t.summaryProblem : name === 'category' ? t.categoryProblem : t.otherProblem);
      }
      sendPage(res, 422, complaintForm(intake as Intake, language, entered, problems));
      return true;
    }
    if (submitted === 'RATE_LIMITED' || outcome?.code === 'RATE_LIMITED') return sendBusy(res, language);
    return sendUnavailable(res, language);
  } catch {
    sendPage(res, 500, messagePage(language, 'error'));
    return true;
  }
}

function complaintForm(intake: Intake, language: PageLanguage, entered: Entered, problems: Map<string, string>): string {
  const t = COMPLAINT_TEXTS[language];
  const err = (field: string) => (problems.has(field) ? html`<p class="err" id="err-${field}">${problems.get(field)}</p>` : raw(''));
  const invalid = (field: string) => raw(problems.has(field) ? ' invalid' : '');
  const described = (field: string) => raw(problems.has(field) ? ` aria-describedby="err-${field}" aria-invalid="true"` : '');
  const labels: Record<string, string> = { category: t.category, summary: t.summary, name: t.name, contact: t.contact };
  const summary =
    problems.size === 0
      ? raw('')
      : html`<div class="summary" role="alert"><h2>${t.checkAnswers}</h2><ul>${[...problems].map(
          ([field, message]) => html`<li><a href="#f-${field}">${labels[field] ?? field}: ${message}</a></li>`,
        )}</ul></div>`;
  return page(
    language,
    `${t.title} · ${intake.servicePointName}`,
    html`<p class="org">${intake.organizationName} · ${intake.servicePointName}</p><h1>${t.title}</h1><p>${t.intro}</p>
<form method="post" novalidate>${summary}
<fieldset class="q" id="f-kind" role="radiogroup"><legend>${t.kind}</legend>${(['COMPLAINT', 'SUGGESTION'] as const).map(
      (k) => html`<label class="choice"><input type="radio" name="kind" value="${k}"${raw(entered.kind === k ? ' checked' : '')}> ${t.kinds[k]}</label>`,
    )}</fieldset>
<fieldset class="q${invalid('category')}" id="f-category" role="radiogroup" aria-required="true"${described('category')}><legend>${t.category} <span class="req">${t.required}</span></legend>${err('category')}${intake.categories.map(
      (c) =>
        html`<label class="choice"><input type="radio" name="category" value="${c}"${raw(entered.category === c ? ' checked' : '')}> ${t.categories[c] ?? c}</label>`,
    )}</fieldset>
<div class="q${invalid('summary')}" id="f-summary"><label for="summary">${t.summary} <span class="req">${t.required}</span></label>${err('summary')}<textarea id="summary" name="summary" maxlength="2000" aria-required="true"${described('summary')}>${entered.summary}</textarea></div>
<div class="q${invalid('name')}" id="f-name"><label for="name">${t.name}</label>${err('name')}<input class="field" id="name" name="name" autocomplete="name" maxlength="100" value="${entered.name}"${described('name')}></div>
<div class="q${invalid('contact')}" id="f-contact"><label for="contact">${t.contact}</label>${err('contact')}<input class="field" id="contact" name="contact" autocomplete="tel" maxlength="200" value="${entered.contact}"${described('contact')}></div>
<div class="hp" aria-hidden="true"><label for="website">${t.website}</label><input id="website" name="website" tabindex="-1" autocomplete="off"></div>
<button type="submit">${t.submit}</button></form>`,
  );
}
