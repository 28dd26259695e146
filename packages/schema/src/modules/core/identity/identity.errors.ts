import { domainError } from '../../../shared/errors.ts';

export const SIGN_IN_ERROR_CODES = ['INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS'] as const;
export type SignInErrorCode = (typeof SIGN_IN_ERROR_CODES)[number];

/** The same INVALID_CREDENTIALS for an unknown e-mail and a wrong password. */
export class SignInError extends domainError('SignInError', SIGN_IN_ERROR_CODES, 'Sign-in refused. Unknown e-mail and wrong password look the same.', {
  'zh-Hans': { INVALID_CREDENTIALS: '电子邮箱或密码不正确。', TOO_MANY_ATTEMPTS: '登录失败次数过多，请稍后再试。' },
  en: { INVALID_CREDENTIALS: 'Wrong e-mail or password.', TOO_MANY_ATTEMPTS: 'Too many failed sign-ins: try again later.' },
}) {
  constructor(
    code: SignInErrorCode,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(code, message);
  }
}

export const IDENTITY_ERROR_CODES = ['NOT_FOUND', 'ALREADY_MEMBER', 'LAST_ADMIN', 'INVALID_REFERENCE'] as const;
export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number];
export const IdentityError = domainError('IdentityError', IDENTITY_ERROR_CODES, 'A membership change was refused.', {
  'zh-Hans': { ALREADY_MEMBER: '此人已是本租户成员。', LAST_ADMIN: '不能移除最后一位租户管理员。' },
  en: { ALREADY_MEMBER: 'This person is a member already.', LAST_ADMIN: 'The last tenant admin cannot be removed.' },
});
export type IdentityError = InstanceType<typeof IdentityError>;

export const ACCOUNT_ERROR_CODES = ['WRONG_PASSWORD', 'INVALID_TOKEN', 'TOO_MANY_ATTEMPTS', 'NOT_SIGNED_IN'] as const;
export type AccountErrorCode = (typeof ACCOUNT_ERROR_CODES)[number];
/** A change to one's own account was refused: a wrong current password, an unusable reset token (used, expired or unknown alike). */
export const AccountError = domainError('AccountError', ACCOUNT_ERROR_CODES, "A change to the caller's own account was refused; nothing was changed.", {
  'zh-Hans': {
    WRONG_PASSWORD: '当前密码不正确。',
    INVALID_TOKEN: '此重置链接无效（可能已过期或已使用）。',
    TOO_MANY_ATTEMPTS: '尝试次数过多，请稍后再试。',
    NOT_SIGNED_IN: '请先登录。',
  },
  en: {
    WRONG_PASSWORD: 'The current password is wrong.',
    INVALID_TOKEN: 'This reset link is not valid (it may have expired or been used already).',
    TOO_MANY_ATTEMPTS: 'Too many attempts: try again later.',
    NOT_SIGNED_IN: 'Sign in first.',
  },
});
export type AccountError = InstanceType<typeof AccountError>;

export const INVITATION_ERROR_CODES = ['INVALID_TOKEN', 'PASSWORD_REQUIRED'] as const;
export type InvitationErrorCode = (typeof INVITATION_ERROR_CODES)[number];
/** An invitation link was refused: INVALID_TOKEN alike for used, expired, revoked and unknown links; PASSWORD_REQUIRED for a new person. */
export const InvitationError = domainError(
  'InvitationError',
  INVITATION_ERROR_CODES,
  'An invitation link was refused; nothing was changed. Used, expired, revoked and unknown links look the same.',
  {
    'zh-Hans': { INVALID_TOKEN: '此邀请链接无效（可能已过期、已撤销或已使用）。', PASSWORD_REQUIRED: '请设置密码以创建账户。' },
    en: {
      INVALID_TOKEN: 'This invitation link is not valid (it may have expired, been revoked or used already).',
      PASSWORD_REQUIRED: 'Choose a password to create your account.',
    },
  },
);
export type InvitationError = InstanceType<typeof InvitationError>;
