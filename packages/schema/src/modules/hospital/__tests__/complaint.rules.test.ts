// The pure rules of complaint handling: deadlines, what is overdue, statistics, months in a time zone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_SEVERITIES,
  complaintStatistics,
  DEFAULT_DEADLINES,
  deadlinesFor,
  effectivePolicy,
  monthIn,
  monthStart,
  overdueDeadlines,
  type StatisticsRow,
} from '../complaint.rules.ts';

const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true });
const severity = fc.constantFrom(...COMPLAINT_SEVERITIES);
const policyRow = fc
  .record({ severity, acknowledgeMinutes: fc.integer({ min: 1, max: 43_200 }), extra: fc.integer({ min: 0, max: 80_000 }) })
  .map(({ severity, acknowledgeMinutes, extra }) => ({ severity, acknowledgeMinutes, respondMinutes: acknowledgeMinutes + extra }));

describe('deadlines', () => {
  it('come from the tenant’s row for the severity, else the defaults, and never precede the receipt', () => {
    fc.assert(
      fc.property(instant, severity, fc.array(policyRow, { maxLength: 4 }), (receivedAt, s, rows) => {
        const policy = effectivePolicy(rows);
        expect(policy.map((p) => p.severity)).toEqual([...COMPLAINT_SEVERITIES]);
        const { acknowledgeDueAt, respondDueAt } = deadlinesFor(receivedAt, s, policy);
        const row = rows.find((r) => r.severity === s) ?? DEFAULT_DEADLINES[s];
        expect(acknowledgeDueAt.getTime() - receivedAt.getTime()).toBe(row.acknowledgeMinutes * 60_000);
        expect(respondDueAt.getTime()).toBeGreaterThanOrEqual(acknowledgeDueAt.getTime());
      }),
    );
  });

  it('the defaults are stricter the more severe the complaint', () => {
    const order = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
    for (let i = 1; i < order.length; i++) {
      expect(DEFAULT_DEADLINES[order[i]!].acknowledgeMinutes).toBeLessThan(DEFAULT_DEADLINES[order[i - 1]!].acknowledgeMinutes);
      expect(DEFAULT_DEADLINES[order[i]!].respondMinutes).toBeLessThan(DEFAULT_DEADLINES[order[i - 1]!].respondMinutes);
    }
  });
});

describe('overdue', () => {
  it('a deadline is overdue exactly when it passed and its step is not done; a response also acknowledges', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        instant,
        fc.boolean(),
        fc.boolean(),
        (at, ack, extra, now, acked, responded) => {
          const acknowledgeDueAt = new Date(at.getTime() + ack * 60_000);
          const respondDueAt = new Date(acknowledgeDueAt.getTime() + extra * 60_000);
          const state = { acknowledgeDueAt, respondDueAt, acknowledgedAt: acked ? at : null, respondedAt: responded ? at : null };
          const overdue = overdueDeadlines(state, now);
          expect(overdue.includes('ACKNOWLEDGEMENT')).toBe(!acked && !responded && now > acknowledgeDueAt);
          expect(overdue.includes('RESPONSE')).toBe(!responded && now > respondDueAt);
          // Nothing is overdue before the acknowledgement deadline.
          if (now <= acknowledgeDueAt) expect(overdue).toEqual([]);
        },
      ),
    );
  });
});

describe('months and statistics', () => {
  it('monthStart is the first instant of the month in the zone: monthIn agrees with it, and the instant before is the month before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 2040 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'),
        (year, m, zone) => {
          const month = `${year}-${String(m).padStart(2, '0')}`;
          const start = monthStart(month, zone);
          expect(monthIn(start, zone)).toBe(month);
          expect(monthIn(new Date(start.getTime() - 1), zone)).not.toBe(month);
          expect(monthIn(new Date(monthStart(month, zone, 1).getTime() - 1), zone)).toBe(month);
        },
      ),
    );
    // 2026-03-01 00:00 in Shanghai is 2026-02-28 16:00 UTC.
    expect(monthStart('2026-03', 'Asia/Shanghai').toISOString()).toBe('2026-02-28T16:00:00.000Z');
  });

  const row = fc.record({
    receivedAt: instant,
    departmentId: fc.constantFrom(null, 'a', 'b', 'c'),
    category: fc.constantFrom(...COMPLAINT_CATEGORIES),
    respondDueAt: instant,
    respondedAt: fc.option(instant, { nil: null }),
    satisfaction: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
  }) as fc.Arbitrary<StatisticsRow>;

  it('every grouping counts every complaint once; late and satisfaction stay in range', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), instant, (rows, now) => {
        const s = complaintStatistics(rows, 'Asia/Shanghai', now);
        expect(s.total).toBe(rows.length);
        for (const buckets of [s.byDepartment, s.byCategory, s.byMonth]) {
          expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(rows.length);
          expect(new Set(buckets.map((b) => b.key)).size).toBe(buckets.length);
          for (const b of buckets) {
            expect(b.late).toBeLessThanOrEqual(b.count);
            if (b.averageSatisfaction !== null) expect(b.averageSatisfaction).toBeGreaterThanOrEqual(1);
            if (b.averageSatisfaction !== null) expect(b.averageSatisfaction).toBeLessThanOrEqual(5);
          }
        }
        const months = s.byMonth.map((b) => b.key);
        expect(months).toEqual([...months].sort());
      }),
    );
  });

  it('counts a complaint in the month of the tenant’s zone, not of UTC', () => {
    const rows: StatisticsRow[] = [
      // 2026-01-31 20:00 UTC is 2026-02-01 04:00 in Shanghai.
      {
        receivedAt: new Date('2026-01-31T20:00:00Z'),
        departmentId: 'a',
        category: 'FEES',
        respondDueAt: new Date('2026-02-05T00:00:00Z'),
        respondedAt: null,
        satisfaction: null,
      },
      {
        receivedAt: new Date('2026-01-10T08:00:00Z'),
        departmentId: 'a',
        category: 'FEES',
        respondDueAt: new Date('2026-01-11T00:00:00Z'),
        respondedAt: new Date('2026-01-12T00:00:00Z'),
        satisfaction: 4,
      },
    ];
    const s = complaintStatistics(rows, 'Asia/Shanghai', new Date('2026-02-02T00:00:00Z'));
    expect(s.byMonth).toEqual([
      { key: '2026-01', count: 1, late: 1, averageSatisfaction: 4 },
      { key: '2026-02', count: 1, late: 0, averageSatisfaction: null },
    ]);
    expect(complaintStatistics(rows, 'UTC', new Date('2026-02-02T00:00:00Z')).byMonth.map((b) => b.key)).toEqual(['2026-01']);
  });
});
