// Banquet seating: the text's example (the first principal guest on the host's right) and properties over
// random delegations: every computed plan holds every rule it claims, and the same input gives the same plan.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BanquetInput,
  type BanquetPlan,
  at,
  checkBanquetSeating,
  MAX_SEATS,
  MAX_TABLES,
  MIN_SEATS,
  type ProtocolPerson,
  proposeBanquetSeating,
  seatPrecedence,
} from '../banquet-seating.rules.ts';

const guest = (n: number, gender: ProtocolPerson['gender'] = 'MALE'): ProtocolPerson => ({ id: `g${n}`, name: `宾${n}`, side: 'GUEST', order: n, gender });
const ours = (n: number, gender: ProtocolPerson['gender'] = 'MALE'): ProtocolPerson => ({ id: `h${n}`, name: `主${n}`, side: 'HOST', order: n, gender });
const seatOf = (plan: BanquetPlan, id: string) => plan.tables.flatMap((t) => t.seats).find((s) => s.person?.id === id)!;

describe('banquet seating: the text’s examples', () => {
  it('puts the host facing the door, the first principal guest on his right, the second on his left', () => {
    const plan = proposeBanquetSeating({ tables: 1, seatsPerTable: 10, guests: [guest(1), guest(2), guest(3)], hosts: [ours(1), ours(2)] });
    const host = seatOf(plan, 'h1');
    expect(host).toMatchObject({ seat: 1, angle: 0, rule: 'HOST_FACES_DOOR' });
    // The door is at the bottom: the host, at the top, looks towards it; his right is the chart's left (west).
    expect(plan.door.y).toBeLessThan(host.y);
    const first = seatOf(plan, 'g1');
    expect(first).toMatchObject({ seat: 10, angle: 324, rule: 'FIRST_GUEST_HOST_RIGHT' });
    expect(first.x).toBeLessThan(host.x);
    expect(seatOf(plan, 'g2')).toMatchObject({ seat: 2, angle: 36, rule: 'SECOND_GUEST_HOST_LEFT' });
    expect(seatOf(plan, 'g3')).toMatchObject({ seat: 9, rule: 'GUEST_BY_PRECEDENCE' });
    expect(seatOf(plan, 'h2')).toMatchObject({ seat: 3, rule: 'ACCOMPANYING_FILL' });
    expect(checkBanquetSeating(plan)).toEqual([]);
  });

  it('puts the second guest on the first guest’s right when the tenant’s protocol says so', () => {
    const plan = proposeBanquetSeating({
      tables: 1,
      seatsPerTable: 8,
      guests: [guest(1), guest(2), guest(3)],
      hosts: [ours(1)],
      protocol: { secondGuest: 'FIRST_GUEST_RIGHT' },
    });
    expect(seatOf(plan, 'g1').seat).toBe(8);
    expect(seatOf(plan, 'g2')).toMatchObject({ seat: 7, rule: 'SECOND_GUEST_FIRST_GUEST_RIGHT' });
    expect(seatOf(plan, 'g3').seat).toBe(2);
    expect(checkBanquetSeating(plan)).toEqual([]);
  });

  it('seats a second host (副主人) facing the host, the second guest on his right', () => {
    const plan = proposeBanquetSeating({
      tables: 1,
      seatsPerTable: 10,
      guests: [guest(1), guest(2), guest(3), guest(4)],
      hosts: [ours(1), ours(2)],
      protocol: { secondHost: true },
    });
    expect(seatOf(plan, 'h2')).toMatchObject({ seat: 6, angle: 180, rule: 'SECOND_HOST_FACES_HOST' });
    // The second host faces the host (north): his right is the east, the seat before his clockwise.
    expect(seatOf(plan, 'g2')).toMatchObject({ seat: 5, rule: 'SECOND_GUEST_SECOND_HOST_RIGHT' });
    expect(seatOf(plan, 'g2').x).toBeGreaterThan(0);
    expect(seatOf(plan, 'g3').seat).toBe(2);
    expect(seatOf(plan, 'g4').seat).toBe(7);
    expect(checkBanquetSeating(plan)).toEqual([]);
  });

  it('ranks tables by distance from the main table, the east before the west (尚左尊东), and fills them by rank', () => {
    const guests = Array.from({ length: 20 }, (_, i) => guest(i + 1));
    const plan = proposeBanquetSeating({ tables: 3, seatsPerTable: 8, guests, hosts: [ours(1), ours(2), ours(3)] });
    expect(plan.tables.map((t) => [t.gridX, t.gridY])).toEqual([
      [0, 0],
      [1, 0],
      [-1, 0],
    ]);
    expect(
      at(plan.tables, 1)
        .seats.filter((s) => s.person?.side === 'GUEST')
        .map((s) => s.person!.order)
        .sort((a, b) => a - b),
    ).toEqual([8, 9, 10, 11, 12, 13, 14]);
    expect(plan.unseated).toEqual([]);
    expect(checkBanquetSeating(plan)).toEqual([]);
  });

  it('reports who does not fit', () => {
    const plan = proposeBanquetSeating({ tables: 1, seatsPerTable: 4, guests: [guest(1), guest(2), guest(3), guest(4)], hosts: [ours(1)] });
    expect(plan.unseated.map((p) => p.id)).toEqual(['g4']);
    expect(checkBanquetSeating(plan)).toEqual([]);
  });

  it('names the broken rule when a seat is moved by hand', () => {
    const plan = proposeBanquetSeating({ tables: 1, seatsPerTable: 8, guests: [guest(1), guest(2), guest(3)], hosts: [ours(1), ours(2)] });
    const seats = at(plan.tables, 0).seats;
    const [a, b] = [at(seats, 7), at(seats, 1)];
    // Swap the first principal guest with the host's left neighbour (the second guest).
    [a.person, b.person] = [b.person, a.person];
    const rules = checkBanquetSeating(plan).map((b) => b.rule);
    expect(rules).toContain('FIRST_GUEST_HOST_RIGHT');
    expect(rules).toContain('SECOND_GUEST_HOST_LEFT');
  });

  it('seats each visiting unit’s guests at its own host’s table (来访单位), the unit’s principal guest on his right', () => {
    // Unit A (guests 1, 3, 5) and unit B (guests 2, 4, 6): A's host heads the main table, B's host table 2.
    const u = (p: ProtocolPerson, unit: string): ProtocolPerson => ({ ...p, unit });
    const guests = [u(guest(1), 'A'), u(guest(2), 'B'), u(guest(3), 'A'), u(guest(4), 'B'), u(guest(5), 'A'), u(guest(6), 'B')];
    const plan = proposeBanquetSeating({ tables: 2, seatsPerTable: 8, guests, hosts: [u(ours(1), 'A'), u(ours(2), 'B'), ours(3)] });
    const tableOf = (id: string) => seatOf(plan, id).table;
    expect(['g1', 'g3', 'g5', 'h1'].map(tableOf)).toEqual([1, 1, 1, 1]);
    expect(['g2', 'g4', 'g6', 'h2'].map(tableOf)).toEqual([2, 2, 2, 2]);
    expect(seatOf(plan, 'h2')).toMatchObject({ seat: 1, rule: 'TABLE_HOST_FACES_DOOR' });
    expect(seatOf(plan, 'g2')).toMatchObject({ seat: 8, rule: 'FIRST_GUEST_HOST_RIGHT' });
    expect(seatOf(plan, 'g4')).toMatchObject({ seat: 2, rule: 'SECOND_GUEST_HOST_LEFT' });
    expect(checkBanquetSeating(plan)).toEqual([]);
    // The same delegation without units: by precedence, the main table first.
    const plain = proposeBanquetSeating({ tables: 2, seatsPerTable: 8, guests: guests.map(({ unit: _, ...g }) => g), hosts: [ours(1), ours(2), ours(3)] });
    expect(plain.tables[0]!.seats.filter((s) => s.person?.side === 'GUEST')).toHaveLength(6);
    // A unit's guest moved away from its host's table breaks the rule, by name.
    const seats = plan.tables.flatMap((t) => t.seats);
    const [a, b] = [seatOf(plan, 'g6'), seats.find((s) => s.table === 1 && !s.person)!];
    [a.person, b.person] = [b.person, a.person];
    expect(checkBanquetSeating(plan)).toContainEqual(expect.objectContaining({ rule: 'UNIT_AT_HOST_TABLE', table: 2, personIds: ['g6'] }));
  });

  it('rejects tables outside 4–24 seats and 1–10 tables', () => {
    expect(() => proposeBanquetSeating({ tables: 1, seatsPerTable: 3, guests: [], hosts: [] })).toThrow(RangeError);
    expect(() => proposeBanquetSeating({ tables: 11, seatsPerTable: 10, guests: [], hosts: [] })).toThrow(RangeError);
  });
});

// ── properties ───────────────────────────────────────────────────────────────────────────────────

const delegation: fc.Arbitrary<BanquetInput> = fc
  .record({
    tables: fc.integer({ min: 1, max: MAX_TABLES }),
    seatsPerTable: fc.integer({ min: MIN_SEATS, max: MAX_SEATS }),
    guestCount: fc.integer({ min: 0, max: 120 }),
    hostCount: fc.integer({ min: 0, max: 40 }),
    genders: fc.array(fc.constantFrom('FEMALE' as const, 'MALE' as const, 'UNSPECIFIED' as const), { minLength: 160, maxLength: 160 }),
    // principal orders with gaps, shuffled
    orderSeed: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 160, maxLength: 160 }),
    secondGuest: fc.constantFrom('HOST_LEFT' as const, 'FIRST_GUEST_RIGHT' as const),
    secondHost: fc.boolean(),
  })
  .map((r) => ({
    tables: r.tables,
    seatsPerTable: r.seatsPerTable,
    guests: Array.from({ length: r.guestCount }, (_, i) => ({ ...guest(i + 1, r.genders[i] ?? 'MALE'), order: r.orderSeed[i] ?? i })),
    hosts: Array.from({ length: r.hostCount }, (_, i) => ({ ...ours(i + 1, r.genders[120 + i] ?? 'MALE'), order: r.orderSeed[120 + i] ?? i })),
    protocol: { secondGuest: r.secondGuest, secondHost: r.secondHost },
  }));

describe('banquet seating: properties', () => {
  it('every computed plan holds every rule it claims (checked from the geometry)', () => {
    fc.assert(
      fc.property(delegation, (input) => {
        const plan = proposeBanquetSeating(input);
        const broken = checkBanquetSeating(plan);
        // A table without one of our people as its host is a fact of the input, not a rule the plan claims.
        expect(broken.filter((b) => b.rule !== 'TABLE_HAS_HOST')).toEqual([]);
        const occupied = plan.tables.filter((t) => t.seats.some((s) => s.person)).length;
        expect(broken.length).toBe(Math.max(0, occupied - input.hosts.length));
      }),
      { numRuns: 300 },
    );
  });

  it('seats everyone once; who does not fit is listed, and only when every seat is taken', () => {
    fc.assert(
      fc.property(delegation, (input) => {
        const plan = proposeBanquetSeating(input);
        const seated = plan.tables.flatMap((t) => t.seats).flatMap((s) => (s.person ? [s.person.id] : []));
        expect(new Set(seated).size).toBe(seated.length);
        const everyone = [...input.guests, ...input.hosts].map((p) => p.id).sort();
        expect([...seated, ...plan.unseated.map((p) => p.id)].sort()).toEqual(everyone);
        const capacity = input.tables * input.seatsPerTable;
        expect(plan.unseated.length).toBe(Math.max(0, everyone.length - capacity));
        expect(plan.tables).toHaveLength(input.tables);
        for (const t of plan.tables) expect(t.seats).toHaveLength(input.seatsPerTable);
      }),
      { numRuns: 200 },
    );
  });

  it('the first principal guest sits on the host’s right: the neighbouring seat towards the chart’s west', () => {
    fc.assert(
      fc.property(delegation, (input) => {
        fc.pre(input.guests.length > 0 && input.hosts.length > 0);
        const plan = proposeBanquetSeating(input);
        const first = [...input.guests].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1))[0];
        const s = seatOf(plan, first!.id);
        expect(s.table).toBe(1);
        expect(s.seat).toBe(input.seatsPerTable);
        expect(s.x).toBeLessThan(0);
        expect(s.rule).toBe('FIRST_GUEST_HOST_RIGHT');
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same delegation in any order gives the same plan', () => {
    fc.assert(
      fc.property(delegation, fc.integer(), (input, seed) => {
        const shuffle = <T>(xs: readonly T[]) =>
          [...xs]
            .map((x, i) => ({ x, k: (i * 7919 + seed) % 104729 }))
            .sort((a, b) => a.k - b.k)
            .map((p) => p.x);
        expect(proposeBanquetSeating({ ...input, guests: shuffle(input.guests), hosts: shuffle(input.hosts) })).toEqual(proposeBanquetSeating(input));
      }),
      { numRuns: 100 },
    );
  });

  it('several units: each unit’s guests sit at its host’s table (its best, while seats last), and every rule holds', () => {
    const units = ['甲单位', '乙单位', '丙单位', '丁单位'];
    const withUnits = fc
      .record({
        input: delegation,
        unitOfGuest: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 120, maxLength: 120 }),
        unitCount: fc.integer({ min: 2, max: 4 }),
      })
      .map(({ input, unitOfGuest, unitCount }) => {
        const guests = input.guests.map((g, i) => {
          const k = at(unitOfGuest, i);
          // Some guests come without a unit (k beyond the units), as they may.
          return k < unitCount ? { ...g, unit: at(units, k) } : g;
        });
        // Our side as the service orders it: each unit's host leader in the order of the unit's principal guest.
        const present = [...new Set([...guests].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1)).flatMap((g) => (g.unit ? [g.unit] : [])))];
        const leaders = present.map((unit, i) => ({ ...ours(900 + i), order: i + 1, unit }));
        const hosts = [...leaders, ...input.hosts.map((h) => ({ ...h, order: h.order + leaders.length + 1 }))];
        return { ...input, guests, hosts };
      });
    fc.assert(
      fc.property(withUnits, (input) => {
        const plan = proposeBanquetSeating(input);
        expect(checkBanquetSeating(plan).filter((b) => b.rule !== 'TABLE_HAS_HOST')).toEqual([]);
        expect(proposeBanquetSeating({ ...input, guests: [...input.guests].reverse(), hosts: [...input.hosts].reverse() })).toEqual(plan);
        // Where each unit's host leader heads a table, every guest of the unit is there unless the table is full.
        for (const table of plan.tables) {
          const heads = table.seats.filter((s) => s.person?.side === 'HOST' && s.rule !== 'ACCOMPANYING_FILL' && s.person.unit);
          for (const head of heads) {
            const unit = head.person!.unit!;
            if (
              plan.tables.some(
                (t) => t.number < table.number && t.seats.some((s) => s.person?.side === 'HOST' && s.rule !== 'ACCOMPANYING_FILL' && s.person.unit === unit),
              )
            )
              continue;
            const full = table.seats.every((s) => s.person && (s.person.side === 'HOST' || s.person.unit));
            const away = plan.tables.filter((t) => t !== table).flatMap((t) => t.seats.filter((s) => s.person?.side === 'GUEST' && s.person.unit === unit));
            if (!full) expect(away).toEqual([]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('seat precedence names every seat but the host’s (and the second host’s) once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_SEATS, max: MAX_SEATS }),
        fc.boolean(),
        fc.constantFrom('HOST_LEFT' as const, 'FIRST_GUEST_RIGHT' as const),
        (n, second, rule) => {
          const at = second ? Math.ceil(n / 2) : null;
          const order = seatPrecedence(n, rule, at).map((p) => p.index);
          expect(new Set(order).size).toBe(order.length);
          expect(order.length).toBe(n - (second ? 2 : 1));
          expect(order).not.toContain(0);
        },
      ),
    );
  });
});
