// Car seating: the text's three roles (guest back right, leader back left, staff beside the driver), coaches by
// rows, vehicles by head count; properties over random groups and fleets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignCars,
  type CarPassenger,
  type CarRole,
  checkCarSeating,
  seatVehicle,
  type VehicleInput,
  vehicleSeats,
  vehiclesForHeadCount,
} from '../car-seating.rules.ts';

const person = (role: CarRole, n: number): CarPassenger => ({
  id: `${role[0]}${n}`,
  name: `${role}${n}`,
  side: role === 'GUEST' ? 'GUEST' : 'HOST',
  order: n,
  role,
});
const sedan: VehicleInput = { id: 'car1', kind: 'SEDAN', seats: 4 };

describe('car seating: the text’s example', () => {
  it('puts the guest back right, the accompanying leader back left, the staff member beside the driver', () => {
    const car = seatVehicle(sedan, [person('STAFF', 1), person('LEADER', 1), person('GUEST', 1)]);
    const at = (code: string) => car.seats.find((s) => s.code === code)!;
    expect(at('BACK_RIGHT')).toMatchObject({ person: { id: 'G1' }, rule: 'GUEST_BACK_RIGHT', label: '后排右' });
    expect(at('BACK_LEFT')).toMatchObject({ person: { id: 'L1' }, rule: 'LEADER_BACK_LEFT' });
    expect(at('FRONT_RIGHT')).toMatchObject({ person: { id: 'S1' }, rule: 'STAFF_BESIDE_DRIVER' });
    // Right is right: the back-right seat is on the vehicle's right, the driver on its left, in front.
    expect(at('BACK_RIGHT').x).toBeGreaterThan(0);
    expect(car.driver.x).toBeLessThan(0);
    expect(at('BACK_RIGHT').y).toBeGreaterThan(at('FRONT_RIGHT').y);
  });

  it('seats a coach by rows, the front first, in a row the right first', () => {
    const coach: VehicleInput = { id: 'bus', kind: 'COACH', seats: 13 };
    const people = Array.from({ length: 6 }, (_, i) => person('GUEST', i + 1));
    const seated = seatVehicle(coach, people).seats.filter((s) => s.person);
    expect(seated.map((s) => [s.person!.id, s.code])).toEqual([
      ['G1', 'R1C1'],
      ['G2', 'R1C2'],
      ['G3', 'R1C3'],
      ['G4', 'R1C4'],
      ['G5', 'R2C1'],
      ['G6', 'R2C2'],
    ]);
  });

  it('the principal guest rides with the host leader; the others take the coach', () => {
    const people = [...[1, 2, 3, 4, 5, 6, 7].map((n) => person('GUEST', n)), person('LEADER', 1), person('LEADER', 2), person('STAFF', 1)];
    const plan = assignCars([sedan, { id: 'bus', kind: 'MINIBUS', seats: 17 }], people);
    const car = plan.vehicles[0]!.seats.filter((s) => s.person).map((s) => s.person!.id);
    expect(car.sort()).toEqual(['G1', 'L1', 'S1']);
    expect(plan.unseated).toEqual([]);
  });

  it('lists who does not fit', () => {
    const plan = assignCars(
      [sedan],
      [1, 2, 3, 4, 5].map((n) => person('GUEST', n)),
    );
    expect(plan.unseated.map((p) => p.id)).toEqual(['G5']);
  });

  it('allocates vehicles by head count: sedans, then a sedan and a minibus or coaches', () => {
    expect(vehiclesForHeadCount(3)).toEqual([{ kind: 'SEDAN', seats: 4 }]);
    expect(vehiclesForHeadCount(8).map((v) => v.kind)).toEqual(['SEDAN', 'SEDAN']);
    expect(vehiclesForHeadCount(12).map((v) => v.kind)).toEqual(['SEDAN', 'MINIBUS']);
    expect(vehiclesForHeadCount(60).map((v) => v.kind)).toEqual(['SEDAN', 'COACH', 'COACH']);
  });
});

const fleet = fc.array(
  fc.record({ kind: fc.constantFrom('SEDAN' as const, 'SUV' as const, 'MINIBUS' as const, 'COACH' as const), seats: fc.integer({ min: 1, max: 50 }) }),
  { maxLength: 6 },
);
const group = fc.record({ guests: fc.integer({ min: 0, max: 40 }), leaders: fc.integer({ min: 0, max: 10 }), staff: fc.integer({ min: 0, max: 10 }) });

describe('car seating: properties', () => {
  it('seats everyone once, in the vehicle’s seats, and lists the rest only when the seats are full', () => {
    fc.assert(
      fc.property(fleet, group, (kinds, g) => {
        const vehicles = kinds.map((v, i) => ({ id: `v${i}`, ...v }));
        const people = [
          ...Array.from({ length: g.guests }, (_, i) => person('GUEST', i + 1)),
          ...Array.from({ length: g.leaders }, (_, i) => person('LEADER', i + 1)),
          ...Array.from({ length: g.staff }, (_, i) => person('STAFF', i + 1)),
        ];
        const plan = assignCars(vehicles, people);
        const seated = plan.vehicles.flatMap((v) => v.seats.flatMap((s) => (s.person ? [s.person.id] : [])));
        expect(new Set(seated).size).toBe(seated.length);
        expect([...seated, ...plan.unseated.map((p) => p.id)].sort()).toEqual(people.map((p) => p.id).sort());
        const capacity = vehicles.reduce((n, v) => n + v.seats, 0);
        expect(plan.unseated.length).toBe(Math.max(0, people.length - capacity));
        expect(plan.vehicles.map((v) => v.seats.length)).toEqual(vehicles.map((v) => Math.max(0, v.seats)));
        expect(assignCars(vehicles, [...people].reverse())).toEqual(plan);
      }),
      { numRuns: 300 },
    );
  });

  it('in every small car: staff beside the driver when staff ride; the best guest back right; right above left, back above front', () => {
    fc.assert(
      fc.property(fleet, group, (kinds, g) => {
        const vehicles = kinds.map((v, i) => ({ id: `v${i}`, ...v }));
        const people = [
          ...Array.from({ length: g.guests }, (_, i) => person('GUEST', i + 1)),
          ...Array.from({ length: g.leaders }, (_, i) => person('LEADER', i + 1)),
          ...Array.from({ length: g.staff }, (_, i) => person('STAFF', i + 1)),
        ];
        for (const v of assignCars(vehicles, people).vehicles) {
          const riders = v.seats.filter((s) => s.person);
          const front = v.seats.find((s) => s.code === 'FRONT_RIGHT');
          if (front && riders.some((s) => s.person!.role === 'STAFF')) expect(front.person?.role).toBe('STAFF');
          if (v.kind !== 'SEDAN' && v.kind !== 'SUV') {
            // by rows: a higher person never sits behind a lower one (the seat beside the driver aside)
            const rows = riders.filter((s) => s.code !== 'FRONT_RIGHT');
            for (let i = 1; i < rows.length; i++) expect(rows[i]!.row * 10 + rows[i]!.column).toBeGreaterThan(rows[i - 1]!.row * 10 + rows[i - 1]!.column);
            continue;
          }
          const guests = riders.filter((s) => s.person!.role === 'GUEST').sort((a, b) => a.person!.order - b.person!.order);
          const backRight = v.seats.find((s) => s.code === 'BACK_RIGHT');
          if (guests.length > 0 && backRight) expect(guests[0]!.code).toBe('BACK_RIGHT');
          const backLeft = v.seats.find((s) => s.code === 'BACK_LEFT');
          const leaders = riders.filter((s) => s.person!.role === 'LEADER').sort((a, b) => a.person!.order - b.person!.order);
          if (backLeft && guests.length > 0 && leaders.length > 0) expect(leaders[0]!.code).toBe('BACK_LEFT');
          if (backRight?.person && backLeft?.person) {
            const rank = (p: CarPassenger) => ({ GUEST: 0, LEADER: 1, STAFF: 2 })[p.role] * 1000 + p.order;
            expect(rank(backRight.person)).toBeLessThan(rank(backLeft.person));
            expect(backRight.x).toBeGreaterThan(backLeft.x);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every computed seating passes the independent checker (checkCarSeating), and is deterministic', () => {
    fc.assert(
      fc.property(fleet, group, (kinds, g) => {
        const vehicles = kinds.map((k, i) => ({ id: `v${i}`, ...k }));
        const people = [
          ...Array.from({ length: g.guests }, (_, i) => person('GUEST', i + 1)),
          ...Array.from({ length: g.leaders }, (_, i) => person('LEADER', i + 1)),
          ...Array.from({ length: g.staff }, (_, i) => person('STAFF', i + 1)),
        ];
        const plan = assignCars(vehicles, people);
        for (const v of plan.vehicles) expect(checkCarSeating(v)).toEqual([]);
        expect(assignCars(vehicles, [...people].reverse())).toEqual(plan);
      }),
      { numRuns: 300 },
    );
  });

  it('a move by hand that breaks a rule is named by the checker', () => {
    const car = seatVehicle(sedan, [person('STAFF', 1), person('LEADER', 1), person('GUEST', 1)]);
    const at = (code: string) => car.seats.find((s) => s.code === code)!;
    // The guest and the leader change places: both car rules are broken.
    [at('BACK_RIGHT').person, at('BACK_LEFT').person] = [at('BACK_LEFT').person, at('BACK_RIGHT').person];
    expect(checkCarSeating(car).map((b) => b.rule)).toEqual(['GUEST_BACK_RIGHT', 'LEADER_BACK_LEFT']);
    // The staff member to the back, the guest beside the driver.
    const other = seatVehicle(sedan, [person('STAFF', 1), person('GUEST', 1)]);
    const o = (code: string) => other.seats.find((s) => s.code === code)!;
    [o('BACK_RIGHT').person, o('FRONT_RIGHT').person] = [o('FRONT_RIGHT').person, o('BACK_RIGHT').person];
    expect(checkCarSeating(other).map((b) => b.rule)).toEqual(['STAFF_BESIDE_DRIVER', 'GUEST_BACK_RIGHT']);
    // In a coach, a staff member ahead of a guest.
    const coach = seatVehicle({ id: 'bus', kind: 'COACH', seats: 13 }, [person('GUEST', 1), person('GUEST', 2), person('STAFF', 1), person('STAFF', 2)]);
    const c = (code: string) => coach.seats.find((s) => s.code === code)!;
    expect(checkCarSeating(coach)).toEqual([]);
    const staffSeat = coach.seats.find((s) => s.person?.id === 'S2')!;
    [c('R1C1').person, staffSeat.person] = [staffSeat.person, c('R1C1').person];
    expect(checkCarSeating(coach).map((b) => b.rule)).toContain('COACH_BY_ROWS');
  });

  it('every layout has exactly the vehicle’s passenger seats, with distinct codes', () => {
    fc.assert(
      fc.property(fc.constantFrom('SEDAN' as const, 'SUV' as const, 'MINIBUS' as const, 'COACH' as const), fc.integer({ min: 0, max: 60 }), (kind, n) => {
        const seats = vehicleSeats(kind, n);
        expect(seats).toHaveLength(n);
        expect(new Set(seats.map((s) => s.code)).size).toBe(n);
      }),
    );
  });
});
