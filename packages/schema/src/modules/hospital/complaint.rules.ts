// The rules of complaint handling as pure functions (no database, no clock): deadlines from the
// tenant's policy, what is overdue at a given moment, and the statistics by department, category and
// month in the tenant's time zone. The service and the GraphQL types call these with the time.
import type { ComplaintCategory, ComplaintSeverity } from '@jiedai/db';

export const COMPLAINT_SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const satisfies readonly ComplaintSeverity[];
export const COMPLAINT_CATEGORIES = [
  'SERVICE_ATTITUDE',
  'WAITING_TIME',
  'MEDICAL_CARE',
  'FEES',
  'ENVIRONMENT',
  'COMMUNICATION',
  'PROCESS',
  'OTHER',
] as const satisfies readonly ComplaintCategory[];

export interface DeadlinePolicy {
  severity: ComplaintSeverity;
  acknowledgeMinutes: number;
  respondMinutes: number;
}

const HOUR = 60;
const DAY = 24 * HOUR;

/** A tenant without its own policy row for a severity gets these (acknowledge, respond). */
export const DEFAULT_DEADLINES: Readonly<Record<ComplaintSeverity, DeadlinePolicy>> = {
  CRITICAL: { severity: 'CRITICAL', acknowledgeMinutes: 30, respondMinutes: DAY },
  HIGH: { severity: 'HIGH', acknowledgeMinutes: 2 * HOUR, respondMinutes: 2 * DAY },
  MEDIUM: { severity: 'MEDIUM', acknowledgeMinutes: 8 * HOUR, respondMinutes: 5 * DAY },
  LOW: { severity: 'LOW', acknowledgeMinutes: DAY, respondMinutes: 10 * DAY },
};

/** The effective policy: the tenant's rows over the defaults, one entry per severity. */
export function effectivePolicy(rows: readonly DeadlinePolicy[]): DeadlinePolicy[] {
  return COMPLAINT_SEVERITIES.map((severity) => rows.find((r) => r.severity === severity) ?? DEFAULT_DEADLINES[severity]);
}

/** The two deadlines of a complaint received at `receivedAt`. */
export function deadlinesFor(receivedAt: Date, severity: ComplaintSeverity, policy: readonly DeadlinePolicy[]) {
  const p = policy.find((r) => r.severity === severity) ?? DEFAULT_DEADLINES[severity];
  return {
    acknowledgeDueAt: new Date(receivedAt.getTime() + p.acknowledgeMinutes * 60_000),
    respondDueAt: new Date(receivedAt.getTime() + p.respondMinutes * 60_000),
  };
}

export type DeadlineKind = 'ACKNOWLEDGEMENT' | 'RESPONSE';

export interface DeadlineState {
  acknowledgeDueAt: Date;
  respondDueAt: Date;
  acknowledgedAt: Date | null;
  respondedAt: Date | null;
}

/**
 * The deadlines passed at `now` without the step done (the acknowledgement counts as done when it
 * came, late or not; a response also acknowledges). Ordered: acknowledgement first.
 */
export function overdueDeadlines(c: DeadlineState, now: Date): DeadlineKind[] {
  const out: DeadlineKind[] = [];
  const acknowledged = c.acknowledgedAt ?? c.respondedAt;
  if (!acknowledged && now.getTime() > c.acknowledgeDueAt.getTime()) out.push('ACKNOWLEDGEMENT');
  if (!c.respondedAt && now.getTime() > c.respondDueAt.getTime()) out.push('RESPONSE');
  return out;
}

/** Whether a step was (or, if not done, is being) late: done after its deadline, or not done and past it. */
export function wasLate(dueAt: Date, doneAt: Date | null, now: Date): boolean {
  return (doneAt ?? now).getTime() > dueAt.getTime();
}

/** The calendar month (YYYY-MM) of an instant in a time zone. */
export function monthIn(at: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(at);
  const year = parts.find((p) => p.type === 'year')!.value;
  const month = parts.find((p) => p.type === 'month')!.value;
  return `${year}-${month}`;
}

export interface StatisticsRow {
  receivedAt: Date;
  departmentId: string | null;
  category: ComplaintCategory;
  respondDueAt: Date;
  respondedAt: Date | null;
  satisfaction: number | null;
}

export interface Bucket<K> {
  key: K;
  count: number;
  /** Answered after the response deadline, or not answered and past it. */
  late: number;
  /** Mean satisfaction (1–5) of the closed ones that gave it; null when none did. */
  averageSatisfaction: number | null;
}

export interface ComplaintStatistics {
  total: number;
  byDepartment: Bucket<string | null>[];
  byCategory: Bucket<ComplaintCategory>[];
  byMonth: Bucket<string>[];
}

function bucketsOf<K>(rows: readonly StatisticsRow[], keyOf: (r: StatisticsRow) => K, now: Date): Bucket<K>[] {
  const groups = new Map<K, { count: number; late: number; satisfactionSum: number; rated: number }>();
  for (const r of rows) {
    const key = keyOf(r);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { count: 0, late: 0, satisfactionSum: 0, rated: 0 }));
    g.count += 1;
    if (wasLate(r.respondDueAt, r.respondedAt, now)) g.late += 1;
    if (r.satisfaction !== null) {
      g.satisfactionSum += r.satisfaction;
      g.rated += 1;
    }
  }
  return [...groups.entries()].map(([key, g]) => ({
    key,
    count: g.count,
    late: g.late,
    averageSatisfaction: g.rated > 0 ? Math.round((g.satisfactionSum / g.rated) * 100) / 100 : null,
  }));
}

/** Counts by department, category and month (the month of receipt in the tenant's time zone). */
export function complaintStatistics(rows: readonly StatisticsRow[], timeZone: string, now: Date): ComplaintStatistics {
  const byCount = <K>(a: Bucket<K>, b: Bucket<K>) => b.count - a.count || String(a.key).localeCompare(String(b.key));
  return {
    total: rows.length,
    byDepartment: bucketsOf(rows, (r) => r.departmentId, now).sort(byCount),
    byCategory: bucketsOf(rows, (r) => r.category, now).sort(byCount),
    byMonth: bucketsOf(rows, (r) => monthIn(r.receivedAt, timeZone), now).sort((a, b) => a.key.localeCompare(b.key)),
  };
}

/** The offset of a time zone from UTC at an instant, in milliseconds (UTC+8 → 8 h). */
function offsetAt(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const n = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(at / 1000) * 1000;
}

/** The instant a month (YYYY-MM) begins in a time zone; `plus` months later for the end of a range. */
export function monthStart(month: string, timeZone: string, plus = 0): Date {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const local = Date.UTC(year, m - 1 + plus, 1);
  let at = local - offsetAt(local, timeZone);
  at = local - offsetAt(at, timeZone);
  return new Date(at);
}
