// Seating changes reach the visit's watchers live over graphql-ws, in order, and a watcher resuming with its last
// cursor gets exactly what it missed. Every wait is bounded by the events awaited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, sleep, startTestApp, type TestApp, type TestTenant, waitFor, wsFeed } from '@jiedai/testing';
import { visitApi, type VisitApi } from '../../shared/visits/__tests__/visits.helpers.ts';

interface ProtocolEvent {
  cursor: string;
  kind: string;
  visitId: string;
  mealId: string | null;
  change: { broken?: string[] } | null;
}

const SUBSCRIPTION = `subscription($v: ID!, $after: String) { protocolChanged(visitId: $v, after: $after) { cursor kind visitId mealId change } }`;

let t: TestApp;
let gov: TestTenant;
let api: VisitApi;
const clients: ReturnType<TestApp['wsClient']>[] = [];

beforeAll(async () => {
  t = await startTestApp();
  await t.listen();
  gov = await createTenant(t, (await createPlatformAdmin(t)).token, 'GOVERNMENT_OFFICE');
  api = visitApi(t);
});
afterAll(async () => {
  for (const c of clients) await Promise.race([c.dispose(), sleep(2_000)]);
  await t?.close();
});

const feed = (visitId: string, after: string | null) => {
  const client = t.wsClient({ Authorization: `Bearer ${gov.adminToken}` });
  clients.push(client);
  return wsFeed<ProtocolEvent>(client, { query: SUBSCRIPTION, variables: { v: visitId, after }, field: 'protocolChanged' });
};

describe('live seating', () => {
  it('delivers the proposal and each move of a visit’s seating, in order; a resumed watcher misses nothing', async () => {
    const token = gov.adminToken;
    const visitId = await api.newVisit(token);
    const other = await api.newVisit(token);
    await api.add(token, 'saveVisitGuest', visitId, { name: '王厅长', rankLevel: 5, principalOrder: 1 });
    await api.add(token, 'saveVisitGuest', visitId, { name: '李处长', rankLevel: 7, principalOrder: 2 });
    const host = await gov.member(['COORDINATOR']);
    await api.add(token, 'saveVisitHost', visitId, { membershipId: host.membershipId, role: 'HOST_LEADER' });
    const mealId = await api.add(token, 'saveMeal', visitId, { kind: 'BANQUET', startsAt: '2030-05-10T10:30:00.000Z' });
    const otherMeal = await api.add(token, 'saveMeal', other, { kind: 'BANQUET', startsAt: '2030-05-10T10:30:00.000Z' });

    const watcher = feed(visitId, '0');
    const propose = async (v: string, m: string) =>
      api.gql(
        `mutation($input: ProposeBanquetSeatingInput!) { proposeBanquetSeating(input: $input) { __typename } }`,
        { input: { mealId: m, expectedVersion: await api.version(token, v), seatsPerTable: 6 } },
        token,
      );
    await propose(other, otherMeal); // another visit: not on this board
    await propose(visitId, mealId);
    await waitFor(() => watcher.events.length >= 1, 10_000, 'the proposal');
    expect(watcher.events[0]).toMatchObject({ kind: 'banquet_seating.proposed', visitId, mealId });

    const guestId = (
      await api.read(token, visitId, 'meals { banquetSeating { tables { seats { seat person { id name } } } } }')
    ).meals[0].banquetSeating.tables[0].seats.find((s: { person: { name: string } | null }) => s.person?.name === '王厅长').person.id;
    const move = async (seat: number) =>
      api.gql(
        `mutation($input: MoveBanquetSeatInput!) { moveBanquetSeat(input: $input) { __typename } }`,
        { input: { mealId, expectedVersion: await api.version(token, visitId), personId: guestId, table: 1, seat } },
        token,
      );
    await move(4);
    await waitFor(() => watcher.events.length >= 2, 10_000, 'the move');
    expect(watcher.events[1]).toMatchObject({ kind: 'banquet_seating.moved', mealId, change: { broken: expect.arrayContaining(['FIRST_GUEST_HOST_RIGHT']) } });

    // A watcher resuming after the first event gets the move, then the next one live.
    const resumed = feed(visitId, watcher.events[0]!.cursor);
    await move(6);
    await waitFor(() => resumed.events.length >= 2 && watcher.events.length >= 3, 10_000, 'the second move on both feeds');
    expect(resumed.events.map((e) => e.cursor)).toEqual(watcher.events.slice(1).map((e) => e.cursor));
    expect(watcher.events.every((e) => e.visitId === visitId)).toBe(true);
    const cursors = watcher.events.map((e) => BigInt(e.cursor));
    expect([...cursors].sort((a, b) => (a < b ? -1 : 1))).toEqual(cursors);
    expect(watcher.errors).toEqual([]);
  });
});
