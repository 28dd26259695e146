// Invitations and campaigns: each invitation targets one respondent (a visit guest, a hotel guest, a
// discharged patient, or anyone named) and carries a personal token, returned once to the caller
// (who prints it into the letter or message) and stored only as its SHA-256. A campaign is a batch of
// invitations from a list, and a reminder re-issues the link of everyone who has not answered. Kinds
// build their own campaigns on `invitable` and `issueInvitation` (the hospital's monthly discharge
// follow-up: modules/hospital/discharge-follow-up.service.ts). Nothing here logs or audits a name or a contact.
import { z } from 'zod';
import type { Db, SurveyInvitation, SurveyVersion } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { isUniqueViolation, parseInput } from '../../../shared/errors.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { FeedbackError } from './feedback.errors.ts';
import { newSurveyToken } from './survey-token.ts';
import { currentPublishedVersion } from './survey.service.ts';

export const RESPONDENT_KINDS = ['VISIT_GUEST', 'HOTEL_GUEST', 'DISCHARGED_PATIENT', 'OTHER'] as const;
export const CAMPAIGN_KINDS = ['GENERAL', 'DISCHARGE_FOLLOW_UP'] as const;
export const DEFAULT_EXPIRY_DAYS = 30;
export const DAY_MS = 86_400_000;

/** An invitation with its token: the only moment the token exists outside the respondent's hands. */
export interface IssuedInvitation {
  invitation: SurveyInvitation;
  token: string;
}

/** The survey, open for invitations, and the version they will answer. */
export async function invitable(db: Db, surveyId: string): Promise<{ surveyId: string; version: SurveyVersion }> {
  const survey = await db.survey.findUnique({ where: { id: surveyId }, select: { id: true, status: true } });
  if (!survey) throw new FeedbackError('NOT_FOUND', 'No such survey');
  if (survey.status === 'CLOSED') throw new FeedbackError('SURVEY_CLOSED', 'A closed survey invites nobody');
  const version = await currentPublishedVersion({ db }, survey.id);
  if (!version) throw new FeedbackError('NOT_PUBLISHED', 'Publish the survey before inviting respondents');
  return { surveyId: survey.id, version };
}

export interface NewInvitation {
  respondentKind: (typeof RESPONDENT_KINDS)[number];
  respondentName?: string | null;
  respondentContact?: string | null;
  visitId?: string | null;
  visitGuestId?: string | null;
  dischargedPatientId?: string | null;
}

/** Issues one invitation (with its token) to the survey version of `target`. */
export async function issueInvitation(
  deps: ServiceDeps,
  target: { surveyId: string; versionId: string; campaignId: string | null; expiresAt: Date },
  who: NewInvitation,
): Promise<IssuedInvitation> {
  const tenantId = deps.access.tenantId!;
  const { token, tokenHash } = newSurveyToken(tenantId);
  const invitation = await deps.db.surveyInvitation.create({
    data: {
      tenantId,
      surveyId: target.surveyId,
      versionId: target.versionId,
      campaignId: target.campaignId,
      respondentKind: who.respondentKind,
      respondentName: who.respondentName ?? null,
      respondentContact: who.respondentContact ?? null,
      visitId: who.visitId ?? null,
      visitGuestId: who.visitGuestId ?? null,
      dischargedPatientId: who.dischargedPatientId ?? null,
      tokenHash,
      expiresAt: target.expiresAt,
      createdById: deps.access.userId,
    },
  });
  return { invitation, token };
}

/** How long invitation links work, in days. */
export const expiresIn = z.number().int().min(1).max(365);

// ── campaigns from a list (visit guests, hotel guests, anyone) ──────────────────────────────────

const respondentInput = z
  .object({
    kind: z.enum(['VISIT_GUEST', 'HOTEL_GUEST', 'OTHER']),
    name: z.string().trim().min(1).max(200).nullish(),
    contact: z.string().trim().max(500).nullish(),
    visitId: z.string().uuid().nullish(),
    visitGuestId: z.string().uuid().nullish(),
  })
  .refine((r) => r.name || r.visitGuestId, { path: ['name'], message: 'a name is needed (or a visit guest)' });

const campaignInput = z
  .object({
    surveyId: z.string().uuid(),
    name: z.string().trim().min(1).max(200),
    expiresInDays: expiresIn.nullish(),
    respondents: z.array(respondentInput).max(2000).nullish(),
    /** Invites every guest of this visit (after the visit: 接待后回访). */
    guestsOfVisitId: z.string().uuid().nullish(),
  })
  .refine((c) => (c.respondents?.length ?? 0) > 0 || c.guestsOfVisitId, {
    path: ['respondents'],
    message: 'list the respondents, or name a visit whose guests to invite',
  });
export type CampaignInput = z.input<typeof campaignInput>;

export async function createSurveyCampaign(deps: ServiceDeps, input: CampaignInput) {
  const data = parseInput(campaignInput, input);
  const { surveyId, version } = await invitable(deps.db, data.surveyId);
  const respondents: NewInvitation[] = [];
  if (data.guestsOfVisitId) {
    const visit = await deps.db.visit.findUnique({
      where: { id: data.guestsOfVisitId },
      select: { id: true, guests: { select: { id: true, name: true }, orderBy: [{ principalOrder: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }] } },
    });
    if (!visit) throw new FeedbackError('INVALID_REFERENCE', 'No such visit');
    for (const g of visit.guests) respondents.push({ respondentKind: 'VISIT_GUEST', respondentName: g.name, visitId: visit.id, visitGuestId: g.id });
  }
  for (const r of data.respondents ?? []) {
    let visitId = r.visitId ?? null;
    let name = r.name ?? null;
    if (r.visitGuestId) {
      const guest = await deps.db.visitGuest.findUnique({ where: { id: r.visitGuestId }, select: { visitId: true, name: true } });
      if (!guest || (visitId && guest.visitId !== visitId)) throw new FeedbackError('INVALID_REFERENCE', 'No such guest of that visit');
      visitId = guest.visitId;
      name ??= guest.name;
    } else if (visitId && !(await deps.db.visit.findUnique({ where: { id: visitId }, select: { id: true } }))) {
      throw new FeedbackError('INVALID_REFERENCE', 'No such visit');
    }
    respondents.push({ respondentKind: r.kind, respondentName: name, respondentContact: r.contact || null, visitId, visitGuestId: r.visitGuestId ?? null });
  }
  const expiresInDays = data.expiresInDays ?? DEFAULT_EXPIRY_DAYS;
  const campaign = await deps.db.surveyCampaign
    .create({ data: { tenantId: deps.access.tenantId!, surveyId, kind: 'GENERAL', name: data.name, expiresInDays, createdById: deps.access.userId } })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new FeedbackError('NAME_TAKEN', `This survey has a campaign named "${data.name}"`);
      throw error;
    });
  const target = { surveyId, versionId: version.id, campaignId: campaign.id, expiresAt: new Date(Date.now() + expiresInDays * DAY_MS) };
  const issued: IssuedInvitation[] = [];
  for (const who of respondents) issued.push(await issueInvitation(deps, target, who));
  await recordAudit(deps, {
    action: 'survey_campaign.created',
    targetType: 'SurveyCampaign',
    targetId: campaign.id,
    data: { surveyId, version: version.number, invitations: issued.length },
  });
  return { campaign, issued };
}

// ── reminders ───────────────────────────────────────────────────────────────────────────────────

/**
 * Reminds everyone in the campaign who has not answered: each gets a new link (the old token stops
 * working, since only hashes are kept and a reminder letter must carry a link), valid for the
 * campaign's period again. Returns the new tokens, once.
 */
export async function remindSurveyCampaign(deps: ServiceDeps, input: { campaignId: string; expiresInDays?: number | null }) {
  const expiresInDays = input.expiresInDays == null ? null : parseInput(expiresIn, input.expiresInDays);
  const campaign = await deps.db.surveyCampaign.findUnique({ where: { id: input.campaignId }, include: { survey: { select: { status: true } } } });
  if (!campaign) throw new FeedbackError('NOT_FOUND', 'No such campaign');
  if (campaign.survey.status === 'CLOSED') throw new FeedbackError('SURVEY_CLOSED', 'A closed survey sends no reminders');
  const pending = await deps.db.surveyInvitation.findMany({ where: { campaignId: campaign.id, respondedAt: null }, orderBy: { createdAt: 'asc' } });
  const now = new Date();
  const expiresAt = new Date(now.getTime() + (expiresInDays ?? campaign.expiresInDays) * DAY_MS);
  const issued: IssuedInvitation[] = [];
  for (const invitation of pending) {
    const { token, tokenHash } = newSurveyToken(campaign.tenantId);
    const updated = await deps.db.surveyInvitation.update({
      where: { id: invitation.id },
      data: { tokenHash, expiresAt, reminderCount: { increment: 1 }, lastRemindedAt: now },
    });
    issued.push({ invitation: updated, token });
  }
  await recordAudit(deps, { action: 'survey_campaign.reminded', targetType: 'SurveyCampaign', targetId: campaign.id, data: { reminded: issued.length } });
  return { campaign, issued };
}

/** An invitation's state, as the admin sees it. */
export function invitationStatus(i: Pick<SurveyInvitation, 'respondedAt' | 'expiresAt'>, now = new Date()) {
  if (i.respondedAt) return 'RESPONDED' as const;
  if (i.expiresAt <= now) return 'EXPIRED' as const;
  return 'PENDING' as const;
}
