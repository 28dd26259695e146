// A person's own account: changePassword, signOut, requestPasswordReset, resetPassword, and the
// viewer's security log.
import { ALL_GRAPHS, builder } from '../../../builder.ts';
import type { Context } from '../../../context.ts';
import { serviceDeps } from '../../../context.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { changePassword, requestPasswordReset, RESET_TTL_MINUTES, resetPassword, type SecurityEvent, securityEvents, signOut } from './account.service.ts';
import { AccountError } from './identity.errors.ts';

const accountDeps = (ctx: Context) => ({
  ...serviceDeps(ctx),
  passwords: ctx.services.passwords,
  tokens: ctx.services.tokens,
  guard: ctx.services.signInGuard,
  mail: ctx.services.mail,
  clientAddress: ctx.clientAddress,
  credential: ctx.credential,
  resetLinkBase: ctx.services.accountLinks?.resetLinkBase,
  origin: ctx.origin,
});

const ChangePasswordPayload = builder.objectRef<{ token: string }>('ChangePasswordPayload').implement({
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({
    token: t.exposeString('token', { description: 'A new access token for this client: every token issued before the change has stopped working.' }),
  }),
});
const SignOutPayload = builder.objectRef<{ everywhere: boolean }>('SignOutPayload').implement({
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({ everywhere: t.exposeBoolean('everywhere', { description: 'Whether every session of the account ended, or only this one.' }) }),
});
const RequestPasswordResetPayload = builder.objectRef<{ accepted: boolean }>('RequestPasswordResetPayload').implement({
  subGraphs: ALL_GRAPHS,
  description: `The same answer whether or not the e-mail has an account; if it has, a link valid for ${RESET_TTL_MINUTES} minutes is on its way.`,
  fields: (t) => ({ accepted: t.exposeBoolean('accepted') }),
});
const ResetPasswordPayload = builder.objectRef<{ reset: boolean }>('ResetPasswordPayload').implement({
  subGraphs: ALL_GRAPHS,
  description: 'The password is set; every session of the account has ended: sign in with the new password.',
  fields: (t) => ({ reset: t.exposeBoolean('reset') }),
});

mutationField({
  name: 'changePassword',
  description: "Changes the signed-in person's password (the current one is needed). Every token issued before stops working; the payload carries a new one.",
  subGraphs: ALL_GRAPHS,
  payload: ChangePasswordPayload,
  errors: [AccountError],
  input: (t) => ({ currentPassword: t.string({ required: true }), newPassword: t.string({ required: true, description: 'At least 10 characters.' }) }),
  run: (_deps, input, ctx) => changePassword(accountDeps(ctx), input),
});
mutationField({
  name: 'signOut',
  description: "Ends this session: the token stops working at once. With `everywhere`, every session of the signed-in person's account ends.",
  subGraphs: ALL_GRAPHS,
  payload: SignOutPayload,
  errors: [AccountError],
  input: (t) => ({ everywhere: t.boolean({ required: false }) }),
  run: (_deps, input, ctx) => signOut(accountDeps(ctx), input),
});
mutationField({
  name: 'requestPasswordReset',
  description: 'Sends a single-use password reset link to the e-mail, if it has an account (the answer does not say). Limited per e-mail and address.',
  subGraphs: ALL_GRAPHS,
  payload: RequestPasswordResetPayload,
  errors: [AccountError],
  input: (t) => ({ email: t.string({ required: true }) }),
  run: (_deps, input, ctx) => requestPasswordReset(accountDeps(ctx), input),
});
mutationField({
  name: 'resetPassword',
  description: 'Sets a new password with the token of a reset link (once, before it expires). Every session of the account ends.',
  subGraphs: ALL_GRAPHS,
  payload: ResetPasswordPayload,
  errors: [AccountError],
  input: (t) => ({ token: t.string({ required: true }), newPassword: t.string({ required: true, description: 'At least 10 characters.' }) }),
  run: (_deps, input, ctx) => resetPassword(accountDeps(ctx), input),
});

const UserSecurityActionEnum = builder.enumType('UserSecurityAction', {
  subGraphs: ALL_GRAPHS,
  values: ['PASSWORD_CHANGED', 'PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET', 'SIGNED_OUT', 'SIGNED_OUT_EVERYWHERE'] as const,
});
const UserSecurityEventRef = builder.objectRef<SecurityEvent>('UserSecurityEvent').implement({
  subGraphs: ALL_GRAPHS,
  description: "An entry of a person's own security log.",
  fields: (t) => ({
    action: t.field({ type: UserSecurityActionEnum, resolve: (e) => e.action as never }),
    at: t.expose('at', { type: 'DateTime' }),
    clientAddress: t.exposeString('clientAddress', { nullable: true }),
  }),
});

builder.prismaObjectField('User', 'securityEvents', (t) =>
  t.field({
    type: [UserSecurityEventRef],
    description: "The viewer's own security log: its 20 newest entries, newest first; empty for anyone else.",
    resolve: (user, _args, ctx) => (user.id === ctx.access.userId ? securityEvents(serviceDeps(ctx), 20) : []),
  }),
);
