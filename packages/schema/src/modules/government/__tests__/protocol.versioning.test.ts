// The protocol is versioned with the plan, through the real gateway: an approved plan version freezes the visit's
// reception standard, its banquet seating and its car seating (sections the government module adds to the plan
// through the planExtensions visit hook); moving a seat or changing the standard after approval re-opens approval,
// and planDiff names the changed seat or standard with the global id of the record it belongs to.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { L, ok, visitApi, type VisitApi } from '../../shared/visits/__tests__/visits.helpers.ts';

let t: TestApp;
let gov: TestTenant;
let other: TestTenant;
let api: VisitApi;
let approver: { token: string; membershipId: string };

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  other = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  api = visitApi(t);
  approver = await gov.member(['APPROVER']);
  await api.gql(
    `mutation($input: DefineReceptionStandardInput!) { defineReceptionStandard(input: $input) { __typename } }`,
    { input: { name: '县处级', minRankLevel: 6, maxRankLevel: 9, lodgingClass: '标准间', mealAllowancePerHead: '100', vehicleClass: 'SEDAN' } },
    token(),
  );
});
afterAll(() => t?.close());

const token = () => gov.adminToken;

type DiffRecord = { kind: string; id: string; label: string; recordId: string; changes: Array<{ field: string; before: unknown; after: unknown }> };
type Diff = { added: DiffRecord[]; removed: DiffRecord[]; changed: DiffRecord[] };
const DIFF = '{ added { kind id label recordId } removed { kind id label recordId } changed { kind id label recordId changes { field before after } } }';

/** A one-day visit with no blockers: two guests, a host leader and a staff member, a lunch, a sedan, two contacts. */
async function readyVisit() {
  const visitId = await api.newVisit(token(), { startsAt: L('2030-06-01T09:00'), endsAt: L('2030-06-01T17:00') });
  await api.add(token(), 'saveVisitGuest', visitId, { name: '孙处长', gender: 'MALE', principalOrder: 1, rankLevel: 7 });
  await api.add(token(), 'saveVisitGuest', visitId, { name: '周科长', gender: 'FEMALE', principalOrder: 2, rankLevel: 9 });
  const leader = await gov.member(['COORDINATOR']);
  const staff = await gov.member(['STAFF']);
  await api.add(token(), 'saveVisitHost', visitId, { membershipId: leader.membershipId, role: 'HOST_LEADER' });
  await api.add(token(), 'saveVisitHost', visitId, { membershipId: staff.membershipId, role: 'ACCOMPANYING' });
  const mealId = await api.add(token(), 'saveMeal', visitId, { kind: 'LUNCH', startsAt: L('2030-06-01T12:00'), place: '机关食堂' });
  const vehicleId = await api.add(token(), 'saveVehicle', visitId, { kind: 'SEDAN', seats: 4, plate: '京A·10001', driverName: '刘师傅' });
  await api.add(token(), 'saveVisitContact', visitId, { name: '联络员甲', phone: '13800000011' });
  await api.add(token(), 'saveVisitContact', visitId, { name: '联络员乙', phone: '13800000012' });
  const standard = await api.gql(
    `mutation($input: SetVisitReceptionStandardInput!) { setVisitReceptionStandard(input: $input) { __typename ... on Error { code message } } }`,
    { input: { visitId, expectedVersion: await api.version(token(), visitId) } },
    token(),
  );
  expect(standard.setVisitReceptionStandard.__typename).toBe('VisitReceptionStandardPayload');
  await seating('proposeBanquetSeating', { mealId, seatsPerTable: 8 }, visitId);
  await seating('proposeCarSeating', { visitId }, visitId);
  return { visitId, mealId, vehicleId, leader, staff };
}

async function seating(field: string, input: Record<string, unknown>, visitId: string) {
  const input_ = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
  const data = await api.gql(
    `mutation($input: ${input_}!) { ${field}(input: $input) { __typename ... on Error { code message } } }`,
    { input: { ...input, expectedVersion: await api.version(token(), visitId) } },
    token(),
  );
  expect(data[field], JSON.stringify(data[field])).toMatchObject({ __typename: 'SeatingPayload' });
}

async function approve(visitId: string) {
  const read = await api.read(token(), visitId, 'status');
  if (read.status !== 'PENDING_APPROVAL') ok(await api.submit(token(), visitId));
  ok((await api.decide(approver.token, visitId, true)).data.decideVisitPlan);
}

async function versions(visitId: string) {
  return (await api.read(token(), visitId, 'status planVersions { number decision snapshot }')) as {
    status: string;
    planVersions: Array<{
      number: number;
      decision: string;
      snapshot: { extensions?: Record<string, Array<{ id: string; fields: Record<string, unknown> }>> };
    }>;
  };
}

async function diff(visitId: string, from: number, to: number): Promise<Diff> {
  return (await api.read(token(), visitId, `planDiff(from: ${from}, to: ${to}) ${DIFF}`)).planDiff;
}

describe('the protocol, versioned with the plan', () => {
  it('a version freezes the standard and the seating; a seat moved after approval re-opens approval and shows in planDiff', async () => {
    const { visitId, mealId } = await readyVisit();
    await approve(visitId);
    const v1 = await versions(visitId);
    expect(v1.status).toBe('APPROVED');
    const frozen = v1.planVersions[0]!.snapshot.extensions!;
    expect(Object.keys(frozen).sort()).toEqual(['banquetSeat', 'banquetSeating', 'carSeat', 'receptionStandard']);
    expect(frozen.receptionStandard).toEqual([
      expect.objectContaining({ id: rawId(visitId), fields: expect.objectContaining({ standardName: '县处级', mealAllowancePerHead: '100.00' }) }),
    ]);
    // Four people at the lunch, four in the sedan.
    expect(frozen.banquetSeat).toHaveLength(4);
    expect(frozen.carSeat).toHaveLength(4);

    // The principal guest sits on the host's right (seat 8 of 8); move him to seat 5.
    const seats = (
      await api.gql(
        `query($id: ID!) { node(id: $id) { ... on Meal { banquetSeating { tables { seats { seat person { id name } } } } } } }`,
        { id: mealId },
        token(),
      )
    ).node.banquetSeating.tables[0].seats as Array<{ seat: number; person: { id: string; name: string } | null }>;
    const principal = seats.find((s) => s.person?.name === '孙处长')!;
    expect(principal.seat).toBe(8);
    const moved = await api.gql(
      `mutation($input: MoveBanquetSeatInput!) { moveBanquetSeat(input: $input) { __typename ... on Error { code message } } }`,
      { input: { mealId, expectedVersion: await api.version(token(), visitId), personId: principal.person!.id, table: 1, seat: 5 } },
      token(),
    );
    expect(moved.moveBanquetSeat.__typename).toBe('SeatingPayload');

    const v2 = await versions(visitId);
    expect(v2.status).toBe('PENDING_APPROVAL');
    expect(v2.planVersions.map((v) => [v.number, v.decision])).toEqual([
      [1, 'APPROVED'],
      [2, 'PENDING'],
    ]);
    const changes = await diff(visitId, 1, 2);
    expect(changes.added).toEqual([]);
    expect(changes.removed).toEqual([]);
    const seatChanges = changes.changed.filter((c) => c.kind === 'banquetSeat');
    expect(changes.changed.every((c) => c.kind === 'banquetSeat')).toBe(true);
    const his = seatChanges.find((c) => c.label.startsWith('孙处长'))!;
    expect(his).toMatchObject({ id: `${rawId(mealId)}:${rawId(principal.person!.id)}`, recordId: mealId });
    // He keeps the rule that placed him (the move breaks it: a plan issue), so only his seat changed.
    expect(his.changes).toEqual([{ field: 'seat', before: 8, after: 5 }]);
    // Whoever sat in seat 5 took seat 8 (a swap): two seats changed, nothing else.
    expect(seatChanges.length).toBe(seats.find((s) => s.seat === 5)?.person ? 2 : 1);

    // The partner finds the changed seat's meal by the diff's recordId.
    const found = await api.gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id: his.recordId }, token());
    expect(found.node).toEqual({ __typename: 'Meal', id: mealId });
  });

  it('a changed reception standard after approval re-opens approval and shows in planDiff; the other tenant sees nothing', async () => {
    const { visitId } = await readyVisit();
    await approve(visitId);
    const changed = await api.gql(
      `mutation($input: SetVisitReceptionStandardInput!) { setVisitReceptionStandard(input: $input) { __typename ... on Error { code message } } }`,
      { input: { visitId, expectedVersion: await api.version(token(), visitId), mealAllowancePerHead: '120', overrideReason: '外省来宾，经分管领导同意' } },
      token(),
    );
    expect(changed.setVisitReceptionStandard.__typename).toBe('VisitReceptionStandardPayload');
    const v = await versions(visitId);
    expect(v.status).toBe('PENDING_APPROVAL');
    const changes = await diff(visitId, 1, 2);
    expect(changes.changed).toEqual([
      {
        kind: 'receptionStandard',
        id: rawId(visitId),
        label: '接待标准 县处级',
        recordId: visitId,
        changes: [
          { field: 'mealAllowancePerHead', before: '100.00', after: '120.00' },
          { field: 'overrideReason', before: null, after: '外省来宾，经分管领导同意' },
        ],
      },
    ]);
    // Setting the same standard again changes nothing in the plan: the new version's diff is empty.
    await approve(visitId);
    const again = await api.gql(
      `mutation($input: SetVisitReceptionStandardInput!) { setVisitReceptionStandard(input: $input) { __typename } }`,
      { input: { visitId, expectedVersion: await api.version(token(), visitId), mealAllowancePerHead: '120', overrideReason: '外省来宾，经分管领导同意' } },
      token(),
    );
    expect(again.setVisitReceptionStandard.__typename).toBe('VisitReceptionStandardPayload');
    expect(await diff(visitId, 2, 3)).toEqual({ added: [], removed: [], changed: [] });

    // Tenant B neither reads the visit nor its diff.
    const res = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on Visit { planDiff(from: 1, to: 2) ${DIFF} } } }`,
      { id: visitId },
      { token: other.adminToken },
    );
    expect(res.data?.node ?? null).toBeNull();
  });

  it('moveCarSeat by hand: a broken car rule becomes a plan issue; after approval it re-opens approval and shows in planDiff', async () => {
    const { visitId, vehicleId, leader } = await readyVisit();
    await approve(visitId);
    const seatsOf = async () =>
      (await api.gql(`query($id: ID!) { node(id: $id) { ... on Vehicle { seating { seats { code person { id name } rule } } } } }`, { id: vehicleId }, token()))
        .node.seating.seats as Array<{ code: string; person: { id: string; name: string } | null; rule: string | null }>;
    const before = await seatsOf();
    const guest = before.find((s) => s.code === 'BACK_RIGHT')!.person!;
    expect(guest.name).toBe('孙处长');
    expect(before.find((s) => s.code === 'BACK_LEFT')!.person!.id).toBe(leader.membershipId);
    const move = async (input: Record<string, unknown>, as = token()) =>
      (
        await t.gql(
          `mutation($input: MoveCarSeatInput!) { moveCarSeat(input: $input) { __typename ... on Error { code message } } }`,
          { input: { vehicleId, expectedVersion: await api.version(token(), visitId), ...input } },
          { token: as },
        )
      ).data.moveCarSeat;

    // Refused, nothing changes: a seat the car does not have, a viewer.
    const version = await api.version(token(), visitId);
    expect(await move({ personId: guest.id, seat: 'R3C9' })).toMatchObject({ __typename: 'ProtocolError', code: 'NO_SUCH_SEAT' });
    const viewer = await gov.member(['VIEWER']);
    expect(await move({ personId: guest.id, seat: 'BACK_LEFT' }, viewer.token)).toMatchObject({ __typename: 'ForbiddenError' });
    expect(await api.version(token(), visitId)).toBe(version);
    expect((await versions(visitId)).status).toBe('APPROVED');

    // The guest to the back left: he and the leader change places, both car rules are broken.
    expect(await move({ personId: guest.id, seat: 'BACK_LEFT' })).toEqual({ __typename: 'SeatingPayload' });
    const after = await seatsOf();
    expect(after.find((s) => s.code === 'BACK_LEFT')!.person!.id).toBe(guest.id);
    expect(after.find((s) => s.code === 'BACK_RIGHT')!.person!.id).toBe(leader.membershipId);
    const issues = (await api.issues(token(), visitId)).filter((i) => i.code === 'CAR_SEATING_RULE_BROKEN');
    expect(issues.map((i) => i.message.split(' ')[0])).toEqual(['GUEST_BACK_RIGHT', 'LEADER_BACK_LEFT']);
    expect(issues.every((i) => i.severity === 'WARNING' && i.recordIds.join() === vehicleId)).toBe(true);

    expect((await versions(visitId)).status).toBe('PENDING_APPROVAL');
    const changes = await diff(visitId, 1, 2);
    const rows = changes.changed.map((c) => [c.kind, c.label, c.recordId, c.changes.map((x) => [x.field, x.before, x.after])]);
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['carSeat', '孙处长 (car)', vehicleId, [['seat', 'BACK_RIGHT', 'BACK_LEFT']]],
        ['carSeat', expect.stringContaining('(car)'), vehicleId, [['seat', 'BACK_LEFT', 'BACK_RIGHT']]],
      ]),
    );

    // Moved back, the rules hold again.
    expect(await move({ personId: guest.id, seat: 'BACK_RIGHT' })).toEqual({ __typename: 'SeatingPayload' });
    expect((await api.issues(token(), visitId)).map((i) => i.code)).not.toContain('CAR_SEATING_RULE_BROKEN');
  });
});
