import { domainError } from '../../../shared/errors.ts';

export const SIGN_IN_ERROR_CODES = ['INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS'] as const;
export type SignInErrorCode = (typeof SIGN_IN_ERROR_CODES)[number];

/** The same INVALID_CREDENTIALS for an unknown e-mail and a wrong password. */
export class SignInError extends domainError('SignInError', SIGN_IN_ERROR_CODES, 'Sign-in refused. Unknown e-mail and wrong password look the same.') {
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
export const IdentityError = domainError('IdentityError', IDENTITY_ERROR_CODES, 'A membership change was refused.');
export type IdentityError = InstanceType<typeof IdentityError>;
