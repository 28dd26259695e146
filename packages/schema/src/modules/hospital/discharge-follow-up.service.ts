// The hospital's monthly discharge follow-up (以信函形式进行回访出院病人): a campaign per survey and
// month, built from the records office's list of discharged patients (CSV or the API), on the
// feedback module's generic invitations. Patients are personal health data: PATIENT_DATA holders
// only (RLS below this code); nothing here logs or audits a name or a contact.
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { ServiceDeps } from '../../context.ts';
import { isoDate, isoMonth } from '../../shared/dates.ts';
import { isUniqueViolation, parseInput, ValidationError, type FieldIssue } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { FeedbackError } from '../shared/feedback/feedback.errors.ts';
import { DAY_MS, DEFAULT_EXPIRY_DAYS, expiresIn, invitable, issueInvitation, type IssuedInvitation } from '../shared/feedback/survey-invitation.service.ts';

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
  住院号: 'medicalRecordNo',
  病案号: 'medicalRecordNo',
  medical_record_no: 'medicalRecordNo',
  medicalrecordno: 'medicalRecordNo',
  姓名: 'name',
  name: 'name',
  联系方式: 'contact',
  通信地址: 'contact',
  地址: 'contact',
  电话: 'contact',
  contact: 'contact',
  科室: 'department',
  department: 'department',
  出院日期: 'dischargedOn',
  discharged_on: 'dischargedOn',
  dischargedon: 'dischargedOn',
};

/**
 * Parses the CSV (header row; UTF-8, BOM allowed) into patient rows. Unknown columns are ignored;
 * a row's problems are reported by row number (the header is row 1), never with the row's values.
 */
export function parseDischargeCsv(csv: string): { rows: unknown[]; issues: FieldIssue[] } {
  let records: Record<string, string>[];
  try {
    records = parseCsv(csv, {
      columns: (header: string[]) => header.map((h) => CSV_COLUMNS[h.trim().toLowerCase()] ?? CSV_COLUMNS[h.trim()] ?? `_${h}`),
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: false,
    });
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
  const rows = records.map((r) => Object.fromEntries(Object.entries(r).filter(([k, v]) => !k.startsWith('_') && !(k === 'department' && v === ''))));
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
    (
      await deps.db.surveyInvitation.findMany({
        where: { campaignId: campaign.id, dischargedPatientId: { in: [...ids] } },
        select: { dischargedPatientId: true },
      })
    ).map((i) => i.dischargedPatientId),
  );
  const days = data.expiresInDays ?? campaign.expiresInDays;
  const target = { surveyId, versionId: version.id, campaignId: campaign.id, expiresAt: new Date(Date.now() + days * DAY_MS) };
  const issued: IssuedInvitation[] = [];
  for (const id of ids) {
    if (!invited.has(id)) issued.push(await issueInvitation(deps, target, { respondentKind: 'DISCHARGED_PATIENT', dischargedPatientId: id }));
  }
  await recordAudit(deps, {
    action: 'survey_campaign.discharge_list_imported',
    targetType: 'SurveyCampaign',
    targetId: campaign.id,
    data: { surveyId, month: data.month, patients: ids.size, invited: issued.length },
  });
  return { campaign, issued, patients: ids.size };
}
