// Serving order at a table: 先主宾，后主人，先女宾，后男宾, each served from their right.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ProtocolPerson, proposeBanquetSeating } from '../banquet-seating.rules.ts';
import { servingOrder } from '../serving-order.rules.ts';

const guest = (n: number, gender: ProtocolPerson['gender']): ProtocolPerson => ({ id: `g${n}`, name: `宾${n}`, side: 'GUEST', order: n, gender });
const ours = (n: number, gender: ProtocolPerson['gender']): ProtocolPerson => ({ id: `h${n}`, name: `主${n}`, side: 'HOST', order: n, gender });

describe('serving order', () => {
  it('serves the principal guest, then the host, then women guests before men, our side last, each from their right', () => {
    const plan = proposeBanquetSeating({
      tables: 1,
      seatsPerTable: 8,
      guests: [guest(1, 'MALE'), guest(2, 'MALE'), guest(3, 'FEMALE'), guest(4, 'MALE')],
      hosts: [ours(1, 'MALE'), ours(2, 'MALE'), ours(3, 'FEMALE')],
    });
    const order = servingOrder(plan.tables[0]!);
    expect(order.map((s) => s.person.id)).toEqual(['g1', 'h1', 'g3', 'g2', 'g4', 'h3', 'h2']);
    expect(order.map((s) => s.rule).slice(0, 3)).toEqual(['PRINCIPAL_GUEST_FIRST', 'HOST_AFTER_PRINCIPAL_GUEST', 'WOMEN_BEFORE_MEN']);
    // The host sits at 0°: his right is counter-clockwise, so he is served from 337.5° at a table of eight.
    expect(order[1]!.fromAngle).toBe(337.5);
  });

  it('for any table: everyone seated once; principal guest first, host second, no man guest before a woman guest', () => {
    const gender = fc.constantFrom('FEMALE' as const, 'MALE' as const, 'UNSPECIFIED' as const);
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 24 }), fc.array(gender, { maxLength: 30 }), fc.array(gender, { minLength: 1, maxLength: 10 }), (n, gs, hs) => {
        const plan = proposeBanquetSeating({ tables: 1, seatsPerTable: n, guests: gs.map((g, i) => guest(i + 1, g)), hosts: hs.map((g, i) => ours(i + 1, g)) });
        const table = plan.tables[0]!;
        const order = servingOrder(table);
        expect(order.length).toBe(table.seats.filter((s) => s.person).length);
        expect(new Set(order.map((s) => s.person.id)).size).toBe(order.length);
        if (gs.length > 0) expect(order[0]!.person.id).toBe('g1');
        expect(order[gs.length > 0 ? 1 : 0]!.person.id).toBe('h1');
        const rest = order.filter((s) => s.rule === 'WOMEN_BEFORE_MEN').map((s) => s.person.gender === 'FEMALE');
        expect(rest).toEqual([...rest].sort((a, b) => Number(b) - Number(a)));
        for (const s of order) {
          const seat = table.seats[s.seat - 1]!;
          const d = (((seat.angle - s.fromAngle) % 360) + 360) % 360;
          expect(d).toBeCloseTo(180 / n, 3);
        }
      }),
    );
  });
});
