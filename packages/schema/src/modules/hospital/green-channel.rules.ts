// The emergency green channel's rules as pure functions: when the deferred paperwork is due, the
// door-to-treatment time, and the statistics (door-to-treatment, paperwork completed on time).
import type { GreenChannelPaperworkKind } from '@jiedai/db';
import { bilingual } from '../../shared/template-texts.ts';

export const PAPERWORK_KINDS = ['REGISTRATION', 'CONSENT', 'PAYMENT'] as const satisfies readonly GreenChannelPaperworkKind[];

/** How long after arrival each piece of deferred paperwork (先抢救, 后补办手续) is due, in hours, unless the
 * tenant set its own (setGreenChannelPaperworkDeadlines). */
export const DEFAULT_PAPERWORK_HOURS: Readonly<Record<GreenChannelPaperworkKind, number>> = {
  REGISTRATION: 2,
  CONSENT: 6,
  PAYMENT: 48,
};
/** A tenant's deadline for a kind of paperwork: 1 hour to 30 days after arrival. */
export const MAX_PAPERWORK_HOURS = 720;

export interface PaperworkDeadline {
  kind: GreenChannelPaperworkKind;
  hours: number;
}

/** The effective policy: the tenant's rows over the defaults, one entry per kind (in PAPERWORK_KINDS order). */
export function effectivePaperworkPolicy(rows: readonly PaperworkDeadline[]): PaperworkDeadline[] {
  return PAPERWORK_KINDS.map((kind) => rows.find((r) => r.kind === kind) ?? { kind, hours: DEFAULT_PAPERWORK_HOURS[kind] });
}

/** The titles of the deferred paperwork's tasks (stored in zh-Hans, read in the request's language). */
export const PAPERWORK_TITLES: Readonly<Record<GreenChannelPaperworkKind, string>> = {
  REGISTRATION: bilingual('补办挂号', 'Deferred registration'),
  CONSENT: bilingual('补签知情同意书', 'Deferred consent form'),
  PAYMENT: bilingual('补缴费用', 'Deferred payment'),
};

export function paperworkDueAt(arrivedAt: Date, kind: GreenChannelPaperworkKind, policy: readonly PaperworkDeadline[] = []): Date {
  const hours = policy.find((p) => p.kind === kind)?.hours ?? DEFAULT_PAPERWORK_HOURS[kind];
  return new Date(arrivedAt.getTime() + hours * 3_600_000);
}

/** Minutes from the door to the start of treatment (rounded to a tenth); null before treatment. */
export function doorToTreatmentMinutes(c: { arrivedAt: Date; treatmentStartedAt: Date | null }): number | null {
  if (!c.treatmentStartedAt) return null;
  return Math.round((c.treatmentStartedAt.getTime() - c.arrivedAt.getTime()) / 6_000) / 10;
}

export interface PaperworkRow {
  dueAt: Date;
  completedAt: Date | null;
  done: boolean;
}

export type PaperworkState = 'ON_TIME' | 'LATE' | 'OPEN' | 'OVERDUE';

export function paperworkState(p: PaperworkRow, now: Date): PaperworkState {
  if (p.done && p.completedAt) return p.completedAt.getTime() <= p.dueAt.getTime() ? 'ON_TIME' : 'LATE';
  return now.getTime() > p.dueAt.getTime() ? 'OVERDUE' : 'OPEN';
}

export interface CaseRow {
  arrivedAt: Date;
  treatmentStartedAt: Date | null;
  triageLevel: number;
  paperwork: PaperworkRow[];
}

export interface GreenChannelStatistics {
  cases: number;
  treated: number;
  /** Mean and median minutes from the door to treatment, of the treated cases; null when none. */
  averageDoorToTreatmentMinutes: number | null;
  medianDoorToTreatmentMinutes: number | null;
  paperwork: { total: number; onTime: number; late: number; open: number; overdue: number };
  /** Paperwork completed on time, of the paperwork that is due or done (0–1); null when none is. */
  paperworkOnTimeRate: number | null;
}

export function greenChannelStatistics(cases: readonly CaseRow[], now: Date): GreenChannelStatistics {
  const minutes = cases
    .map(doorToTreatmentMinutes)
    .filter((m): m is number => m !== null)
    .sort((a, b) => a - b);
  const paperwork = { total: 0, onTime: 0, late: 0, open: 0, overdue: 0 };
  for (const c of cases) {
    for (const p of c.paperwork) {
      paperwork.total += 1;
      const state = paperworkState(p, now);
      if (state === 'ON_TIME') paperwork.onTime += 1;
      else if (state === 'LATE') paperwork.late += 1;
      else if (state === 'OPEN') paperwork.open += 1;
      else paperwork.overdue += 1;
    }
  }
  const judged = paperwork.onTime + paperwork.late + paperwork.overdue;
  const round = (n: number) => Math.round(n * 10) / 10;
  const middle = Math.floor(minutes.length / 2);
  return {
    cases: cases.length,
    treated: minutes.length,
    averageDoorToTreatmentMinutes: minutes.length ? round(minutes.reduce((a, b) => a + b, 0) / minutes.length) : null,
    medianDoorToTreatmentMinutes: minutes.length ? round(minutes.length % 2 ? minutes[middle]! : (minutes[middle - 1]! + minutes[middle]!) / 2) : null,
    paperwork,
    paperworkOnTimeRate: judged ? Math.round((paperwork.onTime / judged) * 1000) / 1000 : null,
  };
}
