// The go/no-go gate as a pure function: over random event states, clearing the problems one by one in a
// random order keeps the gate NO_GO until exactly the last one is cleared, then GO; any one problem
// coming back makes it NO_GO again, with a reason naming it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HotelDepartment, HotelHazard, HotelReadinessStatus } from '@jiedai/db';
import { DEPARTMENT_ORDER, departmentStatus, failedCriteria, HAZARD_ORDER, judgeGate, reviewPassed, type GateState } from '../hotel-event.gate.ts';
import type { Criterion } from '../../shared/assessments/assessment.scoring.ts';

const START = new Date('2030-05-10T01:00:00Z');
const DAY = 86_400_000;
const STATUSES: HotelReadinessStatus[] = ['NOT_STARTED', 'IN_PROGRESS', 'READY', 'BLOCKED'];

const stateArb = fc
  .record({
    items: fc.array(fc.record({ department: fc.constantFrom(...DEPARTMENT_ORDER), status: fc.constantFrom(...STATUSES) }), { minLength: 1, maxLength: 8 }),
    areas: fc.array(fc.record({ inspection: fc.constantFrom(null, 'DRAFT', 'SUBMITTED', 'REVIEWED'), openFindings: fc.nat({ max: 2 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
    hazards: fc.subarray([...HAZARD_ORDER]),
    plans: fc.array(fc.record({ hazard: fc.constantFrom(...HAZARD_ORDER), drill: fc.constantFrom('none', 'failed', 'expired', 'passed') }), { maxLength: 6 }),
    blockedTasks: fc.nat({ max: 2 }),
    planBlockers: fc.nat({ max: 2 }),
  })
  .map(
    (r): GateState => ({
      readinessItems: r.items.map((i, n) => ({ id: `item-${n}`, department: i.department as HotelDepartment, title: `item ${n}`, status: i.status })),
      areas: r.areas.map((a, n) => ({
        id: `area-${n}`,
        name: `area ${n}`,
        inspection: a.inspection ? { status: a.inspection as 'DRAFT' } : null,
        openFindings: Array.from({ length: a.openFindings }, (_, f) => ({ id: `finding-${n}-${f}`, description: 'x' })),
      })),
      hazards: r.hazards as HotelHazard[],
      // One plan per hazard (as the table's unique key says).
      plans: [...new Map(r.plans.map((p) => [p.hazard, p])).values()].map((p, n) => ({
        id: `plan-${n}`,
        hazard: p.hazard as HotelHazard,
        title: `plan ${p.hazard}`,
        drills:
          p.drill === 'none'
            ? []
            : [{ id: `drill-${n}`, passed: p.drill !== 'failed', endedAt: new Date(START.getTime() - (p.drill === 'expired' ? 400 : 10) * DAY) }],
      })),
      drillValidityDays: 180,
      eventStartsAt: START,
      blockedTasks: Array.from({ length: r.blockedTasks }, (_, n) => ({ id: `task-${n}`, title: `task ${n}` })),
      visitPlanBlockers: Array.from({ length: r.planBlockers }, (_, n) => ({ code: 'ROOM_UNFIT', message: `blocker ${n}` })),
    }),
  );

type Fix = (s: GateState) => GateState;

/** Every problem of a state, each as the change that clears it alone. */
function problems(s: GateState): Fix[] {
  const fixes: Fix[] = [];
  for (const [i, item] of s.readinessItems.entries()) {
    if (item.status === 'READY') continue;
    fixes.push((x) => ({ ...x, readinessItems: x.readinessItems.map((it, j) => (j === i ? { ...it, status: 'READY' } : it)) }));
  }
  for (const [i, area] of s.areas.entries()) {
    if (!area.inspection || area.inspection.status === 'DRAFT') {
      fixes.push((x) => ({ ...x, areas: x.areas.map((a, j) => (j === i ? { ...a, inspection: { status: 'SUBMITTED' } } : a)) }));
    }
    for (const f of area.openFindings) {
      fixes.push((x) => ({ ...x, areas: x.areas.map((a, j) => (j === i ? { ...a, openFindings: a.openFindings.filter((o) => o.id !== f.id) } : a)) }));
    }
  }
  for (const hazard of s.hazards) {
    const plan = s.plans.find((p) => p.hazard === hazard);
    const drilled = plan?.drills.some((d) => d.passed && d.endedAt && d.endedAt.getTime() >= START.getTime() - 180 * DAY);
    if (drilled) continue;
    fixes.push((x) => {
      const passed = { id: `new-drill-${hazard}`, passed: true, endedAt: new Date(START.getTime() - DAY) };
      const existing = x.plans.find((p) => p.hazard === hazard);
      return existing
        ? { ...x, plans: x.plans.map((p) => (p.hazard === hazard ? { ...p, drills: [...p.drills, passed] } : p)) }
        : { ...x, plans: [...x.plans, { id: `new-plan-${hazard}`, hazard, title: hazard, drills: [passed] }] };
    });
  }
  for (const t of s.blockedTasks) fixes.push((x) => ({ ...x, blockedTasks: x.blockedTasks.filter((b) => b.id !== t.id) }));
  for (const b of s.visitPlanBlockers) fixes.push((x) => ({ ...x, visitPlanBlockers: x.visitPlanBlockers.filter((v) => v.message !== b.message) }));
  return fixes;
}

/** Ways a GO state breaks again, each with the reason code it must raise. */
const breaks: { code: string; apply: (s: GateState, n: number) => GateState }[] = [
  {
    code: 'DEPARTMENT_NOT_READY',
    apply: (s, n) => ({
      ...s,
      readinessItems: s.readinessItems.map((it, j) => (j === n % s.readinessItems.length ? { ...it, status: STATUSES[n % 2 === 0 ? 3 : 1]! } : it)),
    }),
  },
  {
    code: 'AREA_INSPECTION_FAILED',
    apply: (s, n) => ({ ...s, areas: s.areas.map((a, j) => (j === n % s.areas.length ? { ...a, openFindings: [{ id: 'again', description: 'dirty' }] } : a)) }),
  },
  { code: 'TASK_BLOCKED', apply: (s) => ({ ...s, blockedTasks: [{ id: 'blocked', title: 'projector broken' }] }) },
  { code: 'VISIT_PLAN_BLOCKER', apply: (s) => ({ ...s, visitPlanBlockers: [{ code: 'ROOM_UNFIT', message: 'a guest in an unfit room' }] }) },
  { code: 'EMERGENCY_PLAN_NOT_DRILLED', apply: (s) => ({ ...s, hazards: ['FIRE'], plans: [{ id: 'p', hazard: 'FIRE', title: 'fire', drills: [] }] }) },
];

describe('the go/no-go gate', () => {
  it('is GO exactly when its last reason clears, and NO_GO again when one returns', () => {
    fc.assert(
      fc.property(stateArb, fc.infiniteStream(fc.nat()), fc.nat(), fc.constantFrom(...breaks), (initial, order, n, broken) => {
        let state = initial;
        let remaining = problems(state).length;
        expect(judgeGate(state).status).toBe(remaining === 0 ? 'GO' : 'NO_GO');
        const picks = order[Symbol.iterator]();
        while (remaining > 0) {
          const open = problems(state);
          expect(open.length).toBe(remaining);
          state = open[picks.next().value! % open.length]!(state);
          remaining -= 1;
          const gate = judgeGate(state);
          expect(gate.status, JSON.stringify(gate.reasons)).toBe(remaining === 0 ? 'GO' : 'NO_GO');
          expect(gate.reasons.length === 0).toBe(gate.status === 'GO');
        }
        const again = judgeGate(broken.apply(state, n));
        expect(again.status).toBe('NO_GO');
        expect(again.reasons.map((r) => r.code)).toContain(broken.code);
      }),
      { numRuns: 300 },
    );
  });

  it('explains every problem: a reason per department not ready, per area, per hazard, per blocked task and plan blocker', () => {
    const gate = judgeGate({
      readinessItems: [
        { id: 'a', department: 'HOUSEKEEPING', title: '客房布置', status: 'READY' },
        { id: 'b', department: 'HOUSEKEEPING', title: '欢迎卡', status: 'IN_PROGRESS' },
        { id: 'c', department: 'SECURITY', title: '监控', status: 'READY' },
      ],
      areas: [
        { id: 'v', name: '大会议厅', inspection: null, openFindings: [] },
        { id: 'r', name: '中餐厅', inspection: { status: 'SUBMITTED' }, openFindings: [{ id: 'f', description: '桌布有污渍' }] },
      ],
      hazards: ['FIRE', 'POWER_FAILURE'],
      plans: [{ id: 'p', hazard: 'FIRE', title: '火灾应急预案', drills: [{ id: 'd', passed: true, endedAt: new Date(START.getTime() - 200 * DAY) }] }],
      drillValidityDays: 180,
      eventStartsAt: START,
      blockedTasks: [{ id: 't', title: '音响检修' }],
      visitPlanBlockers: [],
    });
    expect(gate.status).toBe('NO_GO');
    expect(gate.reasons.map((r) => [r.code, r.department ?? r.hazard ?? r.subjects[0]?.id])).toEqual([
      ['DEPARTMENT_NOT_READY', 'HOUSEKEEPING'],
      ['AREA_NOT_INSPECTED', 'v'],
      ['AREA_INSPECTION_FAILED', 'r'],
      ['EMERGENCY_PLAN_NOT_DRILLED', 'FIRE'],
      ['EMERGENCY_PLAN_MISSING', 'POWER_FAILURE'],
      ['TASK_BLOCKED', 't'],
    ]);
    expect(gate.reasons[0]!.message).toContain('欢迎卡');
  });

  it('a department is READY only when all its items are', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATUSES), { maxLength: 6 }), (statuses) => {
        const status = departmentStatus(statuses.map((s) => ({ status: s })));
        expect(status === 'READY').toBe(statuses.length > 0 && statuses.every((s) => s === 'READY'));
      }),
    );
  });

  it('fails a criterion below 60 % (pass/fail at 0) and passes a review at 60 with every pass/fail passed', () => {
    const criteria: Criterion[] = [
      { key: 'pf', title: '预案覆盖', guidance: null, weight: 1, scale: { kind: 'PASS_FAIL', min: 0, max: 1 } },
      { key: 'pts', title: '响应速度', guidance: null, weight: 1, scale: { kind: 'POINTS', min: 0, max: 10 } },
    ];
    expect(
      failedCriteria(
        criteria,
        new Map([
          ['pf', 0],
          ['pts', 6],
        ]),
      ).map((c) => c.key),
    ).toEqual(['pf']);
    expect(
      failedCriteria(
        criteria,
        new Map([
          ['pf', 1],
          ['pts', 5.99],
        ]),
      ).map((c) => c.key),
    ).toEqual(['pts']);
    expect(
      reviewPassed(
        criteria,
        new Map([
          ['pf', 1],
          ['pts', 2],
        ]),
      ),
    ).toBe(true); // total 60
    expect(
      reviewPassed(
        criteria,
        new Map([
          ['pf', 1],
          ['pts', 1],
        ]),
      ),
    ).toBe(false); // total 55
    expect(
      reviewPassed(
        criteria,
        new Map([
          ['pf', 0],
          ['pts', 10],
        ]),
      ),
    ).toBe(false);
  });
});
