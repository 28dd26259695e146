// The front desk's live arrival list over a real graphql-ws client: a guest put into a room for today
// appears, the train running late (the visit's live travel progress) moves the expected arrival, the
// key readied shows — each as the day's list after the change, in order. Waits are bounded by events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, startTestApp, waitFor, wsFeed, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi } from '../../shared/visits/__tests__/visits.helpers.ts';
import { hotelApi } from './hotel.helpers.ts';

interface ArrivalsEvent {
  cursor: string;
  change: string;
  date: string;
  arrivals: { guestName: string; keyReady: boolean; expectedArrivalAt: string | null }[];
}

const FEED = `subscription($after: String) { hotelArrivalsChanged(day: TODAY, after: $after) {
  cursor change date arrivals { guestName keyReady expectedArrivalAt } } }`;

const localDay = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + days * 86_400_000),
  );

let t: TestApp;
let hotel: TestTenant;
const clients: ReturnType<TestApp['wsClient']>[] = [];

beforeAll(async () => {
  t = await startTestApp();
  await t.listen();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
});
afterAll(async () => {
  for (const c of clients) await c.dispose();
  await t?.close();
});

describe('hotelArrivalsChanged', () => {
  it('sends the day’s arrival list after each change, following the visit’s live travel', async () => {
    const admin = hotel.adminToken;
    const api = hotelApi(t);
    const visits = visitApi(t);
    const visitId = await visits.newVisit(admin, { purpose: 'CONFERENCE', startsAt: `${localDay(0)}T01:00:00Z`, endsAt: `${localDay(1)}T09:00:00Z` });
    const guest = await visits.add(admin, 'saveVisitGuest', visitId, { name: '赵主任', rankLevel: 4 });
    const planned = new Date(Date.now() + 4 * 3_600_000).toISOString();
    const leg = await visits.add(admin, 'saveTravelLeg', visitId, { direction: 'INBOUND', mode: 'PLANE', arrivalAt: planned });
    const block = await api.mutate(
      'createHotelRoomBlock',
      { visitId, name: '赵主任一行', releaseOn: localDay(0), nights: [{ night: localDay(0), roomType: '套房', rooms: 1 }] },
      '... on HotelRoomBlockPayload { roomBlock { id } }',
      admin,
      'HotelRoomBlockPayload',
    );

    const [row] = await ownerQuery<{ seq: string }>(`SELECT seq::text FROM tenant_event_counters WHERE tenant_id = $1`, [hotel.id]);
    const client = t.wsClient({ Authorization: `Bearer ${admin}` });
    clients.push(client);
    const feed = wsFeed<ArrivalsEvent>(client, { query: FEED, variables: { after: row?.seq ?? '0' }, field: 'hotelArrivalsChanged' });

    const entry = await api.mutate(
      'addHotelRoomingEntry',
      { blockId: block.roomBlock.id, visitGuestId: guest, roomType: '套房', roomNumber: '1801', floor: 18, arrivalOn: localDay(0), departureOn: localDay(1) },
      '... on HotelRoomingEntryPayload { entry { id } }',
      admin,
      'HotelRoomingEntryPayload',
    );
    await waitFor(() => feed.events.length >= 1, 10_000, 'the rooming entry');
    expect(feed.events[0]).toMatchObject({
      change: 'ROOMING_ADDED',
      date: localDay(0),
      arrivals: [{ guestName: '赵主任', keyReady: false, expectedArrivalAt: planned }],
    });

    const late = new Date(Date.parse(planned) + 45 * 60_000).toISOString();
    await visits.travelProgress(admin, leg, { expectedArrivalAt: late });
    await waitFor(() => feed.events.length >= 2, 10_000, 'the travel progress');
    expect(feed.events[1]).toMatchObject({ change: 'VISIT_TRAVEL_CHANGED', arrivals: [{ expectedArrivalAt: late }] });

    await api.mutate('prepareHotelArrival', { entryId: entry.entry.id, keyReady: true }, '', admin, 'HotelRoomingEntryPayload');
    await waitFor(() => feed.events.length >= 3, 10_000, 'the key readied');
    expect(feed.events[2]).toMatchObject({ change: 'ARRIVAL_PREPARED', arrivals: [{ guestName: '赵主任', keyReady: true }] });
    expect(feed.errors).toEqual([]);
    feed.stop();
  });
});
