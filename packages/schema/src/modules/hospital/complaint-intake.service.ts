// Public complaint intake (投诉与建议, by patients and families themselves): each service point can have
// a link whose code is printed as a QR code (`jdc_<tenant>_<secret>`, only its SHA-256 stored, shown
// once). Whoever holds the code may read the form and submit a complaint, without an account: the
// gateway sets the code's tenant (shared/public-links.ts) and this finds the code under RLS there.
// Spam-safe: size limits, a honeypot field (filled in by bots: answered like a success, nothing
// stored), the same text through the same link within minutes counted once, and rate limits per link
// and per client address (in the resolver, before anything else).
import { z } from 'zod';
import type { ServiceDeps } from '../../context.ts';
import { isForeignKeyViolation, parseInput } from '../../shared/errors.ts';
import { hashLinkToken, newLinkToken, parseLinkToken, registerPublicLinkKind } from '../../shared/public-links.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { ComplaintError } from './complaint.errors.ts';
import { COMPLAINT_CATEGORIES } from './complaint.rules.ts';
import { insertComplaint } from './complaint.service.ts';

export const COMPLAINT_CODE_PREFIX = 'jdc_';
export const PUBLIC_COMPLAINT_FIELDS = ['complaintIntake', 'submitPublicComplaint'] as const;
export const parseComplaintCode = (code: unknown) => parseLinkToken(COMPLAINT_CODE_PREFIX, code);
registerPublicLinkKind({ name: 'complaint', fields: PUBLIC_COMPLAINT_FIELDS, parse: parseComplaintCode });

/** The same text through the same link within this many minutes is one complaint (a double tap, a resend). */
export const DUPLICATE_WINDOW_MINUTES = 10;

const linkInput = z.object({ servicePointId: z.string().uuid(), label: z.string().trim().min(1).max(200).nullish() });

/** A new public link for a service point; its code is returned this once. */
export async function createComplaintIntakeLink(deps: ServiceDeps, input: z.input<typeof linkInput>) {
  const data = parseInput(linkInput, input);
  const point = await deps.db.servicePoint.findUnique({ where: { id: data.servicePointId }, select: { id: true, name: true } });
  if (!point) throw new ComplaintError('INVALID_REFERENCE', 'No such service point');
  const { token, tokenHash } = newLinkToken(COMPLAINT_CODE_PREFIX, deps.access.tenantId!);
  const link = await deps.db.complaintIntakeLink
    .create({
      data: {
        tenantId: deps.access.tenantId!,
        servicePointId: point.id,
        label: data.label ?? `${point.name} 投诉与建议`,
        codeHash: tokenHash,
        createdById: deps.access.userId,
      },
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new ComplaintError('INVALID_REFERENCE', 'No such service point');
      throw error;
    });
  await recordAudit(deps, {
    action: 'complaint_intake_link.created',
    targetType: 'ComplaintIntakeLink',
    targetId: link.id,
    data: { servicePointId: point.id },
  });
  return { link, code: token };
}

export async function revokeComplaintIntakeLink(deps: ServiceDeps, id: string, now = new Date()) {
  const link = await deps.db.complaintIntakeLink.findUnique({ where: { id } });
  if (!link) throw new ComplaintError('NOT_FOUND', 'No such link');
  if (link.revokedAt) return link;
  const revoked = await deps.db.complaintIntakeLink.update({ where: { id }, data: { revokedAt: now } });
  await recordAudit(deps, { action: 'complaint_intake_link.revoked', targetType: 'ComplaintIntakeLink', targetId: id });
  return revoked;
}

/** The live link of a code, found by its hash in the acting tenant; INVALID_CODE for anything else. */
async function linkOf(deps: ServiceDeps, code: string) {
  const parsed = parseComplaintCode(code);
  const link =
    parsed && parsed.tenantId === deps.access.tenantId
      ? await deps.db.complaintIntakeLink.findUnique({ where: { codeHash: hashLinkToken(code) }, include: { servicePoint: true } })
      : null;
  if (!link || link.revokedAt) throw new ComplaintError('INVALID_CODE', 'This complaint link is not valid (any more)');
  return link;
}

export interface IntakeForm {
  organizationName: string;
  servicePointName: string;
  categories: (typeof COMPLAINT_CATEGORIES)[number][];
}

/** What the public form shows: who asks, where, and the categories to choose from. */
export async function complaintIntakeForm(deps: ServiceDeps, code: string): Promise<IntakeForm> {
  const link = await linkOf(deps, code);
  const tenant = await deps.db.tenant.findUniqueOrThrow({ where: { id: link.tenantId }, select: { name: true } });
  return { organizationName: tenant.name, servicePointName: link.servicePoint.name, categories: [...COMPLAINT_CATEGORIES] };
}

const publicInput = z.object({
  code: z.string().max(200),
  kind: z.enum(['COMPLAINT', 'SUGGESTION']).default('COMPLAINT'),
  category: z.enum(COMPLAINT_CATEGORIES),
  summary: z.string().trim().min(5).max(2000),
  complainantName: z.string().trim().min(1).max(100).nullish(),
  complainantContact: z.string().trim().min(1).max(200).nullish(),
  /** The honeypot: a field the form hides from people. */
  website: z.string().max(500).nullish(),
});
export type PublicComplaintInput = z.input<typeof publicInput>;

export interface PublicReceipt {
  reference: string;
  receivedAt: Date;
}

/** The reference a complainant quotes when calling back: the first 8 hex digits of the complaint's id. */
export const referenceOf = (id: string) => `TS-${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;

/** A complaint or suggestion submitted through a service point's public link. */
export async function submitPublicComplaint(deps: ServiceDeps, input: PublicComplaintInput, now = new Date()): Promise<PublicReceipt> {
  const link = await linkOf(deps, input.code);
  const data = parseInput(publicInput, input);
  // A bot filled in the hidden field: it is answered like anyone else, and nothing is kept.
  if (data.website?.trim()) return { reference: referenceOf(crypto.randomUUID()), receivedAt: now };
  const duplicate = await deps.db.complaint.findFirst({
    where: { intakeLinkId: link.id, summary: data.summary, receivedAt: { gte: new Date(now.getTime() - DUPLICATE_WINDOW_MINUTES * 60_000) } },
    select: { id: true, receivedAt: true },
  });
  if (duplicate) return { reference: referenceOf(duplicate.id), receivedAt: duplicate.receivedAt };
  const complaint = await insertComplaint(deps, {
    kind: data.kind,
    category: data.category,
    severity: 'MEDIUM',
    summary: data.summary,
    complainantName: data.complainantName,
    complainantContact: data.complainantContact,
    servicePointId: link.servicePointId,
    departmentId: link.servicePoint.departmentId,
    intakeLinkId: link.id,
    channel: 'PUBLIC_LINK',
    receivedAt: now,
  });
  return { reference: referenceOf(complaint.id), receivedAt: complaint.receivedAt };
}
