// Several visiting units (来访单位) through the real gateway: each unit's host in the order of the unit's principal
// guest (the first unit's host is the host, the second's the second host 副主人 facing him), and a greeter below the
// reception standard's greeting rank: the BLOCKER GREETER_BELOW_STANDARD until a polite explanation is recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi, type VisitApi } from '../../shared/visits/__tests__/visits.helpers.ts';

let t: TestApp;
let gov: TestTenant;
let other: TestTenant;
let api: VisitApi;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  other = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  api = visitApi(t);
  await api.gql(
    `mutation($input: DefineReceptionStandardInput!) { defineReceptionStandard(input: $input) { __typename } }`,
    {
      input: {
        name: '厅局级',
        minRankLevel: 5,
        maxRankLevel: 6,
        lodgingClass: '套间',
        mealAllowancePerHead: '300',
        vehicleClass: 'SEDAN',
        greetingLeaderLevel: 5,
      },
    },
    token(),
  );
});
afterAll(() => t?.close());

const token = () => gov.adminToken;

/** A member of ours with the rank of the given level on the seeded ladder. */
async function rankedMember(level: number) {
  const member = await gov.member(['COORDINATOR']);
  const ladder = (await api.gql(`{ rankLadder { id level } }`, {}, token())).rankLadder as Array<{ id: string; level: number }>;
  const rank = ladder.find((r) => r.level === level)!;
  const res = await api.gql(
    `mutation($m: ID!, $r: ID) { assignRank(input: { membershipId: $m, rankId: $r }) { __typename } }`,
    { m: member.membershipId, r: rank.id },
    token(),
  );
  expect(res.assignRank.__typename).toBe('AssignRankPayload');
  return member;
}

describe('several visiting units', () => {
  it('seat each unit’s host by the unit’s principal guest; a greeter below the standard needs a polite explanation', async () => {
    const visitId = await api.newVisit(token());
    await api.add(token(), 'saveVisitGuest', visitId, { name: '周局长', rankLevel: 6, principalOrder: 2, unit: '省交通厅' });
    await api.add(token(), 'saveVisitGuest', visitId, { name: '王厅长', rankLevel: 5, principalOrder: 1, unit: '省卫健委' });
    await api.add(token(), 'saveVisitGuest', visitId, { name: '李处长', rankLevel: 7, unit: '省卫健委' });
    const hostOfSecond = await rankedMember(6);
    const hostOfFirst = await rankedMember(5);
    // Saved in the "wrong" order: the second unit's host first.
    await api.add(token(), 'saveVisitHost', visitId, { membershipId: hostOfSecond.membershipId, role: 'HOST_LEADER', unit: '省交通厅' });
    await api.add(token(), 'saveVisitHost', visitId, { membershipId: hostOfFirst.membershipId, role: 'HOST_LEADER', unit: '省卫健委' });
    const greeter = await rankedMember(7);
    const greeterHost = await api.add(token(), 'saveVisitHost', visitId, { membershipId: greeter.membershipId, role: 'GREETER', unit: '省卫健委' });
    const set = await api.gql(
      `mutation($input: SetVisitReceptionStandardInput!) { setVisitReceptionStandard(input: $input) { __typename ... on Error { code message } } }`,
      { input: { visitId, expectedVersion: await api.version(token(), visitId) } },
      token(),
    );
    expect(set.setVisitReceptionStandard.__typename).toBe('VisitReceptionStandardPayload');
    const issues = await api.issues(token(), visitId);
    expect(issues.map((i) => i.code)).not.toContain('NO_HOST_FOR_UNIT');
    // The greeter (rank 7) is below the standard's greeting rank (5).
    const below = issues.filter((i) => i.code === 'GREETER_BELOW_STANDARD');
    expect(below).toEqual([expect.objectContaining({ severity: 'BLOCKER', recordIds: [greeterHost] })]);
    // In Chinese, the kind's own text with the greeter's name and the ranks.
    const zh = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on Visit { planIssues { code message } } } }`,
      { id: visitId },
      {
        token: token(),
        headers: { 'accept-language': 'zh-CN,zh;q=0.9' },
      },
    );
    const zhBelow = (zh.data!.node as { planIssues: Array<{ code: string; message: string }> }).planIssues.find((i) => i.code === 'GREETER_BELOW_STANDARD')!;
    expect(zhBelow.message).toMatch(/^.+（职级 7）负责迎接，但接待标准要求 5 级或以上的领导迎接/);
    expect(zhBelow.message).not.toMatch(/[{}]/);

    // The banquet with a second host: the first unit's host faces the door, the second unit's host faces him.
    const mealId = await api.add(token(), 'saveMeal', visitId, { kind: 'BANQUET', startsAt: '2030-05-10T10:30:00.000Z' });
    const proposed = await api.gql(
      `mutation($input: ProposeBanquetSeatingInput!) { proposeBanquetSeating(input: $input) {
         __typename ... on SeatingPayload { meal { banquetSeating { brokenRules { rule } tables { seats { seat rule person { id name } } } } } } ... on Error { code message } } }`,
      { input: { mealId, expectedVersion: await api.version(token(), visitId), seatsPerTable: 10, tables: 1, secondHost: true } },
      token(),
    );
    const seating = proposed.proposeBanquetSeating.meal.banquetSeating;
    const seat = (n: number) => seating.tables[0].seats.find((s: { seat: number }) => s.seat === n);
    expect(seat(1)).toMatchObject({ rule: 'HOST_FACES_DOOR', person: { id: hostOfFirst.membershipId } });
    expect(seat(6)).toMatchObject({ rule: 'SECOND_HOST_FACES_HOST', person: { id: hostOfSecond.membershipId } });
    expect(seat(10)).toMatchObject({ rule: 'FIRST_GUEST_HOST_RIGHT', person: { name: '王厅长' } });
    expect(seating.brokenRules).toEqual([]);

    // A polite explanation recorded on the greeter clears the issue; a blank one does not count.
    await api.save(token(), 'saveVisitHost', visitId, {
      id: greeterHost,
      membershipId: greeter.membershipId,
      role: 'GREETER',
      unit: '省卫健委',
      rankExplanation: '  ',
    });
    expect((await api.issues(token(), visitId)).map((i) => i.code)).toContain('GREETER_BELOW_STANDARD');
    await api.save(token(), 'saveVisitHost', visitId, {
      id: greeterHost,
      membershipId: greeter.membershipId,
      role: 'GREETER',
      unit: '省卫健委',
      rankExplanation: '分管副秘书长在省里开会，由接待处长迎接，已向来宾致歉说明',
    });
    expect((await api.issues(token(), visitId)).map((i) => i.code)).not.toContain('GREETER_BELOW_STANDARD');

    // The units with their hosts, in the order of each unit's principal guest.
    const units = await api.gql(
      `query($id: ID!) { node(id: $id) { ... on Visit { visitingUnits { name principalGuest { name } guests { name } host { id unit membership { id } } hosts { role } } } } }`,
      { id: visitId },
      token(),
    );
    expect(units.node.visitingUnits).toEqual([
      {
        name: '省卫健委',
        principalGuest: { name: '王厅长' },
        guests: [{ name: '王厅长' }, { name: '李处长' }],
        host: expect.objectContaining({ unit: '省卫健委', membership: { id: hostOfFirst.membershipId } }),
        hosts: [{ role: 'HOST_LEADER' }, { role: 'GREETER' }],
      },
      {
        name: '省交通厅',
        principalGuest: { name: '周局长' },
        guests: [{ name: '周局长' }],
        host: expect.objectContaining({ unit: '省交通厅', membership: { id: hostOfSecond.membershipId } }),
        hosts: [{ role: 'HOST_LEADER' }],
      },
    ]);

    // Without a second host, each unit's guests sit at their own host's table: the second unit at table 2.
    await api.add(token(), 'saveVisitGuest', visitId, { name: '赵处长', rankLevel: 7, unit: '省交通厅' });
    const byTable = await api.gql(
      `mutation($input: ProposeBanquetSeatingInput!) { proposeBanquetSeating(input: $input) {
         __typename ... on SeatingPayload { meal { banquetSeating { brokenRules { rule } tables { number seats { seat rule person { id name unit } } } } } } ... on Error { code message } } }`,
      { input: { mealId, expectedVersion: await api.version(token(), visitId), seatsPerTable: 10 } },
      token(),
    );
    const two = byTable.proposeBanquetSeating.meal.banquetSeating;
    expect(two.tables).toHaveLength(2); // one table per unit's host leader, unless told otherwise
    expect(two.brokenRules).toEqual([]);
    const tableOf = (name: string) =>
      two.tables.find((tb: { seats: Array<{ person: { name: string } | null }> }) => tb.seats.some((s) => s.person?.name === name)).number;
    expect(['王厅长', '李处长'].map(tableOf)).toEqual([1, 1]);
    expect(['周局长', '赵处长'].map(tableOf)).toEqual([2, 2]);
    const second = two.tables[1].seats;
    expect(second.find((s: { seat: number }) => s.seat === 1)).toMatchObject({
      rule: 'TABLE_HOST_FACES_DOOR',
      person: { id: hostOfSecond.membershipId, unit: '省交通厅' },
    });
    expect(second.find((s: { seat: number }) => s.seat === 10)).toMatchObject({ rule: 'FIRST_GUEST_HOST_RIGHT', person: { name: '周局长', unit: '省交通厅' } });

    // Tenant B sees nothing of the visit.
    const res = await t.gql(`query($id: ID!) { node(id: $id) { ... on Visit { planIssues { code } } } }`, { id: visitId }, { token: other.adminToken });
    expect(res.data?.node ?? null).toBeNull();
  });
});
