// The government office's rank ladder (职级), used to match host leaders to guests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let gov: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
});
afterAll(() => t?.close());

describe('rank ladder', () => {
  it('is seeded with the civil-service ladder, highest first', async () => {
    const res = await t.gql(`{ rankLadder { name nameEn level } }`, {}, { token: gov.adminToken });
    expect(res.data.rankLadder).toHaveLength(12);
    expect(res.data.rankLadder[0]).toMatchObject({ name: '国家级正职', level: 1 });
    expect(res.data.rankLadder.map((r: { level: number }) => r.level)).toEqual([...Array(12).keys()].map((i) => i + 1));
  });

  it('defines ranks, assigns them to members, and refuses duplicates and ranks in use', async () => {
    const defined = await t.gql(
      `mutation { defineRank(input: { name: "一级巡视员", nameEn: "First-class inspector", level: 5 }) {
      __typename ... on RankPayload { rank { id name level } } } }`,
      {},
      { token: gov.adminToken },
    );
    const rankId = defined.data.defineRank.rank.id;
    const dup = await t.gql(
      `mutation { defineRank(input: { name: "一级巡视员", level: 5 }) { __typename ... on GovernmentError { code } } }`,
      {},
      { token: gov.adminToken },
    );
    expect(dup.data.defineRank).toEqual({ __typename: 'GovernmentError', code: 'NAME_TAKEN' });
    const bad = await t.gql(
      `mutation { defineRank(input: { name: "x", level: 0 }) { __typename ... on ValidationError { fieldErrors { path } } } }`,
      {},
      { token: gov.adminToken },
    );
    expect(bad.data.defineRank).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'level'] }] });

    const host = await gov.member(['COORDINATOR']);
    const assigned = await t.gql(
      `mutation($m: ID!, $r: ID) { assignRank(input: { membershipId: $m, rankId: $r }) { ... on AssignRankPayload { membership { rank { name } } } } }`,
      { m: host.membershipId, r: rankId },
      { token: gov.adminToken },
    );
    expect(assigned.data.assignRank.membership.rank).toEqual({ name: '一级巡视员' });
    const inUse = await t.gql(
      `mutation($id: ID!) { deleteRank(input: { id: $id }) { __typename ... on GovernmentError { code } } }`,
      { id: rankId },
      { token: gov.adminToken },
    );
    expect(inUse.data.deleteRank).toEqual({ __typename: 'GovernmentError', code: 'IN_USE' });
    const members = await t.gql(`{ members(first: 10, role: COORDINATOR) { edges { node { rank { name } } } } }`, {}, { token: gov.adminToken });
    expect(members.data.members.edges).toEqual([{ node: { rank: { name: '一级巡视员' } } }]);
  });

  it('is for tenant admins to change', async () => {
    const staff = await gov.member(['STAFF']);
    const res = await t.gql(`mutation { defineRank(input: { name: "x2", level: 3 }) { __typename ... on Error { code } } }`, {}, { token: staff.token });
    expect(res.errors).toBeUndefined();
    expect(res.data.defineRank).toEqual({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
    const read = await t.gql(`{ rankLadder { name } }`, {}, { token: staff.token });
    expect(read.data.rankLadder.length).toBeGreaterThanOrEqual(12);
  });
});
