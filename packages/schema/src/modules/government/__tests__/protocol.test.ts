// The government office's protocol through the real gateway: reception standards proposed from the principal
// guest's rank and checked against the budget, banquet seating proposed, moved by hand (the broken rule becomes a
// plan issue), car seating, the SVG charts, and who may do what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi, type VisitApi } from '../../shared/visits/__tests__/visits.helpers.ts';

let t: TestApp;
let gov: TestTenant;
let api: VisitApi;
let viewer: string;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  api = visitApi(t);
  viewer = (await gov.member(['VIEWER'])).token;
});
afterAll(() => t?.close());

const token = () => gov.adminToken;

async function defineStandard(input: Record<string, unknown>) {
  const data = await api.gql(
    `mutation($input: DefineReceptionStandardInput!) { defineReceptionStandard(input: $input) {
       __typename ... on ReceptionStandardPayload { receptionStandard { id name mealAllowancePerHead } } ... on Error { code message } } }`,
    { input },
    token(),
  );
  return data.defineReceptionStandard;
}

async function setStandard(visitId: string, input: Record<string, unknown> = {}, as = token()) {
  const expectedVersion = await api.version(token(), visitId);
  const res = await t.gql(
    `mutation($input: SetVisitReceptionStandardInput!) { setVisitReceptionStandard(input: $input) {
       __typename ... on VisitReceptionStandardPayload { visit { version receptionStandard { standard { name } mealAllowancePerHead overridden overrideReason } } }
       ... on Error { code message } } }`,
    { input: { visitId, expectedVersion, ...input } },
    { token: as },
  );
  return res.data?.setVisitReceptionStandard ?? res;
}

/** A visit with a principal guest of rank level 5 (厅局级正职), two more guests, our host leader and a staff member. */
async function delegationVisit() {
  const visitId = await api.newVisit(token());
  await api.add(token(), 'saveVisitGuest', visitId, { name: '王厅长', gender: 'MALE', rankLevel: 5, principalOrder: 1, title: '厅长' });
  await api.add(token(), 'saveVisitGuest', visitId, { name: '李处长', gender: 'FEMALE', rankLevel: 7, principalOrder: 2 });
  await api.add(token(), 'saveVisitGuest', visitId, { name: '张科长', gender: 'MALE', rankLevel: 9 });
  const leader = await gov.member(['COORDINATOR']);
  const staff = await gov.member(['STAFF']);
  await api.add(token(), 'saveVisitHost', visitId, { membershipId: leader.membershipId, role: 'HOST_LEADER' });
  await api.add(token(), 'saveVisitHost', visitId, { membershipId: staff.membershipId, role: 'ACCOMPANYING' });
  return { visitId, leader, staff };
}

describe('reception standards', () => {
  it('are proposed from the principal guest’s rank, overridden only with a reason, and checked against the meal budget', async () => {
    expect(
      await defineStandard({
        name: '厅局级',
        minRankLevel: 5,
        maxRankLevel: 6,
        lodgingClass: '套房',
        mealAllowancePerHead: '120.00',
        vehicleClass: 'SEDAN',
        giftLimitPerHead: '200',
      }),
    ).toMatchObject({
      __typename: 'ReceptionStandardPayload',
    });
    await defineStandard({
      name: '县处级及以下',
      minRankLevel: 7,
      maxRankLevel: 12,
      lodgingClass: '标准间',
      mealAllowancePerHead: '80',
      vehicleClass: 'MINIBUS',
    });
    expect(
      await defineStandard({ name: '厅局级', minRankLevel: 5, maxRankLevel: 6, lodgingClass: '套房', mealAllowancePerHead: '1', vehicleClass: 'SEDAN' }),
    ).toMatchObject({ code: 'NAME_TAKEN' });

    const { visitId } = await delegationVisit();
    // Before a standard is set, the visit is told to set one.
    expect((await api.issues(token(), visitId)).map((i) => i.code)).toContain('NO_RECEPTION_STANDARD');

    const set = await setStandard(visitId);
    expect(set.visit.receptionStandard).toEqual({ standard: { name: '厅局级' }, mealAllowancePerHead: '120.00', overridden: false, overrideReason: null });

    // Figures that differ need a reason; refused, nothing changes.
    const version = await api.version(token(), visitId);
    expect(await setStandard(visitId, { mealAllowancePerHead: '150' })).toMatchObject({ __typename: 'ProtocolError', code: 'OVERRIDE_NEEDS_REASON' });
    expect(await api.version(token(), visitId)).toBe(version);
    const overridden = await setStandard(visitId, { mealAllowancePerHead: '150', overrideReason: '省领导随行，经分管领导同意' });
    expect(overridden.visit.receptionStandard).toMatchObject({ mealAllowancePerHead: '150.00', overridden: true });

    // Two meals for three guests at 150.00: 900.00 is within the standard, 900.01 is not (exact).
    await api.add(token(), 'saveMeal', visitId, { kind: 'LUNCH', startsAt: '2030-05-10T04:00:00.000Z' });
    await api.add(token(), 'saveMeal', visitId, { kind: 'DINNER', startsAt: '2030-05-10T10:30:00.000Z' });
    const line = await api.add(token(), 'saveBudgetLine', visitId, { category: 'MEALS', planned: '900.00' });
    expect((await api.issues(token(), visitId)).map((i) => i.code)).not.toContain('MEALS_OVER_STANDARD');
    await api.save(token(), 'saveBudgetLine', visitId, { id: line, category: 'MEALS', planned: '900.01' });
    const over = (await api.issues(token(), visitId)).find((i) => i.code === 'MEALS_OVER_STANDARD');
    expect(over).toMatchObject({ severity: 'BLOCKER', recordIds: [line] });
  });

  it('reports ranks up by the tenant’s rule: a task, and a BLOCKER until the report is recorded', async () => {
    await defineStandard({
      name: '省部级',
      minRankLevel: 3,
      maxRankLevel: 4,
      lodgingClass: '套房',
      mealAllowancePerHead: '200',
      vehicleClass: 'SEDAN',
      reportUp: true,
    });
    const visitId = await api.newVisit(token());
    await api.add(token(), 'saveVisitGuest', visitId, { name: '陈副部长', rankLevel: 4, principalOrder: 1 });
    expect((await api.issues(token(), visitId)).map((i) => i.code)).not.toContain('IMPORTANT_LEADER_NOT_ESCALATED');
    expect(await setStandard(visitId)).toMatchObject({ __typename: 'VisitReceptionStandardPayload' });
    const escalation = (await api.issues(token(), visitId)).find((i) => i.code === 'IMPORTANT_LEADER_NOT_ESCALATED');
    expect(escalation?.severity).toBe('BLOCKER');
    const tasks = await api.read(token(), visitId, 'tasks(first: 100) { edges { node { title assigneeRole } } }');
    expect(tasks.tasks.edges.map((e: { node: { title: string } }) => e.node.title)).toContain('向市领导汇报（省部级）');
    // Setting the standard again does not add a second task; recording the report clears the issue.
    await setStandard(visitId);
    const again = await api.read(token(), visitId, 'tasks(first: 100) { edges { node { title } } }');
    expect(again.tasks.edges.filter((e: { node: { title: string } }) => e.node.title.startsWith('向市领导汇报')).length).toBe(1);
    await api.escalate(token(), visitId, '已向分管副市长汇报，同意按省部级标准接待');
    expect((await api.issues(token(), visitId)).map((i) => i.code)).not.toContain('IMPORTANT_LEADER_NOT_ESCALATED');
  });

  it('refuses a visit whose principal guest has no rank covered, and a viewer', async () => {
    const visitId = await api.newVisit(token());
    await api.add(token(), 'saveVisitGuest', visitId, { name: '陈部长', rankLevel: 2, principalOrder: 1 });
    expect(await setStandard(visitId)).toMatchObject({ code: 'NO_STANDARD_FOR_RANK' });
    expect(await setStandard(visitId, {}, viewer)).toMatchObject({ __typename: 'ForbiddenError' });
  });
});

describe('banquet and car seating', () => {
  it('proposes the seating of a meal by the protocol; a move by hand that breaks a rule becomes a plan issue', async () => {
    const { visitId, leader } = await delegationVisit();
    const mealId = await api.add(token(), 'saveMeal', visitId, { kind: 'BANQUET', startsAt: '2030-05-10T10:30:00.000Z', place: '迎宾馆' });
    const proposed = await api.gql(
      `mutation($input: ProposeBanquetSeatingInput!) { proposeBanquetSeating(input: $input) {
         __typename ... on SeatingPayload { meal { banquetSeating { seatsPerTable manualMoves brokenRules { rule }
           tables { number seats { seat angle rule person { id name side } } servingOrder { position person { name } rule } svg } } } }
         ... on Error { code message } } }`,
      { input: { mealId, expectedVersion: await api.version(token(), visitId), seatsPerTable: 8 } },
      token(),
    );
    const seating = proposed.proposeBanquetSeating.meal.banquetSeating;
    expect(seating).toMatchObject({ seatsPerTable: 8, manualMoves: 0, brokenRules: [] });
    const seats = seating.tables[0].seats as Array<{ seat: number; rule: string | null; person: { id: string; name: string; side: string } | null }>;
    const at = (n: number) => seats.find((s) => s.seat === n)!;
    expect(at(1)).toMatchObject({ rule: 'HOST_FACES_DOOR', person: { id: leader.membershipId } });
    expect(at(8)).toMatchObject({ rule: 'FIRST_GUEST_HOST_RIGHT', person: { name: '王厅长' } });
    expect(at(2)).toMatchObject({ rule: 'SECOND_GUEST_HOST_LEFT', person: { name: '李处长' } });
    expect(seating.tables[0].servingOrder.slice(0, 3).map((s: { person: { name: string } }) => s.person.name)).toEqual([
      '王厅长',
      expect.any(String),
      '李处长',
    ]);
    expect(seating.tables[0].svg).toContain('王厅长');
    expect((await api.issues(token(), visitId)).map((i) => i.code)).not.toContain('SEATING_RULE_BROKEN');

    // Move the principal guest to seat 5: his seat is no longer on the host's right.
    const moved = await api.gql(
      `mutation($input: MoveBanquetSeatInput!) { moveBanquetSeat(input: $input) {
         __typename ... on SeatingPayload { meal { banquetSeating { manualMoves brokenRules { rule } } } } ... on Error { code message } } }`,
      { input: { mealId, expectedVersion: await api.version(token(), visitId), personId: at(8).person!.id, table: 1, seat: 5 } },
      token(),
    );
    expect(moved.moveBanquetSeat.meal.banquetSeating.manualMoves).toBe(1);
    expect(moved.moveBanquetSeat.meal.banquetSeating.brokenRules.map((b: { rule: string }) => b.rule)).toContain('FIRST_GUEST_HOST_RIGHT');
    const issue = (await api.issues(token(), visitId)).find((i) => i.code === 'SEATING_RULE_BROKEN');
    expect(issue?.message).toContain('FIRST_GUEST_HOST_RIGHT');
    expect(issue?.recordIds).toEqual([mealId]);

    // A seat that does not exist is refused, nothing changes.
    const version = await api.version(token(), visitId);
    const refused = await api.gql(
      `mutation($input: MoveBanquetSeatInput!) { moveBanquetSeat(input: $input) { __typename ... on ProtocolError { code } } }`,
      { input: { mealId, expectedVersion: version, personId: at(8).person!.id, table: 2, seat: 1 } },
      token(),
    );
    expect(refused.moveBanquetSeat).toEqual({ __typename: 'ProtocolError', code: 'NO_SUCH_SEAT' });
    expect(await api.version(token(), visitId)).toBe(version);
  });

  it('seats the guest back right, the host leader back left and staff beside the driver; too few seats is a plan issue', async () => {
    const { visitId, leader, staff } = await delegationVisit();
    const car = await api.add(token(), 'saveVehicle', visitId, { kind: 'SEDAN', seats: 4, plate: '京A·12345', driverName: '刘师傅' });
    const propose = async () =>
      (
        await api.gql(
          `mutation($input: ProposeCarSeatingInput!) { proposeCarSeating(input: $input) {
             __typename ... on SeatingPayload { visit { vehicles { id seating { seats { code person { id name } role rule } svg } } } } ... on Error { code message } } }`,
          { input: { visitId, expectedVersion: await api.version(token(), visitId) } },
          token(),
        )
      ).proposeCarSeating;
    const first = await propose();
    const seats = first.visit.vehicles[0].seating.seats as Array<{ code: string; person: { id: string; name: string } | null; role: string; rule: string }>;
    const code = (c: string) => seats.find((s) => s.code === c)!;
    expect(code('BACK_RIGHT')).toMatchObject({ person: { name: '王厅长' }, role: 'GUEST', rule: 'GUEST_BACK_RIGHT' });
    expect(code('BACK_LEFT')).toMatchObject({ person: { id: leader.membershipId }, role: 'LEADER', rule: 'LEADER_BACK_LEFT' });
    expect(code('FRONT_RIGHT')).toMatchObject({ person: { id: staff.membershipId }, role: 'STAFF', rule: 'STAFF_BESIDE_DRIVER' });
    expect(first.visit.vehicles[0].seating.svg).toContain('刘师傅');
    // Five people, four seats: one has no seat.
    expect((await api.issues(token(), visitId)).find((i) => i.code === 'CAR_SEATS_DO_NOT_FIT')?.recordIds).toEqual([car]);
    await api.add(token(), 'saveVehicle', visitId, { kind: 'SEDAN', seats: 4 });
    await propose();
    expect((await api.issues(token(), visitId)).map((i) => i.code)).not.toContain('CAR_SEATS_DO_NOT_FIT');
  });

  it('refuses a viewer', async () => {
    const { visitId } = await delegationVisit();
    const res = await t.gql(
      `mutation($input: ProposeCarSeatingInput!) { proposeCarSeating(input: $input) { __typename } }`,
      { input: { visitId, expectedVersion: await api.version(token(), visitId) } },
      { token: viewer },
    );
    expect(res.data.proposeCarSeating).toEqual({ __typename: 'ForbiddenError' });
  });

  it('serves the charts over HTTP to the tenant’s members only', async () => {
    const { visitId } = await delegationVisit();
    const mealId = await api.add(token(), 'saveMeal', visitId, { kind: 'BANQUET', startsAt: '2030-05-10T10:30:00.000Z' });
    const vehicleId = await api.add(token(), 'saveVehicle', visitId, { kind: 'SEDAN', seats: 4, driverName: '刘师傅' });
    await api.gql(
      `mutation($input: ProposeBanquetSeatingInput!) { proposeBanquetSeating(input: $input) { __typename } }`,
      { input: { mealId, expectedVersion: await api.version(token(), visitId) } },
      token(),
    );
    await api.gql(
      `mutation($input: ProposeCarSeatingInput!) { proposeCarSeating(input: $input) { __typename } }`,
      { input: { visitId, expectedVersion: await api.version(token(), visitId) } },
      token(),
    );
    const get = (path: string, as?: string) => t.fetch(path, { headers: as ? { authorization: `Bearer ${as}` } : {} });
    const table = await get(`/charts/meals/${mealId}/tables/1.svg`, viewer);
    expect(table.status).toBe(200);
    expect(table.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const svg = await table.text();
    expect(svg).toContain('王厅长');
    expect(svg).toContain('门');
    const car = await get(`/charts/vehicles/${vehicleId}.svg`, token());
    expect(car.status).toBe(200);
    expect(await car.text()).toContain('刘师傅');
    expect((await get(`/charts/meals/${mealId}/tables/2.svg`, token())).status).toBe(404);
    // Another tenant's member, and no one at all, see nothing.
    const platform = await createPlatformAdmin(t);
    const other = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
    expect((await get(`/charts/meals/${mealId}/tables/1.svg`, other.adminToken)).status).toBe(404);
    expect((await get(`/charts/vehicles/${vehicleId}.svg`)).status).toBe(404);
  });
});
