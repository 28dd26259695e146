// Peak-time windows (高峰时段增开窗口): windows needed from the expected load (entered or derived from recorded
// hours), an hour with fewer windows open is an issue and an event; pure parts with properties.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { derivedLoad, windowsNeeded } from '../peak-window.service.ts';

describe('windows needed and derived load (properties)', () => {
  it('the fewest windows that serve the expected patients', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 10_000 }), (expected, perWindow) => {
        const n = windowsNeeded(expected, perWindow);
        expect(n * perWindow).toBeGreaterThanOrEqual(expected);
        if (n > 0) expect((n - 1) * perWindow).toBeLessThan(expected);
      }),
    );
  });

  it('the derived load of an hour lies between its smallest and largest count (null without counts)', () => {
    const count = fc.record({ hour: fc.integer({ min: 0, max: 23 }), patients: fc.integer({ min: 0, max: 5_000 }) });
    fc.assert(
      fc.property(fc.array(count, { maxLength: 60 }), (counts) => {
        const load = derivedLoad(counts);
        expect(load).toHaveLength(24);
        for (let hour = 0; hour < 24; hour++) {
          const of = counts.filter((c) => c.hour === hour).map((c) => c.patients);
          if (of.length === 0) expect(load[hour]).toBeNull();
          else {
            expect(load[hour]).toBeGreaterThanOrEqual(Math.min(...of));
            expect(load[hour]).toBeLessThanOrEqual(Math.max(...of));
          }
        }
      }),
    );
  });
});

let t: TestApp;
let hospital: TestTenant;
let other: TestTenant;
let cashier: string;
let guideDesk: string;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hospital = await createTenant(t, platform.token, 'HOSPITAL');
  other = await createTenant(t, platform.token, 'HOSPITAL');
  const points = await t.gql(`{ servicePoints { id name kind isPeakOnly } }`, {}, { token: hospital.adminToken });
  cashier = points.data.servicePoints.find((p: { kind: string; isPeakOnly: boolean }) => p.kind === 'CASHIER_WINDOW' && !p.isPeakOnly).id;
  guideDesk = points.data.servicePoints.find((p: { kind: string }) => p.kind === 'GUIDE_DESK').id;
});
afterAll(() => t?.close());

const SET_PLAN = `mutation($i: SetServicePointPeakPlanInput!) { setServicePointPeakPlan(input: $i) {
  __typename ... on ServicePointPeakPlanPayload { patientsPerWindowHour expectedLoad servicePoint { name } } ... on ValidationError { fieldErrors { path } } } }`;
const RECORD = `mutation($i: RecordServicePointHourInput!) { recordServicePointHour(input: $i) {
  __typename ... on RecordServicePointHourPayload { hour { hour expectedPatients source windowsNeeded windowsOpen short } } } }`;

describe('peak-time windows', () => {
  it('an hour with fewer windows open than the entered load needs is an issue (and an event) until more open', async () => {
    const load = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 11 ? 120 : 20));
    const plan = await t.gql(SET_PLAN, { i: { servicePointId: cashier, patientsPerWindowHour: 40, expectedLoad: load } }, { token: hospital.adminToken });
    expect(plan.data.setServicePointPeakPlan).toMatchObject({ patientsPerWindowHour: 40, expectedLoad: load });
    const date = '2031-05-06';
    const short = await t.gql(RECORD, { i: { servicePointId: cashier, date, hour: 9, windowsOpen: 2, patients: 130 } }, { token: hospital.adminToken });
    expect(short.data.recordServicePointHour.hour).toEqual({
      hour: 9,
      expectedPatients: 120,
      source: 'ENTERED',
      windowsNeeded: 3,
      windowsOpen: 2,
      short: true,
    });
    await t.gql(RECORD, { i: { servicePointId: cashier, date, hour: 14, windowsOpen: 1 } }, { token: hospital.adminToken });
    const issues = await t.gql(
      `query($d: String) { servicePointPeakIssues(date: $d) { date currentHour issues { servicePoint { id } hour expectedPatients windowsNeeded windowsOpen } } }`,
      { d: date },
      { token: hospital.adminToken },
    );
    expect(issues.data.servicePointPeakIssues).toEqual({
      date,
      currentHour: null,
      issues: [{ servicePoint: { id: cashier }, hour: 9, expectedPatients: 120, windowsNeeded: 3, windowsOpen: 2 }],
    });
    const events = await ownerQuery(`SELECT type, payload FROM event_log WHERE tenant_id = $1 AND topic = 'service_point_peak'`, [hospital.id]);
    expect(events).toEqual([{ type: 'WINDOWS_SHORT', payload: expect.objectContaining({ date, hour: 9, windowsOpen: 2, windowsNeeded: 3 }) }]);
    // A third window opens (增开窗口): the issue is gone.
    const fixed = await t.gql(RECORD, { i: { servicePointId: cashier, date, hour: 9, windowsOpen: 3, patients: 130 } }, { token: hospital.adminToken });
    expect(fixed.data.recordServicePointHour.hour.short).toBe(false);
    const after = await t.gql(`query($d: String) { servicePointPeakIssues(date: $d) { issues { hour } } }`, { d: date }, { token: hospital.adminToken });
    expect(after.data.servicePointPeakIssues.issues).toEqual([]);
    // Another hospital sees nothing of it.
    const theirs = await t.gql(`query($d: String) { servicePointPeakIssues(date: $d) { issues { hour } } }`, { d: date }, { token: other.adminToken });
    expect(theirs.data.servicePointPeakIssues.issues).toEqual([]);
  });

  it('without an entered load, the load is derived from the counts of the previous weeks', async () => {
    await t.gql(SET_PLAN, { i: { servicePointId: guideDesk, patientsPerWindowHour: 50 } }, { token: hospital.adminToken });
    for (const [date, patients] of [
      ['2031-05-01', 100],
      ['2031-05-02', 151],
    ] as const) {
      await t.gql(RECORD, { i: { servicePointId: guideDesk, date, hour: 10, windowsOpen: 2, patients } }, { token: hospital.adminToken });
    }
    const day = await t.gql(
      `query($p: ID!) { servicePointPeakDay(servicePointId: $p, date: "2031-05-03") { patientsPerWindowHour hours { hour expectedPatients source windowsNeeded short } } }`,
      { p: guideDesk },
      { token: hospital.adminToken },
    );
    const hours = day.data.servicePointPeakDay.hours;
    expect(hours[10]).toEqual({ hour: 10, expectedPatients: 126, source: 'DERIVED', windowsNeeded: 3, short: false });
    expect(hours[11]).toEqual({ hour: 11, expectedPatients: null, source: 'NONE', windowsNeeded: null, short: false });
    const recorded = await t.gql(RECORD, { i: { servicePointId: guideDesk, date: '2031-05-03', hour: 10, windowsOpen: 2 } }, { token: hospital.adminToken });
    expect(recorded.data.recordServicePointHour.hour).toMatchObject({ source: 'DERIVED', windowsNeeded: 3, windowsOpen: 2, short: true });
  });

  it('bad input is a typed error and changes nothing; viewers may not record', async () => {
    const bad = await t.gql(SET_PLAN, { i: { servicePointId: cashier, patientsPerWindowHour: 0, expectedLoad: [1, 2, 3] } }, { token: hospital.adminToken });
    expect(bad.data.setServicePointPeakPlan.__typename).toBe('ValidationError');
    expect(bad.data.setServicePointPeakPlan.fieldErrors.map((f: { path: string[] }) => f.path.at(-1)).sort()).toEqual([
      'expectedLoad',
      'patientsPerWindowHour',
    ]);
    const plan = await ownerQuery(`SELECT patients_per_window_hour AS n FROM service_point_peak_plans WHERE tenant_id = $1 AND service_point_id = $2`, [
      hospital.id,
      Buffer.from(cashier, 'base64').toString().split(':')[1],
    ]);
    expect(plan).toEqual([{ n: 40 }]);
    const viewer = await hospital.member(['VIEWER']);
    const refused = await t.gql(RECORD, { i: { servicePointId: cashier, date: '2031-05-06', hour: 9, windowsOpen: 0 } }, { token: viewer.token });
    expect(refused.data.recordServicePointHour.__typename).toBe('ForbiddenError');
  });
});
