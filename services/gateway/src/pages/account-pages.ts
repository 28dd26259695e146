// The pages of a person's own account, for links that arrive by e-mail: /i/<token> accepts an invitation
// (a new person sets their password twice; an existing user just accepts) and /r/<token> sets a new
// password with a reset link. Like the survey and complaint pages they are clients of the public API
// (`memberInvitation`, `acceptMemberInvitationByToken`, `resetPassword`), plain HTML forms without
// script, in the visitor's language (Accept-Language: Chinese unless English). A used, expired, revoked
// or unknown link gets the one polite page.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { html, messagePage, page, pageLanguage, raw, sendPage, sendUnavailable, type PageLanguage, type Raw } from './html.ts';
import { acceptLanguage, apiClient, PAGE_TOKEN, type PageOptions, readForm } from './page-client.ts';

const LOOK = `query($token: String!) { memberInvitation(token: $token) { __typename
  ... on MemberInvitationLink { tenantName roles email hasAccount } ... on Error { code } } }`;
const ACCEPT = `mutation($input: AcceptMemberInvitationByTokenInput!) { acceptMemberInvitationByToken(input: $input) { __typename
  ... on AcceptMemberInvitationByTokenPayload { email }
  ... on ValidationError { fieldErrors { path message } }
  ... on Error { code message } } }`;
const RESET = `mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { __typename
  ... on ResetPasswordPayload { reset }
  ... on ValidationError { fieldErrors { path message } }
  ... on Error { code message } } }`;

/** The shortest password the API takes (user.service.ts NEW_PASSWORD): checked here first, per field, in the visitor's language. */
const MIN_PASSWORD = 10;

export const ACCOUNT_TEXTS = {
  'zh-Hans': {
    joinTitle: (tenant: string) => `加入「${tenant}」`,
    invited: '您受邀以下列角色加入：',
    asEmail: '登录邮箱：',
    newAccount: '请设置您的登录密码（至少 10 个字符）。',
    existingAccount: '此邮箱已有接待系统账号。接受邀请后，请用原密码登录。',
    password: '密码',
    confirm: '再次输入密码',
    create: '设置密码并加入',
    accept: '接受邀请',
    required: '（必填）',
    checkFields: '请检查以下内容',
    passwordMissing: '请设置密码。',
    passwordShort: '密码至少需要 10 个字符。',
    passwordLong: '密码过长。',
    confirmDiffers: '两次输入的密码不一致。',
    joinedTitle: '您已加入',
    joined: (tenant: string) => `您已成为「${tenant}」的成员。现在可以登录了。`,
    signInWith: '登录邮箱：',
    resetTitle: '设置新密码',
    resetIntro: '请输入新密码（至少 10 个字符）。设置后，所有已登录的设备都需要重新登录。',
    newPassword: '新密码',
    save: '保存新密码',
    resetDoneTitle: '密码已更新',
    resetDone: '新密码已设置。现在可以用新密码登录了。',
    roles: {
      TENANT_ADMIN: '管理员',
      COORDINATOR: '协调员',
      APPROVER: '审批人',
      STAFF: '工作人员',
      VIEWER: '查看者',
      PATIENT_DATA: '患者资料查看',
    } as Record<string, string>,
  },
  en: {
    joinTitle: (tenant: string) => `Join ${tenant}`,
    invited: 'You are invited with these roles:',
    asEmail: 'You sign in with: ',
    newAccount: 'Choose your password (at least 10 characters).',
    existingAccount: 'This e-mail already has a Jiedai account. Accept, then sign in with your password.',
    password: 'Password',
    confirm: 'Password again',
    create: 'Set password and join',
    accept: 'Accept the invitation',
    required: '(required)',
    checkFields: 'Please check these fields',
    passwordMissing: 'Choose a password.',
    passwordShort: 'The password needs at least 10 characters.',
    passwordLong: 'The password is too long.',
    confirmDiffers: 'The two passwords differ.',
    joinedTitle: 'You have joined',
    joined: (tenant: string) => `You are a member of ${tenant} now. You can sign in now.`,
    signInWith: 'Sign in with: ',
    resetTitle: 'Set a new password',
    resetIntro: 'Enter a new password (at least 10 characters). Every device signed in will need to sign in again.',
    newPassword: 'New password',
    save: 'Save the new password',
    resetDoneTitle: 'Your password is changed',
    resetDone: 'The new password is set. You can sign in with it now.',
    roles: {
      TENANT_ADMIN: 'Administrator',
      COORDINATOR: 'Coordinator',
      APPROVER: 'Approver',
      STAFF: 'Staff',
      VIEWER: 'Viewer',
      PATIENT_DATA: 'Patient data',
    } as Record<string, string>,
  },
} as const;

type Texts = (typeof ACCOUNT_TEXTS)[PageLanguage];
type Problems = Map<'password' | 'confirm', string>;

interface Invitation {
  tenantName: string;
  roles: string[];
  email: string;
  hasAccount: boolean;
}

/** Problems of the two password fields, in the visitor's language (the API checks again). */
function passwordProblems(t: Texts, password: string, confirm: string): Problems {
  const problems: Problems = new Map();
  if (password === '') problems.set('password', t.passwordMissing);
  else if (password.length < MIN_PASSWORD) problems.set('password', t.passwordShort);
  else if (password.length > 1024) problems.set('password', t.passwordLong);
  if (!problems.has('password') && confirm !== password) problems.set('confirm', t.confirmDiffers);
  return problems;
}

/** The two password fields, with their problems beside them (labels, aria-invalid, a summary linking to each). */
function passwordFields(t: Texts, problems: Problems, labels: { password: string; confirm: string }): Raw {
  const err = (field: 'password' | 'confirm') => (problems.has(field) ? html`<p class="err" id="err-${field}">${problems.get(field)}</p>` : raw(''));
  const invalid = (field: 'password' | 'confirm') => raw(problems.has(field) ? ' invalid' : '');
  const described = (field: 'password' | 'confirm') => raw(problems.has(field) ? ` aria-describedby="err-${field}" aria-invalid="true"` : '');
  const summary =
    problems.size === 0
      ? raw('')
      : html`<div class="summary" role="alert"><h2>${t.checkFields}</h2><ul>${[...problems].map(
          ([field, message]) => html`<li><a href="#${field}">${labels[field]}: ${message}</a></li>`,
        )}</ul></div>`;
  return html`${summary}
<div class="q${invalid('password')}" id="f-password"><label for="password">${labels.password} <span class="req">${t.required}</span></label>${err('password')}<input class="field" type="password" id="password" name="password" autocomplete="new-password" minlength="${MIN_PASSWORD}" maxlength="1024" aria-required="true"${described('password')}></div>
<div class="q${invalid('confirm')}" id="f-confirm"><label for="confirm">${labels.confirm} <span class="req">${t.required}</span></label>${err('confirm')}<input class="field" type="password" id="confirm" name="confirm" autocomplete="new-password" maxlength="1024" aria-required="true"${described('confirm')}></div>`;
}

function invitationForm(invitation: Invitation, language: PageLanguage, problems: Problems): string {
  const t = ACCOUNT_TEXTS[language];
  const title = t.joinTitle(invitation.tenantName);
  const roles = invitation.roles.map((r) => t.roles[r] ?? r).join(language === 'en' ? ', ' : '、');
  return page(
    language,
    title,
    html`<p class="org">${invitation.tenantName}</p><h1>${title}</h1><p>${t.invited} <strong>${roles}</strong></p><p>${t.asEmail}<strong>${invitation.email}</strong></p>
<form method="post" novalidate>${
      invitation.hasAccount
        ? html`<p>${t.existingAccount}</p><button type="submit">${t.accept}</button>`
        : html`<p>${t.newAccount}</p>${passwordFields(t, problems, { password: t.password, confirm: t.confirm })}<button type="submit">${t.create}</button>`
    }</form>`,
  );
}

/** The page's path and token, or null when the URL is not `/<letter>/<token>`. */
function tokenOf(req: IncomingMessage, letter: string): string | null {
  const match = new RegExp(`^/${letter}/([^/]+)/?$`).exec(new URL(req.url ?? '/', 'http://local').pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}

/** Handles /i/<token> (GET: the invitation; POST: accept it). Returns false for any other path. */
export async function handleInvitationPage(req: IncomingMessage, res: ServerResponse, options: PageOptions): Promise<boolean> {
  const token = tokenOf(req, 'i');
  if (token === null) return false;
  const language = pageLanguage(acceptLanguage(req));
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendPage(res, 405, messagePage(language, 'error'), { allow: 'GET, POST' });
    return true;
  }
  try {
    if (!PAGE_TOKEN.test(token)) return sendUnavailable(res, language);
    const api = apiClient(req, options.yoga);
    const found = (await api(LOOK, { token }))?.memberInvitation;
    if (found?.__typename !== 'MemberInvitationLink') return sendUnavailable(res, language);
    const invitation = found as Invitation;
    if (req.method === 'GET') {
      sendPage(res, 200, invitationForm(invitation, language, new Map()));
      return true;
    }
    const body = await readForm(req, options.maxBodyBytes);
    if (body === null) {
      sendPage(res, 413, messagePage(language, 'error'));
      return true;
    }
    const t = ACCOUNT_TEXTS[language];
    const password = body.get('password') ?? '';
    if (!invitation.hasAccount) {
      const problems = passwordProblems(t, password, body.get('confirm') ?? '');
      if (problems.size > 0) {
        sendPage(res, 422, invitationForm(invitation, language, problems));
        return true;
      }
    }
    const outcome = (await api(ACCEPT, { input: { token, password: invitation.hasAccount ? null : password } }))?.acceptMemberInvitationByToken;
    if (outcome?.__typename === 'AcceptMemberInvitationByTokenPayload') {
      sendPage(
        res,
        200,
        page(
          language,
          t.joinedTitle,
          html`<p class="org">${invitation.tenantName}</p><h1>${t.joinedTitle}</h1><p class="done">${t.joined(invitation.tenantName)}</p><p>${t.signInWith}<strong>${outcome.email}</strong></p>`,
        ),
      );
      return true;
    }
    if (outcome?.__typename === 'ValidationError') {
      sendPage(res, 422, invitationForm(invitation, language, new Map([['password', t.passwordShort]])));
      return true;
    }
    // The account's situation changed since the page was shown (PASSWORD_REQUIRED): show the form again.
    if (outcome?.code === 'PASSWORD_REQUIRED') {
      sendPage(res, 422, invitationForm({ ...invitation, hasAccount: false }, language, new Map([['password', t.passwordMissing]])));
      return true;
    }
    return sendUnavailable(res, language);
  } catch {
    sendPage(res, 500, messagePage(language, 'error'));
    return true;
  }
}

function resetForm(language: PageLanguage, problems: Problems): string {
  const t = ACCOUNT_TEXTS[language];
  return page(
    language,
    t.resetTitle,
    html`<h1>${t.resetTitle}</h1><p>${t.resetIntro}</p><form method="post" novalidate>${passwordFields(t, problems, {
      password: t.newPassword,
      confirm: t.confirm,
    })}<button type="submit">${t.save}</button></form>`,
  );
}

/**
 * Handles /r/<token> (GET: the form; POST: set the password). A reset token cannot be looked at without
 * using it, so the form is shown for any token of the right shape; a used, expired or unknown one gets the
 * polite page when submitted.
 */
export async function handleResetPage(req: IncomingMessage, res: ServerResponse, options: PageOptions): Promise<boolean> {
  const token = tokenOf(req, 'r');
  if (token === null) return false;
  const language = pageLanguage(acceptLanguage(req));
  if (req.method !== 'GET' && req.method !== 'POST') {
    sendPage(res, 405, messagePage(language, 'error'), { allow: 'GET, POST' });
    return true;
  }
  try {
    if (!PAGE_TOKEN.test(token) || !token.startsWith('jdr_')) return sendUnavailable(res, language);
    if (req.method === 'GET') {
      sendPage(res, 200, resetForm(language, new Map()));
      return true;
    }
    const body = await readForm(req, options.maxBodyBytes);
    if (body === null) {
      sendPage(res, 413, messagePage(language, 'error'));
      return true;
    }
    const t = ACCOUNT_TEXTS[language];
    const password = body.get('password') ?? '';
    const problems = passwordProblems(t, password, body.get('confirm') ?? '');
    if (problems.size > 0) {
      sendPage(res, 422, resetForm(language, problems));
      return true;
    }
    const outcome = (await apiClient(req, options.yoga)(RESET, { input: { token, newPassword: password } }))?.resetPassword;
    if (outcome?.__typename === 'ResetPasswordPayload') {
      sendPage(res, 200, page(language, t.resetDoneTitle, html`<h1>${t.resetDoneTitle}</h1><p class="done">${t.resetDone}</p>`));
      return true;
    }
    if (outcome?.__typename === 'ValidationError') {
      sendPage(res, 422, resetForm(language, new Map([['password', t.passwordShort]])));
      return true;
    }
    return sendUnavailable(res, language);
  } catch {
    sendPage(res, 500, messagePage(language, 'error'));
    return true;
  }
}
