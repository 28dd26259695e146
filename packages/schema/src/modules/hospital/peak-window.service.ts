// Peak-time windows (高峰时段增开窗口): per service point, the patients one open window serves in an hour, the
// expected patients per local hour (entered, or derived from the recorded hours of the last weeks), and the
// windows open each hour as recorded. An hour whose open windows are fewer than its expected load needs is an
// issue (and an event on the tenant's event log when it is recorded).
import { z } from 'zod';
import type { ServiceDeps } from '../../context.ts';
import { isForeignKeyViolation, parseInput } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { appendEvent } from '../core/events/event.service.ts';
import { HospitalRoutineError } from './service-point-round.errors.ts';
import { tenantTimeZone } from './service-point-round.service.ts';
import { addDays, localDate, localMinute } from './service-point-round.time.ts';

export const PEAK_TOPIC = 'service_point_peak';
/** Recorded hours of this many days before the day are averaged when no load is entered. */
export const DERIVE_FROM_DAYS = 28;

export type LoadSource = 'ENTERED' | 'DERIVED' | 'NONE';

/** Windows needed for `expected` patients in an hour when one window serves `perWindow` (pure). */
export function windowsNeeded(expected: number, perWindow: number): number {
  return expected <= 0 ? 0 : Math.ceil(expected / perWindow);
}

/** Expected patients per local hour from recorded counts: the rounded-up mean per hour; null without counts (pure). */
export function derivedLoad(counts: readonly { hour: number; patients: number }[]): (number | null)[] {
  const sums = Array.from({ length: 24 }, () => ({ total: 0, n: 0 }));
  for (const c of counts) {
    sums[c.hour]!.total += c.patients;
    sums[c.hour]!.n += 1;
  }
  return sums.map((s) => (s.n ? Math.ceil(s.total / s.n) : null));
}

export interface PeakHour {
  hour: number;
  expectedPatients: number | null;
  source: LoadSource;
  windowsNeeded: number | null;
  windowsOpen: number | null;
  patients: number | null;
  /** Open windows fewer than needed (only for hours with windows recorded). */
  short: boolean;
}

/** The 24 hours of a day of one service point (pure). */
export function peakHours(
  plan: { patientsPerWindowHour: number; expectedLoad: readonly number[] } | null,
  derived: readonly (number | null)[],
  recorded: ReadonlyMap<number, { windowsOpen: number; patients: number | null }>,
): PeakHour[] {
  return Array.from({ length: 24 }, (_, hour) => {
    const entered = plan && plan.expectedLoad.length === 24 ? plan.expectedLoad[hour]! : null;
    const expectedPatients = entered ?? derived[hour] ?? null;
    const source: LoadSource = entered !== null ? 'ENTERED' : expectedPatients !== null ? 'DERIVED' : 'NONE';
    const needed = plan && expectedPatients !== null ? windowsNeeded(expectedPatients, plan.patientsPerWindowHour) : null;
    const rec = recorded.get(hour);
    return {
      hour,
      expectedPatients,
      source,
      windowsNeeded: needed,
      windowsOpen: rec?.windowsOpen ?? null,
      patients: rec?.patients ?? null,
      short: needed !== null && rec !== undefined && rec.windowsOpen < needed,
    };
  });
}

const planInput = z.object({
  servicePointId: z.string().uuid(),
  patientsPerWindowHour: z.number().int().min(1).max(10_000),
  expectedLoad: z.array(z.number().int().min(0).max(100_000)).length(24, 'one number per hour, 24 in all').nullish(),
});

export async function setPeakPlan(deps: ServiceDeps, input: z.input<typeof planInput>) {
  const data = parseInput(planInput, input);
  const values = { patientsPerWindowHour: data.patientsPerWindowHour, expectedLoad: data.expectedLoad ?? [] };
  const plan = await deps.db.servicePointPeakPlan
    .upsert({
      where: { tenantId_servicePointId: { tenantId: deps.access.tenantId!, servicePointId: data.servicePointId } },
      create: { tenantId: deps.access.tenantId!, servicePointId: data.servicePointId, ...values },
      update: { ...values, updatedAt: new Date() },
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new HospitalRoutineError('INVALID_REFERENCE', 'No such service point');
      throw error;
    });
  await recordAudit(deps, { action: 'service_point.peak_plan_set', targetType: 'ServicePoint', targetId: data.servicePointId, data: values });
  return plan;
}

const hourInput = z.object({
  servicePointId: z.string().uuid(),
  date: z.iso.date({ error: 'a date YYYY-MM-DD that exists' }),
  hour: z.number().int().min(0).max(23),
  windowsOpen: z.number().int().min(0).max(1000),
  patients: z.number().int().min(0).max(100_000).nullish(),
});

/** Records (or corrects) one hour of a service point; a shortage against the expected load is returned and logged as an event. */
export async function recordHour(deps: ServiceDeps, input: z.input<typeof hourInput>) {
  const data = parseInput(hourInput, input);
  const tenantId = deps.access.tenantId!;
  const hourDate = new Date(`${data.date}T00:00:00Z`);
  const values = { windowsOpen: data.windowsOpen, patients: data.patients ?? null, recordedAt: new Date() };
  await deps.db.servicePointHour
    .upsert({
      where: { tenantId_servicePointId_hourDate_hour: { tenantId, servicePointId: data.servicePointId, hourDate, hour: data.hour } },
      create: { tenantId, servicePointId: data.servicePointId, hourDate, hour: data.hour, ...values },
      update: values,
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new HospitalRoutineError('INVALID_REFERENCE', 'No such service point');
      throw error;
    });
  const day = await peakDay(deps, data.servicePointId, data.date);
  const hour = day.hours[data.hour]!;
  if (hour.short) {
    await appendEvent(deps, {
      topic: PEAK_TOPIC,
      type: 'WINDOWS_SHORT',
      subjectId: data.servicePointId,
      payload: { date: data.date, hour: data.hour, windowsOpen: hour.windowsOpen, windowsNeeded: hour.windowsNeeded, expectedPatients: hour.expectedPatients },
    });
  }
  return { servicePointId: data.servicePointId, date: data.date, hour };
}

/** One service point's day: its plan, and each hour's expected load, windows needed and open. */
export async function peakDay(deps: ServiceDeps, servicePointId: string, date: string) {
  const [plan, counts, recorded] = await Promise.all([
    deps.db.servicePointPeakPlan.findUnique({ where: { tenantId_servicePointId: { tenantId: deps.access.tenantId!, servicePointId } } }),
    deps.db.servicePointHour.findMany({
      where: {
        servicePointId,
        patients: { not: null },
        hourDate: { gte: new Date(`${addDays(date, -DERIVE_FROM_DAYS)}T00:00:00Z`), lt: new Date(`${date}T00:00:00Z`) },
      },
      select: { hour: true, patients: true },
    }),
    deps.db.servicePointHour.findMany({ where: { servicePointId, hourDate: new Date(`${date}T00:00:00Z`) } }),
  ]);
  const derived = derivedLoad(counts.map((c) => ({ hour: c.hour, patients: c.patients! })));
  const hours = peakHours(plan, derived, new Map(recorded.map((r) => [r.hour, { windowsOpen: r.windowsOpen, patients: r.patients }])));
  return { servicePointId, date, patientsPerWindowHour: plan?.patientsPerWindowHour ?? null, hours };
}

/** Every service point's shortages of `date` (default today in the tenant's time zone); with `now`, also the current hour. */
export async function peakIssues(deps: ServiceDeps, date: string | null, now: Date) {
  const timeZone = await tenantTimeZone(deps);
  const day = date ?? localDate(now, timeZone);
  const points = await deps.db.servicePoint.findMany({ where: { peakPlan: { isNot: null } }, orderBy: { name: 'asc' }, select: { id: true, name: true } });
  const issues: { servicePointId: string; date: string; hour: number; expectedPatients: number; windowsNeeded: number; windowsOpen: number }[] = [];
  for (const point of points) {
    const { hours } = await peakDay(deps, point.id, day);
    for (const h of hours) {
      if (h.short) {
        issues.push({
          servicePointId: point.id,
          date: day,
          hour: h.hour,
          expectedPatients: h.expectedPatients!,
          windowsNeeded: h.windowsNeeded!,
          windowsOpen: h.windowsOpen!,
        });
      }
    }
  }
  return { date: day, currentHour: day === localDate(now, timeZone) ? Math.floor(localMinute(now, timeZone) / 60) : null, issues };
}
