// The demo hotel's extras, seeded through the services in a hotel tenant (rolled back afterwards): an
// upcoming event serving the demo visit with its team, department reports in mixed states, a room block
// with a rooming list, a fire plan with one passed drill, and a NO_GO gate whose reasons say what to do —
// and clearing them (as a newcomer would) makes it GO.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, rawId, startTestApp, withTenantTransaction, type TestApp, type TestTenant } from '@jiedai/testing';
import { seedDemoVisit } from '../../../seed/demo-visits.ts';
import { changeTaskStatus } from '../../shared/tasks/task.service.ts';
import { hotelKind } from '../index.ts';
import { recordDrillRun, reviewDrill, saveEmergencyPlan, scheduleDrill } from '../emergency-plan.service.ts';
import { eventGate, inspectEventArea, reportReadiness } from '../hotel-event.service.ts';
import { criteriaOf } from '../../shared/assessments/assessment.service.ts';

let t: TestApp;
let hotel: TestTenant;
let coordinator: { membershipId: string };

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  coordinator = await hotel.member(['COORDINATOR', 'APPROVER']);
  await hotel.member(['STAFF']);
});
afterAll(() => t?.close());

describe('the demo hotel', () => {
  it('has an upcoming event, mixed reports, a room block, a drilled plan and a NO_GO gate a newcomer can clear', async () => {
    await withTenantTransaction(t, hotel, async (deps) => {
      const visitId = await seedDemoVisit(deps, hotelKind, { membershipId: rawId(coordinator.membershipId) });
      // The hotel's extras do not use the department (the seed passes its demo department).
      await hotelKind.demo.seedExtras!(deps, { visitId, departmentId: '' });

      const event = await deps.db.hotelEvent.findFirstOrThrow({
        where: { visitId },
        include: { team: true, readinessItems: true, areas: true, roomBlocks: { include: { rooming: true, nights: true } } },
      });
      expect(event.startsAt.getTime()).toBeGreaterThan(Date.now());
      expect(event.team.map((m) => m.role).sort()).toEqual(['LEADER', 'LIAISON']);
      expect(new Set(event.readinessItems.map((i) => i.status))).toEqual(new Set(['READY', 'IN_PROGRESS', 'NOT_STARTED', 'BLOCKED']));
      const [block] = event.roomBlocks;
      expect(block!.rooming.filter((r) => !r.isSpare).length).toBeGreaterThanOrEqual(2);
      expect(block!.rooming.some((r) => r.isSpare)).toBe(true);
      const fire = await deps.db.hotelEmergencyPlan.findFirstOrThrow({ where: { hazard: 'FIRE' }, include: { drills: true } });
      expect(fire.drills).toHaveLength(1);

      let gate = (await eventGate(deps.db, event.id))!;
      expect(gate.status).toBe('NO_GO');
      // The hotel's own reasons (the visit's plan may add its BLOCKER issues, which its coordinator clears).
      expect(gate.reasons.map((r) => r.code).filter((c) => c !== 'VISIT_PLAN_BLOCKER')).toEqual([
        'DEPARTMENT_NOT_READY',
        'DEPARTMENT_NOT_READY',
        'DEPARTMENT_NOT_READY',
        'AREA_INSPECTION_FAILED',
        'AREA_NOT_INSPECTED',
        'EMERGENCY_PLAN_NOT_DRILLED',
        'EMERGENCY_PLAN_MISSING',
      ]);
      expect(gate.reasons.find((r) => r.code === 'AREA_INSPECTION_FAILED')!.message).toContain('桌布有污渍');
      expect(gate.reasons.find((r) => r.code === 'EMERGENCY_PLAN_MISSING')!.hazard).toBe('FOOD_SAFETY');

      // Clearing the hotel's own reasons, as the messages say.
      for (const item of event.readinessItems.filter((i) => i.status !== 'READY')) {
        await reportReadiness(deps, { itemId: item.id, status: 'READY', evidence: '已完成' });
      }
      const version = await deps.db.assessmentTemplateVersion.findFirstOrThrow({ where: { template: { kind: 'INSPECTION', subjectType: 'HOTEL_AREA' } } });
      const best = criteriaOf(version).map((c) => ({ criterionKey: c.key, value: c.scale.kind === 'PASS_FAIL' ? 1 : c.scale.max }));
      const uninspected = await deps.db.hotelEventArea.findFirstOrThrow({ where: { eventId: event.id, assessmentId: null } });
      await inspectEventArea(deps, { eventAreaId: uninspected.id, scores: best });
      for (const finding of await deps.db.finding.findMany({ where: { closedAt: null } })) {
        await changeTaskStatus(deps, { taskId: finding.taskId!, status: 'DONE' });
      }
      const drillVersion = await deps.db.assessmentTemplateVersion.findFirstOrThrow({ where: { template: { kind: 'DRILL' } } });
      const drillScores = criteriaOf(drillVersion).map((c) => ({ criterionKey: c.key, value: c.scale.kind === 'PASS_FAIL' ? 1 : c.scale.max }));
      const power = await deps.db.hotelEmergencyPlan.findFirstOrThrow({ where: { hazard: 'POWER_FAILURE' } });
      const food = await saveEmergencyPlan(deps, {
        hazard: 'FOOD_SAFETY',
        title: '食品安全应急预案',
        roles: [{ role: '总指挥', responsibility: '启动预案' }],
        steps: ['封存留样'],
      });
      for (const plan of [power, food]) {
        const drill = await scheduleDrill(deps, { planId: plan.id, scheduledAt: new Date(Date.now() - 7_200_000) });
        await recordDrillRun(deps, { drillId: drill.id, startedAt: new Date(Date.now() - 3_600_000), endedAt: new Date(Date.now() - 1_800_000) });
        await reviewDrill(deps, { drillId: drill.id, scores: drillScores });
      }
      gate = (await eventGate(deps.db, event.id))!;
      // What is left, if anything, is the visit's own plan (its BLOCKER issues), which the visit's coordinator clears.
      expect(gate.reasons.filter((r) => r.code !== 'VISIT_PLAN_BLOCKER')).toEqual([]);
      expect(gate.status).toBe(gate.reasons.length === 0 ? 'GO' : 'NO_GO');
    });
  });
});
