// Invitations and campaigns: each invitation targets one respondent (a visit guest, a hotel guest, a
// discharged patient, or anyone named) and carries a personal token, returned once to the caller
// (who prints it into the letter or message) and stored only as its SHA-256. A campaign is a batch of
// invitations from a list; the hospital's discharge follow-up campaign is built per month from the
// records office's list of discharged patients (CSV or the API), and a reminder re-issues the link of
// everyone who has not answered. Nothing here logs or audits a name or a contact.
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { Db, SurveyInvitation, SurveyVersion } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { isoDate, isoMonth } from '../../../shared/dates.ts';
import { isUniqueViolation, parseInput, ValidationError, type FieldIssue } from '../../../shared/errors.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { FeedbackError } from './feedback.errors.ts';
import { newSurveyToken } from './survey-token.ts';
import { currentPublishedVersion } from './survey.service.ts';

export const RESPONDENT_KINDS = ['VISIT_GUEST', 'HOTEL_GUEST', 'DISCHARGED_PATIENT', 'OTHER'] as const;
export const CAMPAIGN_KINDS = ['GENERAL', 'DISCHARGE_FOLLOW_UP'] as const;
export const DEFAULT_EXPIRY_DAYS = 30;
const DAY_MS = 86_400_000;

/** An invitation with its token: the only moment the token exists outside the respondent's hands. */
export interface IssuedInvitation {
  invitation: SurveyInvitation;
  token: string;
}

/** The survey, open for invitations, and the version they will answer. */
async function invitable(db: Db, surveyId: string): Promise<{ surveyId: string; version: SurveyVersion }> {
  const survey = await db.survey.findUnique({ where: { id: surveyId }, select: { id: true, status: true } });
  if (!survey) throw new FeedbackError('NOT_FOUND', 'No such survey');
  if (survey.status === 'CLOSED') throw new FeedbackError('SURVEY_CLOSED', 'A closed survey invites nobody');
  const version = await currentPublishedVersion({ db }, survey.id);
  if (!version) throw new FeedbackError('NOT_PUBLISHED', 'Publish the survey before inviting respondents');
  return { surveyId: survey.id, version };
}

interface NewInvitation {
  respondentKind: (typeof RESPONDENT_KINDS)[number];
  respondentName?: string | null;
  respondentContact?: string | null;
  visitId?: string | null;
  visitGuestId?: string | null;
  dischargedPatientId?: string | null;
}

async function issue(
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

const expiresIn = z.number().int().min(1).max(365);

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
  for (const who of respondents) issued.push(await issue(deps, target, who));
  await recordAudit(deps, {
    action: 'survey_campaign.created',
    targetType: 'SurveyCampaign',
    targetId: campaign.id,
    data: { surveyId, version: version.number, invitations: issued.length },
  });
  return { campaign, issued };
}

// ── the hospital's monthly discharge follow-up (以信函形式进行回访出院病人) ──────────────────────────

const patientInput = z.object({
  medicalRecordNo: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  contact: z.string().trim().min(1).max(500),
  department: z.string().trim().max(200).nullish(),
  dischargedOn: z.string().trim().pipe(isoDate),
});
export type DischargedPatientInput = z.input<typeof patientInput>;

const dischargeInput = z
  .object({
    surveyId: z.string().uuid(),
    month: isoMonth,
    patients: z.array(z.unknown()).max(5000).nullish(),
    csv: z.string().max(2_000_000).nullish(),
    expiresInDays: expiresIn.nullish(),
  })
  .refine((d) => (d.patients?.length ?? 0) > 0 || (d.csv?.trim().length ?? 0) > 0, { path: ['patients'], message: 'give the patients or a CSV list' });

/** Column names of the records office's CSV, in Chinese or English. */
const CSV_COLUMNS: Record<string, keyof DischargedPatientInput> = {
  住院号: 'medicalRecordNo', 病案号: 'medicalRecordNo', medical_record_no: 'medicalRecordNo', medicalrecordno: 'medicalRecordNo',
  姓名: 'name', name: 'name',
  联系方式: 'contact', 通信地址: 'contact', 地址: 'contact', 电话: 'contact', contact: 'contact',
  科室: 'department', department: 'department',
  出院日期: 'dischargedOn', discharged_on: 'dischargedOn', dischargedon: 'dischargedOn',
};

/**
 * Parses the CSV (header row; UTF-8, BOM allowed) into patient rows. Unknown columns are ignored;
 * a row's problems are reported by row number (the header is row 1), never with the row's values.
 */
export function parseDischargeCsv(csv: string): { rows: unknown[]; issues: FieldIssue[] } {
  let records: Record<string, string>[];
  try {
    records = parseCsv(csv, { columns: (header: string[]) => header.map((h) => CSV_COLUMNS[h.trim().toLowerCase()] ?? CSV_COLUMNS[h.trim()] ?? `_${h}`), bom: true, trim: true, skip_empty_lines: true, relax_column_count: false });
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return { rows: [], issues: [{ path: ['csv'], message: `not a valid CSV${line ? ` (near line ${line})` : ''}` }] };
  }
  const issues: FieldIssue[] = [];
  if (records.length > 0) {
    const present = new Set(Object.keys(records[0]!));
    for (const needed of ['medicalRecordNo', 'name', 'contact', 'dischargedOn']) {
      if (!present.has(needed)) issues.push({ path: ['csv'], message: `missing column ${needed} (住院号, 姓名, 联系方式, 出院日期)` });
    }
  }
  const rows = records.map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k, v]) => !k.startsWith('_') && !(k === 'department' && v === ''))),
  );
  return { rows, issues };
}

export async function createDischargeFollowUpCampaign(
  deps: ServiceDeps,
  input: { surveyId: string; month: string; patients?: DischargedPatientInput[] | null; csv?: string | null; expiresInDays?: number | null },
) {
  const data = parseInput(dischargeInput, input);
  // Every row is checked before anything is written; an issue names the row, never its values.
  const fromCsv = data.csv ? parseDischargeCsv(data.csv) : { rows: [], issues: [] };
  const issues: FieldIssue[] = [...fromCsv.issues];
  const patients: z.output<typeof patientInput>[] = [];
  const rows: { path: string[]; value: unknown }[] = [
    ...(data.patients ?? []).map((value, i) => ({ path: ['patients', String(i)], value })),
    ...fromCsv.rows.map((value, i) => ({ path: ['csv', `row ${i + 2}`], value })),
  ];
  for (const row of rows) {
    const parsed = patientInput.safeParse(row.value);
    if (!parsed.success) {
      for (const e of parsed.error.issues) issues.push({ path: [...row.path, ...e.path.map(String)], message: e.message });
    } else if (!parsed.data.dischargedOn.startsWith(data.month)) {
      issues.push({ path: [...row.path, 'dischargedOn'], message: `not discharged in ${data.month}` });
    } else {
      patients.push(parsed.data);
    }
  }
  if (issues.length > 0) throw new ValidationError(issues);

  const { surveyId, version } = await invitable(deps.db, data.surveyId);
  const tenantId = deps.access.tenantId!;
  const month = new Date(`${data.month}-01T00:00:00Z`);
  const expiresInDays = data.expiresInDays ?? DEFAULT_EXPIRY_DAYS;
  const [year, m] = data.month.split('-').map(Number);
  // One campaign per survey and month: importing again (a late list, corrections) adds to it.
  let campaign = await deps.db.surveyCampaign.findUnique({ where: { surveyId_month: { surveyId, month } } });
  campaign ??= await deps.db.surveyCampaign
    .create({
      data: { tenantId, surveyId, kind: 'DISCHARGE_FOLLOW_UP', name: `${year}年${m}月出院患者回访`, month, expiresInDays, createdById: deps.access.userId },
    })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new FeedbackError('NAME_TAKEN', 'This survey has a campaign of that name');
      throw error;
    });

  // The same patient listed again (same record number and discharge date) is updated, not duplicated;
  // a patient already invited in this campaign is not invited twice.
  const ids = new Set<string>();
  for (const p of patients) {
    const dischargedOn = new Date(`${p.dischargedOn}T00:00:00Z`);
    const fields = { name: p.name, contact: p.contact, department: p.department ?? null };
    const patient = await deps.db.dischargedPatient.upsert({
      where: { tenantId_medicalRecordNo_dischargedOn: { tenantId, medicalRecordNo: p.medicalRecordNo, dischargedOn } },
      create: { tenantId, medicalRecordNo: p.medicalRecordNo, dischargedOn, createdById: deps.access.userId, ...fields },
      update: fields,
      select: { id: true },
    });
    ids.add(patient.id);
  }
  const invited = new Set(
    (await deps.db.surveyInvitation.findMany({ where: { campaignId: campaign.id, dischargedPatientId: { in: [...ids] } }, select: { dischargedPatientId: true } })).map(
      (i) => i.dischargedPatientId,
    ),
  );
  const days = data.expiresInDays ?? campaign.expiresInDays;
  const target = { surveyId, versionId: version.id, campaignId: campaign.id, expiresAt: new Date(Date.now() + days * DAY_MS) };
  const issued: IssuedInvitation[] = [];
  for (const id of ids) {
    if (!invited.has(id)) issued.push(await issue(deps, target, { respondentKind: 'DISCHARGED_PATIENT', dischargedPatientId: id }));
  }
  await recordAudit(deps, {
    action: 'survey_campaign.discharge_list_imported',
    targetType: 'SurveyCampaign',
    targetId: campaign.id,
    data: { surveyId, month: data.month, patients: ids.size, invited: issued.length },
  });
  return { campaign, issued, patients: ids.size };
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
