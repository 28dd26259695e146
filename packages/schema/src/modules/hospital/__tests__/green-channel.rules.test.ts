// The green channel's pure rules: paperwork deadlines and states, door-to-treatment, statistics.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { doorToTreatmentMinutes, greenChannelStatistics, PAPERWORK_KINDS, paperworkDueAt, paperworkState, type CaseRow } from '../green-channel.rules.ts';

const instant = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-01-01T00:00:00Z'), noInvalidDate: true });
const paperwork = fc.record({ dueAt: instant, completedAt: fc.option(instant, { nil: null }), done: fc.boolean() });
const caseRow: fc.Arbitrary<CaseRow> = fc
  .record({
    arrivedAt: instant,
    delay: fc.option(fc.integer({ min: 0, max: 600 }), { nil: null }),
    triageLevel: fc.integer({ min: 1, max: 4 }),
    paperwork: fc.array(paperwork, { maxLength: 3 }),
  })
  .map(({ arrivedAt, delay, ...rest }) => ({ ...rest, arrivedAt, treatmentStartedAt: delay === null ? null : new Date(arrivedAt.getTime() + delay * 60_000) }));

describe('green-channel rules', () => {
  it('paperwork is due after arrival, registration first, payment last', () => {
    fc.assert(
      fc.property(instant, (arrivedAt) => {
        const due = PAPERWORK_KINDS.map((k) => paperworkDueAt(arrivedAt, k).getTime());
        expect(due[0]!).toBeGreaterThan(arrivedAt.getTime());
        expect(due).toEqual([...due].sort((a, b) => a - b));
      }),
    );
  });

  it('every piece of paperwork is in exactly one state, and the counts add up', () => {
    fc.assert(
      fc.property(fc.array(caseRow, { maxLength: 30 }), instant, (cases, now) => {
        const s = greenChannelStatistics(cases, now);
        const all = cases.flatMap((c) => c.paperwork);
        expect(s.paperwork.total).toBe(all.length);
        expect(s.paperwork.onTime + s.paperwork.late + s.paperwork.open + s.paperwork.overdue).toBe(all.length);
        expect(s.paperwork.onTime).toBe(all.filter((p) => paperworkState(p, now) === 'ON_TIME').length);
        if (s.paperworkOnTimeRate !== null) expect(s.paperworkOnTimeRate).toBeGreaterThanOrEqual(0);
        if (s.paperworkOnTimeRate !== null) expect(s.paperworkOnTimeRate).toBeLessThanOrEqual(1);
        expect(s.treated).toBe(cases.filter((c) => c.treatmentStartedAt).length);
      }),
    );
  });

  it('the mean and median door-to-treatment lie between the fastest and the slowest case', () => {
    fc.assert(
      fc.property(fc.array(caseRow, { maxLength: 30 }), instant, (cases, now) => {
        const s = greenChannelStatistics(cases, now);
        const minutes = cases.map(doorToTreatmentMinutes).filter((m): m is number => m !== null);
        if (minutes.length === 0) {
          expect(s.averageDoorToTreatmentMinutes).toBeNull();
          return;
        }
        for (const value of [s.averageDoorToTreatmentMinutes!, s.medianDoorToTreatmentMinutes!]) {
          expect(value).toBeGreaterThanOrEqual(Math.min(...minutes) - 0.05);
          expect(value).toBeLessThanOrEqual(Math.max(...minutes) + 0.05);
        }
      }),
    );
  });
});
