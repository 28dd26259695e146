// Visits through the real gateway (3/4): data safety and tenant isolation. A stale expectedVersion gets
// CONFLICT; of two concurrent saves at one version exactly one wins; idempotency keys make retries
// harmless; bad input and foreign references are refused with the field path and store nothing. Tenant
// B sees none of A's visit records (exactly like a random id) and can change none of them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, globalId, ownerQuery, rawId, startTestApp, unique, type TestApp, type TestTenant } from '@jiedai/testing';
import {
  fingerprint,
  L,
  ok,
  PAYLOAD,
  rankIdsByLevel,
  assignRank,
  recordFullPlan,
  refused,
  SAVE_INPUT,
  visitApi,
  type Payload,
  type SaveField,
  type VisitApi,
} from './visits.helpers.ts';

let t: TestApp;
let api: VisitApi;
let a: TestTenant;
let b: TestTenant;
let coordinator: { token: string; membershipId: string };

beforeAll(async () => {
  t = await startTestApp();
  api = visitApi(t);
  const platform = await createPlatformAdmin(t);
  [a, b] = await Promise.all([createTenant(t, platform.token, 'GOVERNMENT_OFFICE'), createTenant(t, platform.token, 'GOVERNMENT_OFFICE')]);
  coordinator = await a.member(['COORDINATOR']);
});
afterAll(() => t?.close());

const count = async (sql: string, params: unknown[]) => (await ownerQuery<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;
const versionInDb = async (visitId: string) => (await ownerQuery(`SELECT version FROM visits WHERE id = $1`, [rawId(visitId)]))[0].version;

describe('optimistic concurrency', () => {
  it('a stale expectedVersion gets CONFLICT and changes nothing', async () => {
    const v = await api.newVisit(coordinator.token);
    await api.add(coordinator.token, 'saveVisitGuest', v, { name: '甲' }); // version 2
    const before = await fingerprint(a.id);
    refused(await api.save(coordinator.token, 'saveVisitGuest', v, { name: '乙' }, { expectedVersion: 1 }), 'CONFLICT');
    refused(await api.updateVisit(coordinator.token, v, { title: '改名' }, 1), 'CONFLICT');
    refused(await api.setStatus(coordinator.token, v, 'PLANNING', 1), 'CONFLICT');
    refused(await api.save(coordinator.token, 'saveVisitGuest', v, { name: '丙' }, { expectedVersion: 3 }), 'CONFLICT');
    expect(await fingerprint(a.id)).toEqual(before);
    expect(await versionInDb(v)).toBe(2);
    expect(await count(`visit_guests WHERE visit_id = $1`, [rawId(v)])).toBe(1);
  });

  it('of two concurrent saves with the same expectedVersion exactly one succeeds', async () => {
    const v = await api.newVisit(coordinator.token);
    const results = await Promise.all(['甲', '乙'].map((name) => api.save(coordinator.token, 'saveVisitGuest', v, { name }, { expectedVersion: 1 })));
    expect(results.map((r) => r.__typename).sort()).toEqual(['VisitError', 'VisitPayload']);
    const loser = results.find((r) => r.__typename === 'VisitError')!;
    expect(loser.code).toBe('CONFLICT');
    const winner = results.find((r) => r.__typename === 'VisitPayload')!;
    expect(winner.visit!.version).toBe(2);
    const guests = await ownerQuery(`SELECT id FROM visit_guests WHERE visit_id = $1`, [rawId(v)]);
    expect(guests.map((g) => g.id)).toEqual([rawId(winner.recordId!)]);
    expect(await versionInDb(v)).toBe(2);
    expect(await count(`audit_log WHERE target_id = $1 AND action = 'visit.guest.saved'`, [rawId(v)])).toBe(1);
  });
});

describe('idempotency keys', () => {
  it('replaying createVisit returns the same visit and creates one; concurrent replays too', async () => {
    const key = unique('create-key');
    const input = api.visitInput();
    const first = ok(await api.createVisit(coordinator.token, input, key));
    const again = ok(await api.createVisit(coordinator.token, input, key));
    expect(again.visit.id).toBe(first.visit.id);
    expect(await count(`visits WHERE tenant_id = $1 AND title = $2`, [a.id, input.title])).toBe(1);
    expect(await count(`audit_log WHERE target_id = $1 AND action = 'visit.created'`, [rawId(first.visit.id)])).toBe(1);

    const raceKey = unique('race-key');
    const raceInput = api.visitInput();
    const raced = await Promise.all([1, 2, 3].map(() => api.createVisit(coordinator.token, raceInput, raceKey)));
    expect(new Set(raced.map((r) => ok(r).visit.id)).size).toBe(1);
    expect(await count(`visits WHERE tenant_id = $1 AND title = $2`, [a.id, raceInput.title])).toBe(1);
  });

  it('replaying saveVisitGuest returns the same record and saves it once; the key for another operation is refused', async () => {
    const v = await api.newVisit(coordinator.token);
    const key = unique('guest-key');
    const input = { name: '重放', dietaryRestrictions: [{ category: 'PERSONAL', restricted: 'nuts' }] };
    const first = ok(await api.save(coordinator.token, 'saveVisitGuest', v, input, { expectedVersion: 1, key }));
    const again = ok(await api.save(coordinator.token, 'saveVisitGuest', v, input, { expectedVersion: 1, key }));
    expect(again.recordId).toBe(first.recordId);
    expect(again.visit.version).toBe(2);
    expect(await count(`visit_guests WHERE visit_id = $1`, [rawId(v)])).toBe(1);
    expect(await count(`dietary_restrictions WHERE guest_id = $1`, [rawId(first.recordId!)])).toBe(1);
    expect(await versionInDb(v)).toBe(2);

    const before = await fingerprint(a.id);
    // A reused key is an IdempotencyError, as in every module (it was a VisitError before issue 11).
    const reused = { __typename: 'IdempotencyError', code: 'IDEMPOTENCY_KEY_REUSED' };
    expect(await api.save(coordinator.token, 'saveVisitContact', v, { name: '甲', phone: '13800000001' }, { expectedVersion: 2, key })).toMatchObject(reused);
    expect(await api.createVisit(coordinator.token, api.visitInput(), key)).toMatchObject(reused);
    expect(await fingerprint(a.id)).toEqual(before);
  });
});

describe('bad input', () => {
  it('is refused with a ValidationError naming the field, storing nothing', async () => {
    const title = unique('倒序');
    const before = await fingerprint(a.id);
    const backwards = await api.createVisit(coordinator.token, api.visitInput({ title, startsAt: L('2030-05-10T17:00'), endsAt: L('2030-05-10T09:00') }));
    expect(backwards).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'endsAt'] }] });
    expect(await fingerprint(a.id)).toEqual(before);

    const v = await api.newVisit(coordinator.token);
    const cases: [SaveField, Record<string, unknown>, string[]][] = [
      ['saveVisitContact', { name: '甲', phone: 'abc' }, ['phone']],
      ['saveVehicle', { kind: 'SEDAN', seats: -1 }, ['seats']],
      ['saveItineraryItem', { kind: 'MEETING', title: '倒序', startsAt: L('2030-05-10T10:00'), endsAt: L('2030-05-10T09:00') }, ['endsAt']],
      ['saveBudgetLine', { category: 'MEALS', planned: '1.234' }, ['planned']],
      ['saveBudgetLine', { category: 'MEALS', planned: '10.00', actual: '-5' }, ['actual']],
    ];
    const stored = await fingerprint(a.id);
    for (const [field, input, path] of cases) {
      const res = await t.gql(
        `mutation($input: ${SAVE_INPUT[field]}!) { ${field}(input: $input) { ${PAYLOAD} } }`,
        { input: { ...input, visitId: v, expectedVersion: 1 } },
        { token: coordinator.token },
      );
      expect(res.errors, `${field} ${JSON.stringify(input)}`).toBeUndefined();
      expect(res.data[field], field).toMatchObject({ __typename: 'ValidationError' });
      expect(
        res.data[field].fieldErrors.map((e: { path: string[] }) => e.path),
        field,
      ).toContainEqual(['input', ...path]);
    }
    expect(await fingerprint(a.id)).toEqual(stored);
  });

  it('a guest of another visit in a room, a meal, a vehicle or a gift is an INVALID_REFERENCE', async () => {
    const other = await api.newVisit(coordinator.token);
    const stranger = await api.add(coordinator.token, 'saveVisitGuest', other, { name: '别的访客' });
    const v = await api.newVisit(coordinator.token);
    const own = await api.add(coordinator.token, 'saveVisitGuest', v, { name: '本团访客' });
    const before = await fingerprint(a.id);
    const attempts: [SaveField, Record<string, unknown>][] = [
      ['saveLodging', { hotelName: '宾馆', checkIn: '2030-05-10', checkOut: '2030-05-11', rooms: [{ number: '101', guestIds: [own, stranger] }] }],
      ['saveMeal', { kind: 'DINNER', startsAt: L('2030-05-10T18:00'), guestIds: [stranger] }],
      ['saveVehicle', { kind: 'SEDAN', seats: 4, guestIds: [stranger] }],
      ['saveGift', { item: '茶叶', recipientGuestIds: [stranger] }],
    ];
    for (const [field, input] of attempts) refused(await api.save(coordinator.token, field, v, input), 'INVALID_REFERENCE');
    expect(await fingerprint(a.id)).toEqual(before);
  });
});

describe('tenant isolation', () => {
  let plan: Awaited<ReturnType<typeof recordFullPlan>>;
  let bVisit: string;
  const aIds: Record<string, string> = {};

  beforeAll(async () => {
    const hostLeader = await a.member(['STAFF']);
    await assignRank(t, a.adminToken, hostLeader.membershipId, (await rankIdsByLevel(t, a.adminToken)).get(5)!);
    plan = await recordFullPlan(api, coordinator.token, { hostLeaderId: hostLeader.membershipId, accompanyingId: coordinator.membershipId });
    ok(await api.submit(coordinator.token, plan.visitId));
    const read = await api.read(
      coordinator.token,
      plan.visitId,
      `id guests { id dietaryRestrictions { id } } contacts { id } travelLegs { id } hosts { id } itinerary { id }
       lodgings { id rooms { id } } meals { id dishes { id } } vehicles { id } gifts { id } budgetLines { id } planVersions { id }`,
    );
    Object.assign(aIds, {
      visit: read.id,
      guest: read.guests[0].id,
      dietaryRestriction: read.guests[0].dietaryRestrictions[0].id,
      contact: read.contacts[0].id,
      travelLeg: read.travelLegs[0].id,
      host: read.hosts[0].id,
      itineraryItem: read.itinerary[0].id,
      lodging: read.lodgings[0].id,
      room: read.lodgings[0].rooms[0].id,
      meal: read.meals[0].id,
      dish: read.meals[0].dishes[0].id,
      vehicle: read.vehicles[0].id,
      gift: read.gifts[0].id,
      budgetLine: read.budgetLines[0].id,
      planVersion: read.planVersions[0].id,
    });
    bVisit = await api.newVisit(b.adminToken);
  });

  it('A can read its own records by these ids (they are real)', async () => {
    const res = await t.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Object.values(aIds) }, { token: coordinator.token });
    expect(res.errors).toBeUndefined();
    expect(res.data.nodes.map((n: { id: string } | null) => n?.id)).toEqual(Object.values(aIds));
  });

  it.each([
    'visit',
    'guest',
    'dietaryRestriction',
    'contact',
    'travelLeg',
    'host',
    'itineraryItem',
    'lodging',
    'room',
    'meal',
    'dish',
    'vehicle',
    'gift',
    'budgetLine',
    'planVersion',
  ])("B's admin gets for A's %s exactly what a random id gets: null", async (kind) => {
    const id = aIds[kind]!;
    const typename = Buffer.from(id, 'base64').toString().split(':')[0]!;
    const query = `query($id: ID!) { node(id: $id) { id __typename } }`;
    const forA = await t.gql(query, { id }, { token: b.adminToken });
    const forRandom = await t.gql(query, { id: globalId(typename, randomUUID()) }, { token: b.adminToken });
    expect(forA.status).toBe(200);
    expect(forA.errors).toBeUndefined();
    expect(forA.data).toEqual({ node: null });
    expect({ data: forA.data, errors: forA.errors }).toEqual({ data: forRandom.data, errors: forRandom.errors });
  });

  it("B's visit list does not include A's visits", async () => {
    const res = await api.gql(`{ visits(first: 100) { totalCount edges { node { id } } } }`, {}, b.adminToken);
    expect(res.visits.edges.map((e: any) => e.node.id)).toEqual([bVisit]);
    expect(res.visits.totalCount).toBe(1);
  });

  it("every B mutation on A's visit or records gets NOT_FOUND and changes nothing in A", async () => {
    const bApprover = await b.member(['APPROVER']);
    const bMember = (await api.gql(`{ viewer { memberships { id } } }`, {}, b.adminToken)).viewer.memberships[0].id;
    const aVersion = await api.version(coordinator.token, plan.visitId);
    const bVersion = () => api.version(b.adminToken, bVisit);
    const beforeA = await fingerprint(a.id);
    const beforeB = await fingerprint(b.id);
    const bToken = b.adminToken;
    const A = plan.visitId;

    const results: [string, Payload][] = [];
    const attempt = async (label: string, call: () => Promise<Payload>) => results.push([label, await call()]);

    await attempt('updateVisit', () => api.updateVisit(bToken, A, { title: 'hijacked' }, aVersion));
    await attempt('changeVisitStatus', () => api.setStatus(bToken, A, 'CANCELLED', aVersion));
    await attempt('submitVisitForApproval', () => api.submit(bToken, A, aVersion));
    await attempt('decideVisitPlan', async () => (await api.decide(bApprover.token, A, true, null, aVersion)).data.decideVisitPlan);
    await attempt('recordVisitEscalation', () => api.escalate(bToken, A, 'x', aVersion));
    await attempt('recordVisitFollowUp', () => api.followUp(bToken, A, { summary: 'x' }, aVersion));

    // Every kind of record: saved into A's visit, changed by id from B's own visit, removed either way.
    const inputs: Record<SaveField, [string, Record<string, unknown>]> = {
      saveVisitGuest: ['guest', { name: 'x' }],
      saveVisitContact: ['contact', { name: 'x', phone: '13800000009' }],
      saveTravelLeg: ['travelLeg', { direction: 'INBOUND', mode: 'CAR' }],
      saveVisitHost: ['host', { membershipId: bMember, role: 'ACCOMPANYING' }],
      saveItineraryItem: ['itineraryItem', { kind: 'OTHER', title: 'x', startsAt: L('2030-05-10T09:00'), endsAt: L('2030-05-10T10:00') }],
      saveLodging: ['lodging', { hotelName: 'x', checkIn: '2030-05-10', checkOut: '2030-05-11' }],
      saveMeal: ['meal', { kind: 'DINNER', startsAt: L('2030-05-10T18:00') }],
      saveVehicle: ['vehicle', { kind: 'SEDAN', seats: 4 }],
      saveGift: ['gift', { item: 'x' }],
      saveBudgetLine: ['budgetLine', { category: 'OTHER', planned: '1.00' }],
    };
    for (const [field, [kind, input]] of Object.entries(inputs) as [SaveField, [string, Record<string, unknown>]][]) {
      await attempt(`${field} into A's visit`, () => api.save(bToken, field, A, input, { expectedVersion: aVersion }));
      await attempt(`${field} A's ${kind} from B's visit`, async () =>
        api.save(bToken, field, bVisit, { ...input, id: aIds[kind] }, { expectedVersion: await bVersion() }),
      );
      await attempt(`${field} A's ${kind} in A's visit`, () => api.save(bToken, field, A, { ...input, id: aIds[kind] }, { expectedVersion: aVersion }));
      await attempt(`remove A's ${kind} from A's visit`, () => api.remove(bToken, A, aIds[kind]!, aVersion));
      await attempt(`remove A's ${kind} from B's visit`, async () => api.remove(bToken, bVisit, aIds[kind]!, await bVersion()));
    }
    await attempt(
      'updateTravelProgress',
      async () =>
        (
          await api.gql(
            `mutation($id: ID!) { updateTravelProgress(input: { legId: $id, actualDepartureAt: "2030-05-10T00:00:00Z" }) { ${PAYLOAD} } }`,
            { id: aIds.travelLeg },
            bToken,
          )
        ).updateTravelProgress,
    );

    for (const [label, result] of results) expect(result, label).toMatchObject({ __typename: 'VisitError', code: 'NOT_FOUND' });
    expect(results).toHaveLength(6 + 10 * 5 + 1);
    expect(await fingerprint(a.id)).toEqual(beforeA);
    expect(await fingerprint(b.id)).toEqual(beforeB);
  });

  it("B cannot reference A's guests or members from its own visit", async () => {
    const before = await fingerprint(b.id);
    refused(await api.save(b.adminToken, 'saveMeal', bVisit, { kind: 'DINNER', startsAt: L('2030-05-10T18:00'), guestIds: [aIds.guest] }), 'INVALID_REFERENCE');
    refused(await api.save(b.adminToken, 'saveVisitHost', bVisit, { membershipId: coordinator.membershipId, role: 'HOST_LEADER' }), 'INVALID_REFERENCE');
    refused(await api.updateVisit(b.adminToken, bVisit, { coordinatorId: coordinator.membershipId }), 'INVALID_REFERENCE');
    expect(await fingerprint(b.id)).toEqual(before);
  });
});
