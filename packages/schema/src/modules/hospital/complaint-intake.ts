// Public complaint intake in GraphQL: the links of service points (coordinators make and revoke them;
// the code is shown once), and the two public fields a patient's phone calls with the code, in the
// public schema (no account) and the hospital's.
import { builder, type SubGraph } from '../../builder.ts';
import { serviceDeps } from '../../context.ts';
import { errorTypes } from '../../shared/graphql-errors.ts';
import { mutationField } from '../../shared/mutation.ts';
import { hashLinkToken } from '../../shared/public-links.ts';
import { ComplaintError } from './complaint.errors.ts';
import { ComplaintCategoryEnum, ComplaintKindEnum } from './complaint.ts';
import {
  complaintIntakeForm,
  createComplaintIntakeLink,
  parseComplaintCode,
  revokeComplaintIntakeLink,
  submitPublicComplaint,
  type IntakeForm,
  type PublicReceipt,
} from './complaint-intake.service.ts';
import { HOSPITAL, ServicePointRef } from './service-point.ts';

/** The public fields are in the public schema (patients, no account) and the hospital's (a desk's tablet). */
const PUBLIC: SubGraph[] = ['public', 'hospital'];

export const ComplaintIntakeLinkRef = builder.prismaNode('ComplaintIntakeLink', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOSPITAL,
  authScopes: { role: 'STAFF' },
  description: "A service point's public complaint link (its code printed as a QR code). The code itself is shown only when the link is made.",
  fields: (t) => ({
    label: t.exposeString('label'),
    servicePoint: t.relation('servicePoint'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    complaintCount: t.relationCount('complaints'),
  }),
});

const IntakeFormRef = builder.objectRef<IntakeForm>('ComplaintIntakeForm').implement({
  subGraphs: PUBLIC,
  description: 'What the public complaint form shows for a code.',
  fields: (t) => ({
    organizationName: t.exposeString('organizationName'),
    servicePointName: t.exposeString('servicePointName'),
    categories: t.field({ type: [ComplaintCategoryEnum], resolve: (f) => f.categories }),
  }),
});

const ReceiptRef = builder.objectRef<PublicReceipt>('SubmitPublicComplaintPayload').implement({
  subGraphs: PUBLIC,
  description: 'Thank you: the complaint is received. Quote the reference when calling.',
  fields: (t) => ({
    reference: t.exposeString('reference'),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
  }),
});

const CreatedLinkRef = builder.objectRef<{ link: { id: string }; code: string }>('CreateComplaintIntakeLinkPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    link: t.field({ type: ComplaintIntakeLinkRef, resolve: (p) => p.link as never }),
    code: t.exposeString('code', { description: 'The code for the QR poster: shown this once (only its hash is kept).' }),
  }),
});
const LinkPayload = builder.objectRef<{ link: { id: string } }>('ComplaintIntakeLinkPayload').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({ link: t.field({ type: ComplaintIntakeLinkRef, resolve: (p) => p.link as never }) }),
});

builder.queryFields((t) => ({
  complaintIntake: t.field({
    type: IntakeFormRef,
    subGraphs: PUBLIC,
    description: "The complaint form of a service point's public link. No account needed: the code is the permission.",
    args: { code: t.arg.string({ required: true }) },
    errors: { types: errorTypes(PUBLIC, ComplaintError), directResult: true, union: { name: 'ComplaintIntakeResult' } },
    resolve: (_root, args, ctx) => complaintIntakeForm(serviceDeps(ctx), args.code),
  }),
  complaintIntakeLinks: t.prismaField({
    type: ['ComplaintIntakeLink'],
    subGraphs: HOSPITAL,
    authScopes: { role: 'STAFF' },
    args: { servicePointId: t.arg.globalID({ required: false, for: [ServicePointRef] }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.complaintIntakeLink.findMany({
        ...query,
        where: args.servicePointId ? { servicePointId: args.servicePointId.id } : {},
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        take: 500,
      }),
  }),
}));

mutationField({
  name: 'submitPublicComplaint',
  subGraphs: PUBLIC,
  payload: ReceiptRef,
  description:
    "A patient's or family's complaint or suggestion through a service point's public link (QR code), without an account. " +
    'Limited per link and per client address (RATE_LIMITED); `website` must stay empty (it is hidden from people).',
  errors: [ComplaintError],
  input: (t) => ({
    code: t.string({ required: true, description: 'The code of the link (from the QR code).' }),
    kind: t.field({ type: ComplaintKindEnum, required: false }),
    category: t.field({ type: ComplaintCategoryEnum, required: true }),
    summary: t.string({ required: true, description: 'What happened (5 to 2,000 characters).' }),
    complainantName: t.string({ required: false }),
    complainantContact: t.string({ required: false, description: 'Phone or e-mail, for the response.' }),
    website: t.string({ required: false, description: 'Leave empty.' }),
  }),
  run: async (deps, input, ctx) => {
    // Counted before anything else, valid code or not (keys: the code's hash, never the code).
    const tokenHash = parseComplaintCode(input.code)?.tokenHash ?? hashLinkToken(input.code);
    const wait = await ctx.services.publicLinks.attempt('complaint', tokenHash, ctx.clientAddress);
    if (wait > 0) throw new ComplaintError('RATE_LIMITED', `Too many complaints from here: try again in ${wait} seconds`);
    return submitPublicComplaint(deps, { ...input, kind: input.kind ?? undefined });
  },
});

mutationField({
  name: 'createComplaintIntakeLink',
  subGraphs: HOSPITAL,
  payload: CreatedLinkRef,
  authScopes: { role: 'COORDINATOR' },
  description: "Makes a service point's public complaint link; its code (for the QR poster) is returned this once.",
  errors: [ComplaintError],
  input: (t) => ({
    servicePointId: t.globalID({ required: true, for: [ServicePointRef] }),
    label: t.string({ required: false }),
  }),
  idempotency: { once: { id: (p) => p.link.id, typename: 'ComplaintIntakeLink' } },
  run: (deps, input) => createComplaintIntakeLink(deps, { servicePointId: input.servicePointId.id, label: input.label }),
});

mutationField({
  name: 'revokeComplaintIntakeLink',
  subGraphs: HOSPITAL,
  payload: LinkPayload,
  authScopes: { role: 'COORDINATOR' },
  description: 'Stops a public complaint link at once (its complaints stay).',
  errors: [ComplaintError],
  input: (t) => ({ id: t.globalID({ required: true, for: [ComplaintIntakeLinkRef] }) }),
  run: async (deps, input) => ({ link: await revokeComplaintIntakeLink(deps, input.id.id) }),
});
