// The demo government office's visit gets its protocol: a reception standard proposed from the principal guest's
// rank, the banquet's seating and the car seating, all within the rules; a second visit has two units, each at its
// own host's table (run on a test tenant, rolled back).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant, withTenantTransaction } from '@jiedai/testing';
import { seedDemoVisit } from '../../../seed/demo-visits.ts';
import { loadPlan } from '../../shared/visits/visit.plan-loader.ts';
import { modulePlanIssues } from '../../shared/visits/visit.hooks.ts';
import { type BanquetPlan, checkBanquetSeating } from '../banquet-seating.rules.ts';
import type { StoredVehicleSeating } from '../seating.service.ts';
import { governmentKind } from '../index.ts';
import { DEMO_UNITS, TWO_UNIT_VISIT_TITLE } from '../government.demo.ts';
import { visitingUnits } from '../../shared/visits/visit-parts.service.ts';

let t: TestApp;
let gov: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  gov = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
  await gov.member(['STAFF']);
});
afterAll(() => t?.close());

describe('government demo data', () => {
  it('gives the demo visit a reception standard, a banquet seating plan and car seating', async () => {
    await withTenantTransaction(t, gov, async (deps) => {
      const admin = await deps.db.membership.findFirstOrThrow({ where: { roles: { has: 'TENANT_ADMIN' } } });
      const visitId = await seedDemoVisit(deps, governmentKind, { membershipId: admin.id });
      await governmentKind.demo.seedExtras!(deps, { visitId, departmentId: '' });

      const standard = await deps.db.visitReceptionStandard.findFirstOrThrow({ where: { visitId }, include: { standard: true } });
      expect(standard.standard?.name).toBe('厅局级');
      expect(standard.mealAllowancePerHead.toFixed(2)).toBe('300.00');

      const banquet = await deps.db.banquetSeating.findFirstOrThrow({ where: { meal: { visitId, kind: 'BANQUET' } } });
      const plan = banquet.plan as unknown as BanquetPlan;
      expect(checkBanquetSeating(plan)).toEqual([]);
      const seat = (n: number) => plan.tables[0]!.seats[n - 1]!;
      expect(seat(1).person?.id).toBe(admin.id);
      expect(seat(10).person?.name).toBe('王建国');
      expect(seat(2).person?.name).toBe('李芳');

      const sedan = await deps.db.vehicleSeating.findFirstOrThrow({ where: { vehicle: { visitId, kind: 'SEDAN' } } });
      const seats = (sedan.plan as unknown as StoredVehicleSeating).seats;
      const at = (code: string) => seats.find((s) => s.code === code)?.person;
      expect(at('BACK_RIGHT')?.name).toBe('王建国');
      expect(at('BACK_LEFT')?.id).toBe(admin.id);
      expect(at('FRONT_RIGHT')?.role).toBe('STAFF');

      const issues = await modulePlanIssues(deps.db, visitId, await loadPlan(deps.db, visitId));
      expect(issues.filter((i) => i.severity === 'BLOCKER')).toEqual([]);
      expect(issues.map((i) => i.code)).not.toContain('SEATING_RULE_BROKEN');

      // The second demo visit: two units, each at its own host leader's table.
      const two = await deps.db.visit.findFirstOrThrow({ where: { title: TWO_UNIT_VISIT_TITLE }, include: { hosts: true } });
      const units = await visitingUnits(deps.db, two.id);
      expect(units.map((u) => [u.name, u.guests.map((g) => g.name), u.hosts.map((h) => h.role)])).toEqual([
        [DEMO_UNITS[0], ['陈志远', '刘洋'], ['HOST_LEADER']],
        [DEMO_UNITS[1], ['黄晓梅', '吴敏', '郑凯'], ['HOST_LEADER']],
      ]);
      const twoPlan = (await deps.db.banquetSeating.findFirstOrThrow({ where: { meal: { visitId: two.id } } })).plan as unknown as BanquetPlan;
      expect(checkBanquetSeating(twoPlan)).toEqual([]);
      expect(twoPlan.tables).toHaveLength(2);
      for (const [t, unit] of DEMO_UNITS.entries()) {
        const table = twoPlan.tables[t]!;
        expect(table.seats[0]!.person).toMatchObject({ side: 'HOST', id: units[t]!.hosts[0]!.membershipId, unit });
        expect(table.seats[table.seats.length - 1]!.person).toMatchObject({ name: units[t]!.guests[0]!.name, unit });
        expect(new Set(table.seats.flatMap((s) => (s.person?.side === 'GUEST' ? [s.person.unit] : [])))).toEqual(new Set([unit]));
      }
      const twoIssues = await modulePlanIssues(deps.db, two.id, await loadPlan(deps.db, two.id));
      expect(twoIssues.map((i) => i.code)).not.toContain('GREETER_BELOW_STANDARD');
      expect(twoIssues.map((i) => i.code)).not.toContain('SEATING_RULE_BROKEN');
    });
  });
});
