// Emergency plans and drills through the gateway: a plan per hazard with roles and steps; a drill
// scheduled, run (timed) and reviewed with the drill-review assessment; a failed review leaves the
// plan undrilled (and raises findings), a passed one drills it; the event's gate follows, including
// the tenant's period within which a drill counts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { hotelApi } from './hotel.helpers.ts';

let t: TestApp;
let hotel: TestTenant;
let api: ReturnType<typeof hotelApi>;
let admin: string;

const DRILL = '... on HotelDrillPayload { drill { id status durationMinutes passed review { status total } plan { drilled } } }';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  admin = hotel.adminToken;
  api = hotelApi(t);
});
afterAll(() => t?.close());

async function savePlan(hazard: string, title: string, extra: Record<string, unknown> = {}) {
  return api.mutate(
    'saveHotelEmergencyPlan',
    {
      hazard,
      title,
      roles: [
        { role: '总指挥', responsibility: '启动预案，统一指挥' },
        { role: '疏散引导组', responsibility: '引导宾客沿安全通道疏散' },
      ],
      steps: ['发现险情立即报告监控室', '总指挥启动预案', '疏散宾客并清点人数', '事后总结'],
      ...extra,
    },
    '... on HotelEmergencyPlanPayload { plan { id hazard title version steps roles { role responsibility memberId } drilled } }',
    admin,
  );
}

async function drillOnce(planId: string, failing: string[]) {
  const scheduled = await api.mutate('scheduleHotelDrill', { planId, scheduledAt: inDays(-1) }, DRILL, admin, 'HotelDrillPayload');
  const drillId = scheduled.drill.id;
  await api.mutate('recordHotelDrillRun', { drillId, startedAt: inDays(-0.02), endedAt: inDays(-0.01) }, DRILL, admin, 'HotelDrillPayload');
  return api.mutate('reviewHotelDrill', { drillId, scores: api.scores(await api.criteria(admin, 'DRILL'), failing), comment: '演练总结' }, DRILL, admin);
}

describe('emergency plans and drills', () => {
  it('keep one plan per hazard with roles and steps, and refuse bad input', async () => {
    const saved = await savePlan('FIRE', '火灾应急预案');
    expect(saved.plan).toMatchObject({ hazard: 'FIRE', version: 1, drilled: false });
    expect(saved.plan.roles[0]).toEqual({ role: '总指挥', responsibility: '启动预案，统一指挥', memberId: null });
    const replaced = await savePlan('FIRE', '火灾应急预案（修订）', { expectedVersion: 1 });
    expect(replaced.plan).toMatchObject({ id: saved.plan.id, version: 2, title: '火灾应急预案（修订）' });
    expect(await savePlan('FIRE', 'x', { expectedVersion: 1 })).toMatchObject({ __typename: 'HotelEventError', code: 'CONFLICT' });
    expect(await savePlan('FIRE', 'x', { steps: [] })).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'steps'] }] });
    const staff = await hotel.member(['STAFF']);
    const forbidden = await api.mutate('saveHotelEmergencyPlan', { hazard: 'CROWD', title: 'x', roles: [], steps: ['x'] }, '', staff.token);
    expect(forbidden.__typename).toBe('ForbiddenError');
  });

  it('drill: scheduled, run and timed, reviewed; only a passed review drills the plan, within the tenant’s period', async () => {
    const food = (await savePlan('FOOD_SAFETY', '食品安全应急预案')).plan.id;
    const power = (await savePlan('POWER_FAILURE', '停电应急预案')).plan.id;
    // An event in three days needing both plans, everything else ready.
    const eventId = await api.createEvent(admin, { startsAt: inDays(3), endsAt: inDays(4), hazards: ['FOOD_SAFETY', 'POWER_FAILURE'] });
    const item = await api.addItem(admin, eventId, 'ENGINEERING', '备用发电机测试');
    await api.report(admin, item, 'READY', { evidence: '测试记录' });
    const area = await api.addArea(admin, eventId, (await api.areaIds(admin)).中餐厅!);
    await api.mutate(
      'inspectHotelEventArea',
      { eventAreaId: area, scores: api.scores(await api.criteria(admin, 'INSPECTION')) },
      '',
      admin,
      'HotelEventAreaPayload',
    );
    let gate = await api.gate(admin, eventId);
    expect(gate.reasons.map((r) => [r.code, r.hazard])).toEqual([
      ['EMERGENCY_PLAN_NOT_DRILLED', 'POWER_FAILURE'],
      ['EMERGENCY_PLAN_NOT_DRILLED', 'FOOD_SAFETY'],
    ]);

    // Reviewing a drill that has not been run is refused.
    const early = await api.mutate('scheduleHotelDrill', { planId: food, scheduledAt: inDays(1) }, DRILL, admin, 'HotelDrillPayload');
    expect(early.drill).toMatchObject({ status: 'SCHEDULED', durationMinutes: null, passed: false });
    const notRun = await api.mutate('reviewHotelDrill', { drillId: early.drill.id, scores: api.scores(await api.criteria(admin, 'DRILL')) }, '', admin);
    expect(notRun).toMatchObject({ __typename: 'HotelEventError', code: 'ILLEGAL_TRANSITION' });

    // A failed review (a pass/fail criterion failed): not drilled, a finding with its corrective task.
    const failed = await drillOnce(food, ['预案覆盖主要风险']);
    expect(failed.drill).toMatchObject({ status: 'REVIEWED', passed: false, review: { status: 'REVIEWED' }, plan: { drilled: false } });
    expect(failed.drill.durationMinutes).toBe(14);
    const findings = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on HotelDrill { review { findings { open task { title } } } } } }`,
      { id: failed.drill.id },
      admin,
    );
    expect(findings.node.review.findings).toHaveLength(1);
    expect(findings.node.review.findings[0].task.title).toContain('预案覆盖主要风险');
    const twice = await api.mutate('reviewHotelDrill', { drillId: failed.drill.id, scores: api.scores(await api.criteria(admin, 'DRILL')) }, '', admin);
    expect(twice).toMatchObject({ __typename: 'HotelEventError', code: 'ILLEGAL_TRANSITION' });
    expect((await api.gate(admin, eventId)).reasons.map((r) => r.hazard)).toEqual(['POWER_FAILURE', 'FOOD_SAFETY']);

    // Passed reviews drill both plans: the gate is GO.
    expect((await drillOnce(food, [])).drill).toMatchObject({ passed: true, plan: { drilled: true } });
    expect((await api.gate(admin, eventId)).reasons.map((r) => r.hazard)).toEqual(['POWER_FAILURE']);
    await drillOnce(power, []);
    expect(await api.gate(admin, eventId)).toEqual({ status: 'GO', reasons: [] });

    // The tenant's period shrinks to one day: a drill of yesterday no longer counts three days ahead.
    const settings = await api.mutate('updateHotelSettings', { drillValidityDays: 1 }, '... on HotelSettingsPayload { settings { drillValidityDays } }', admin);
    expect(settings.settings.drillValidityDays).toBe(1);
    gate = await api.gate(admin, eventId);
    expect(gate.status).toBe('NO_GO');
    expect(gate.reasons.map((r) => r.code)).toEqual(['EMERGENCY_PLAN_NOT_DRILLED', 'EMERGENCY_PLAN_NOT_DRILLED']);
    await api.mutate('updateHotelSettings', { drillValidityDays: 180 }, '', admin, 'HotelSettingsPayload');
    expect((await api.gate(admin, eventId)).status).toBe('GO');

    const plans = await api.gql(`{ hotelEmergencyPlans { hazard drilled drills { status } } }`, {}, admin);
    expect(plans.hotelEmergencyPlans.map((p: { hazard: string; drilled: boolean }) => [p.hazard, p.drilled])).toEqual([
      ['FIRE', false],
      ['POWER_FAILURE', true],
      ['FOOD_SAFETY', true],
    ]);
  });
});
