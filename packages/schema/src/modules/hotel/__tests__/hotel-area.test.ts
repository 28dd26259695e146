// A hotel's areas, the units of readiness inspections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';

let t: TestApp;
let hotel: TestTenant;

beforeAll(async () => {
  t = await startTestApp();
  const platform = await createPlatformAdmin(t);
  hotel = await createTenant(t, platform.token, 'HOTEL');
});
afterAll(() => t?.close());

describe('hotel areas', () => {
  it('are seeded with meeting venues, guest-room floors, restaurant and monitoring room', async () => {
    const res = await t.gql(`{ hotelAreas { kind } }`, {}, { token: hotel.adminToken });
    expect(new Set(res.data.hotelAreas.map((a: { kind: string }) => a.kind))).toEqual(
      new Set(['MEETING_VENUE', 'GUEST_ROOM_FLOOR', 'RESTAURANT', 'MONITORING_ROOM', 'FRONT_DESK']),
    );
  });

  it('are created, validated and deleted', async () => {
    const created = await t.gql(
      `mutation { createHotelArea(input: { name: "客房十层", kind: GUEST_ROOM_FLOOR, floor: 10 }) {
      __typename ... on HotelAreaPayload { hotelArea { id name floor } } } }`,
      {},
      { token: hotel.adminToken },
    );
    expect(created.data.createHotelArea.hotelArea).toMatchObject({ name: '客房十层', floor: 10 });
    const bad = await t.gql(
      `mutation { createHotelArea(input: { name: "x", kind: RESTAURANT, capacity: -5 }) { __typename ... on ValidationError { fieldErrors { path } } } }`,
      {},
      { token: hotel.adminToken },
    );
    expect(bad.data.createHotelArea).toEqual({ __typename: 'ValidationError', fieldErrors: [{ path: ['input', 'capacity'] }] });
    const floors = await t.gql(`{ hotelAreas(kind: GUEST_ROOM_FLOOR) { name } }`, {}, { token: hotel.adminToken });
    expect(floors.data.hotelAreas.map((a: { name: string }) => a.name)).toContain('客房十层');
    const del = await t.gql(
      `mutation($id: ID!) { deleteHotelArea(input: { id: $id }) { __typename } }`,
      { id: created.data.createHotelArea.hotelArea.id },
      { token: hotel.adminToken },
    );
    expect(del.data.deleteHotelArea.__typename).toBe('DeleteHotelAreaPayload');
  });

  it("are not in the other kinds' schemas", async () => {
    const platform = await createPlatformAdmin(t);
    const gov = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE', { withDefaultStructure: false });
    const res = await t.gql(`{ hotelAreas { name } }`, {}, { token: gov.adminToken });
    expect(res.errors?.[0]?.message).toMatch(/Cannot query field "hotelAreas"/);
  });
});
