// Room blocks and front-desk arrivals through the gateway: a block by type and night for an event, the
// rooming list picking up against it (refused beyond the block or after release), the visits' same-floor
// and spare-room rules and a warning before release; today's arrivals with rank, dietary restrictions,
// room readiness and an expected arrival that follows the visit's live travel progress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { visitApi, type VisitApi } from '../../shared/visits/__tests__/visits.helpers.ts';
import { hotelApi } from './hotel.helpers.ts';

let t: TestApp;
let hotel: TestTenant;
let api: ReturnType<typeof hotelApi>;
let visits: VisitApi;
let admin: string;

/** A local date in Asia/Shanghai, `days` from today. */
const localDay = (days: number) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(Date.now() + days * 86_400_000),
  );

const BLOCK = `... on HotelRoomBlockPayload { roomBlock { id releaseOn nights { night roomType rooms pickedUp available } warnings { code severity message } } }`;
const ENTRY = `... on HotelRoomingEntryPayload { entry { id guestName roomNumber } roomBlock { nights { night pickedUp available } warnings { code } } }`;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
  admin = hotel.adminToken;
  api = hotelApi(t);
  visits = visitApi(t);
});
afterAll(() => t?.close());

describe('room blocks', () => {
  it('pick up against the block, follow the floor and spare-room rules, warn before release, and feed the arrival list', async () => {
    const visitId = await visits.newVisit(admin, { purpose: 'CONFERENCE', startsAt: `${localDay(0)}T01:00:00Z`, endsAt: `${localDay(2)}T09:00:00Z` });
    const wang = await visits.add(admin, 'saveVisitGuest', visitId, {
      name: '王建国',
      rankLevel: 5,
      dietaryRestrictions: [{ category: 'RELIGIOUS', restricted: 'pork', note: '清真' }],
    });
    const li = await visits.add(admin, 'saveVisitGuest', visitId, { name: '李芳', rankLevel: 7 });
    const planned = new Date(Date.now() + 6 * 3_600_000).toISOString();
    const leg = await visits.add(admin, 'saveTravelLeg', visitId, { direction: 'INBOUND', mode: 'TRAIN', origin: '省城', arrivalAt: planned });
    const eventId = await api.createEvent(admin, { visitId, startsAt: `${localDay(0)}T01:00:00Z`, endsAt: `${localDay(2)}T09:00:00Z` });

    const nights = [localDay(0), localDay(1)].map((night) => ({ night, roomType: '标准间', rooms: 2 }));
    const created = await api.mutate(
      'createHotelRoomBlock',
      { eventId, name: '代表团房', releaseOn: localDay(1), nights },
      BLOCK,
      admin,
      'HotelRoomBlockPayload',
    );
    const block = created.roomBlock;
    expect(block.warnings).toEqual([expect.objectContaining({ code: 'RELEASE_SOON', severity: 'WARNING' })]);
    expect(block.warnings[0].message).toContain('4 room-night(s) not picked up');

    const stay = { blockId: block.id, roomType: '标准间', arrivalOn: localDay(0), departureOn: localDay(2) };
    let r = await api.mutate('addHotelRoomingEntry', { ...stay, visitGuestId: wang, roomNumber: '801', floor: 8 }, ENTRY, admin, 'HotelRoomingEntryPayload');
    expect(r.entry).toMatchObject({ guestName: '王建国', roomNumber: '801' });
    const liEntry = await api.mutate(
      'addHotelRoomingEntry',
      { ...stay, visitGuestId: li, roomNumber: '901', floor: 9 },
      ENTRY,
      admin,
      'HotelRoomingEntryPayload',
    );
    expect(liEntry.roomBlock.nights.map((n: { pickedUp: number; available: number }) => [n.pickedUp, n.available])).toEqual([
      [2, 0],
      [2, 0],
    ]);
    expect(liEntry.roomBlock.warnings.map((w: { code: string }) => w.code).sort()).toEqual(['NO_SPARE_ROOM', 'ROOMS_ON_SEVERAL_FLOORS']);

    // Beyond the block: refused, nothing added.
    const over = await api.mutate('addHotelRoomingEntry', { ...stay, guestName: '随行人员', roomNumber: '803', floor: 8 }, ENTRY, admin);
    expect(over).toMatchObject({ __typename: 'HotelEventError', code: 'OVER_BLOCK' });
    // A third room blocked for each night: the spare room fits; fewer rooms than picked up is refused.
    for (const night of [localDay(0), localDay(1)]) {
      await api.mutate('setHotelRoomBlockNight', { blockId: block.id, night, roomType: '标准间', rooms: 3 }, '', admin, 'HotelRoomBlockPayload');
    }
    r = await api.mutate('addHotelRoomingEntry', { ...stay, isSpare: true, roomNumber: '802', floor: 8 }, ENTRY, admin, 'HotelRoomingEntryPayload');
    expect(r.entry.guestName).toContain('备用房');
    expect(r.roomBlock.warnings.map((w: { code: string }) => w.code)).toEqual(['ROOMS_ON_SEVERAL_FLOORS']);
    const fewer = await api.mutate('setHotelRoomBlockNight', { blockId: block.id, night: localDay(0), roomType: '标准间', rooms: 1 }, '', admin);
    expect(fewer).toMatchObject({ __typename: 'HotelEventError', code: 'OVER_BLOCK' });
    // Li moves to the eighth floor: one floor.
    await api.mutate('removeHotelRoomingEntry', { entryId: liEntry.entry.id }, '', admin, 'HotelRoomingEntryPayload');
    r = await api.mutate('addHotelRoomingEntry', { ...stay, visitGuestId: li, roomNumber: '805', floor: 8 }, ENTRY, admin, 'HotelRoomingEntryPayload');
    expect(r.roomBlock.warnings.map((w: { code: string }) => w.code)).toEqual([]);

    // Today's arrivals: the most senior first, dietary restrictions from the visit, readiness, expected arrival.
    const ARRIVALS = `{ hotelArrivals(day: TODAY) { guestName rankLevel roomNumber roomInspected keyReady dietaryRestrictions expectedArrivalAt entry { id } } }`;
    let arrivals = (await api.gql(ARRIVALS, {}, admin)).hotelArrivals;
    expect(arrivals.map((a: { guestName: string }) => a.guestName)).toEqual(['王建国', '李芳']);
    expect(arrivals[0]).toMatchObject({
      rankLevel: 5,
      roomNumber: '801',
      roomInspected: false,
      keyReady: false,
      dietaryRestrictions: ['RELIGIOUS: pork (清真)'],
    });
    expect(arrivals[0].expectedArrivalAt).toBe(planned);
    const tomorrow = (await api.gql(`{ hotelArrivals(day: TOMORROW) { guestName } }`, {}, admin)).hotelArrivals;
    expect(tomorrow).toEqual([]);

    // The train is late (live travel progress): the expected arrival follows; the front desk readies the key.
    const late = new Date(Date.parse(planned) + 90 * 60_000).toISOString();
    await visits.travelProgress(admin, leg, { expectedArrivalAt: late });
    await api.mutate('prepareHotelArrival', { entryId: arrivals[0].entry.id, roomInspected: true, keyReady: true }, '', admin, 'HotelRoomingEntryPayload');
    arrivals = (await api.gql(ARRIVALS, {}, admin)).hotelArrivals;
    expect(arrivals[0]).toMatchObject({ guestName: '王建国', roomInspected: true, keyReady: true, expectedArrivalAt: late });

    const bad = await t.gql(`{ hotelArrivals(date: "2030-02-30") { guestName } }`, {}, { token: admin });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('refuse a rooming entry once released, and say so', async () => {
    const eventId = await api.createEvent(admin);
    const created = await api.mutate(
      'createHotelRoomBlock',
      { eventId, name: '已释放', releaseOn: localDay(-1), nights: [{ night: localDay(2), roomType: '大床房', rooms: 5 }] },
      BLOCK,
      admin,
      'HotelRoomBlockPayload',
    );
    expect(created.roomBlock.warnings.map((w: { code: string }) => w.code)).toEqual(['RELEASED']);
    const late = await api.mutate(
      'addHotelRoomingEntry',
      { blockId: created.roomBlock.id, guestName: '张三', roomType: '大床房', arrivalOn: localDay(2), departureOn: localDay(3) },
      '',
      admin,
    );
    expect(late).toMatchObject({ __typename: 'HotelEventError', code: 'OVER_BLOCK' });
    const neither = await api.mutate(
      'createHotelRoomBlock',
      { name: 'x', releaseOn: localDay(1), nights: [{ night: localDay(2), roomType: 'x', rooms: 1 }] },
      '',
      admin,
    );
    expect(neither).toMatchObject({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'eventId'] }] });
  });
});
