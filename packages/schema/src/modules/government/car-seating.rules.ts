// Car seating (乘车座次) and vehicles by head count, pure: no I/O.
//
// The text: 右为上, 左为下, 后为上, 前为下 — the guest sits back right, the accompanying leader back left, the staff
// member in front beside the driver. Vehicles drive on the right (the driver sits front left). For a minibus or a
// coach the protocol order runs by rows: the front rows first (前排为上), in a row the right first.
// Vehicles: a sedan as a rule, a coach when the group is larger (一般配轿车，人多配旅行车).
//
// Chart geometry: the vehicle points up (its front at the top); x grows to the vehicle's right, y backwards.
import { at, type ProtocolPerson } from './banquet-seating.rules.ts';

export type VehicleKind = 'SEDAN' | 'SUV' | 'MINIBUS' | 'COACH';
export type CarRole = 'GUEST' | 'LEADER' | 'STAFF';

export interface CarPassenger extends ProtocolPerson {
  role: CarRole;
}
export interface VehicleInput {
  id: string;
  kind: VehicleKind;
  /** Passenger seats (the driver's not counted). */
  seats: number;
  label?: string | null;
}

export const CAR_RULES = {
  GUEST_BACK_RIGHT: '客人坐后排右座（右为上、后为上）',
  LEADER_BACK_LEFT: '陪同领导坐后排左座',
  STAFF_BESIDE_DRIVER: '工作人员坐司机旁（前为下）',
  SMALL_CAR_PRECEDENCE: '其余按右为上、后为上就座',
  COACH_BY_ROWS: '中大型车：前排为上，同排右为上',
} as const;
export type CarRule = keyof typeof CAR_RULES;

export interface CarSeat {
  /** E.g. FRONT_RIGHT, BACK_RIGHT, R2C1 (row 2, first from the right). */
  code: string;
  label: string;
  /** 0 the front row (beside the driver), then backwards. */
  row: number;
  /** 0 the rightmost seat of its row. */
  column: number;
  x: number;
  y: number;
  person: CarPassenger | null;
  rule: CarRule | null;
}

export interface VehicleSeating {
  vehicleId: string;
  kind: VehicleKind;
  driver: { x: number; y: number };
  seats: CarSeat[];
}

export interface CarSeatingPlan {
  vehicles: VehicleSeating[];
  unseated: CarPassenger[];
}

export const isSmallCar = (kind: VehicleKind) => kind === 'SEDAN' || kind === 'SUV';

const BACK_LABELS_3 = ['后排右', '后排左', '后排中'];

/** The seats of a vehicle, in order of honour (the best first), each placed on the chart. */
export function vehicleSeats(kind: VehicleKind, passengerSeats: number): CarSeat[] {
  const seats: CarSeat[] = [];
  const seat = (code: string, label: string, row: number, column: number, x: number): CarSeat => ({
    code,
    label,
    row,
    column,
    x,
    y: row * 1.2,
    person: null,
    rule: null,
  });
  const front = seat('FRONT_RIGHT', '副驾驶', 0, 0, 1);
  if (passengerSeats <= 0) return [];
  if (isSmallCar(kind)) {
    // The rows behind the driver: three abreast (right, left, then the middle), the third row of an SUV after the second.
    let left = passengerSeats - 1;
    const rows: CarSeat[][] = [];
    for (let row = 1; left > 0; row++) {
      const n = Math.min(3, left);
      left -= n;
      const places = n === 3 ? [1, -1, 0] : n === 2 ? [1, -1] : [1];
      rows.push(
        places.map((x, i) => {
          const code = row === 1 ? at(['BACK_RIGHT', 'BACK_LEFT', 'BACK_MIDDLE'], i) : `R${row}${at(['RIGHT', 'LEFT', 'MIDDLE'], i)}`;
          const label = row === 1 ? at(BACK_LABELS_3, i) : `第${row + 1}排${at(['右', '左', '中'], i)}`;
          return seat(code, label, row, x === 1 ? 0 : x === 0 ? 1 : 2, x);
        }),
      );
    }
    return [...rows.flat(), front];
  }
  // Minibus or coach: a seat by the door beside the driver, then rows of three (minibus) or four (coach), the front first.
  const perRow = kind === 'MINIBUS' ? 3 : 4;
  let left = passengerSeats - 1;
  for (let row = 1; left > 0; row++) {
    const n = Math.min(perRow, left);
    left -= n;
    for (let c = 0; c < n; c++) {
      const x = at(perRow === 4 ? [1.5, 0.6, -0.6, -1.5] : [1.5, 0.6, -1.2], c);
      seats.push(seat(`R${row}C${c + 1}`, `第${row}排右起第${c + 1}座`, row, c, x));
    }
  }
  return [...seats, front];
}

const byOrder = (a: ProtocolPerson, b: ProtocolPerson) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ROLE_RANK: Record<CarRole, number> = { GUEST: 0, LEADER: 1, STAFF: 2 };
const protocolOrder = (a: CarPassenger, b: CarPassenger) => ROLE_RANK[a.role] - ROLE_RANK[b.role] || byOrder(a, b);

/**
 * Seats the people of one vehicle: staff beside the driver; the others by honour (guests, then leaders), except that in
 * a car the first leader sits beside the first guest (back left).
 */
export function seatVehicle(vehicle: VehicleInput, people: readonly CarPassenger[]): VehicleSeating {
  const seats = vehicleSeats(vehicle.kind, vehicle.seats);
  const order = [...people].sort(protocolOrder);
  const front = seats.find((s) => s.code === 'FRONT_RIGHT');
  const staff = order.find((p) => p.role === 'STAFF');
  if (front && staff) {
    front.person = staff;
    front.rule = 'STAFF_BESIDE_DRIVER';
    order.splice(order.indexOf(staff), 1);
  }
  const small = isSmallCar(vehicle.kind);
  // In a car, the accompanying leader sits beside the principal guest (back left), before any other guest.
  const firstGuest = order.find((p) => p.role === 'GUEST');
  const firstLeader = order.find((p) => p.role === 'LEADER');
  if (small && firstGuest && firstLeader) {
    order.splice(order.indexOf(firstLeader), 1);
    order.splice(order.indexOf(firstGuest) + 1, 0, firstLeader);
  }
  let leaderSeated = false;
  for (const s of seats) {
    if (s.person) continue;
    const person = order.shift();
    if (!person) break;
    s.person = person;
    if (!small) s.rule = person.role === 'STAFF' && s.code === 'FRONT_RIGHT' ? 'STAFF_BESIDE_DRIVER' : 'COACH_BY_ROWS';
    else if (s.code === 'BACK_RIGHT' && person.role === 'GUEST') s.rule = 'GUEST_BACK_RIGHT';
    else if (s.code === 'BACK_LEFT' && person.role === 'LEADER' && !leaderSeated) s.rule = 'LEADER_BACK_LEFT';
    else s.rule = 'SMALL_CAR_PRECEDENCE';
    if (person.role === 'LEADER') leaderSeated = true;
  }
  return { vehicleId: vehicle.id, kind: vehicle.kind, driver: { x: -1, y: 0 }, seats };
}

/**
 * Shares the people out over the vehicles and seats them: each small car takes the next guest with the next
 * leader and the next staff member (the principal guest rides with the host leader); everyone else rides in the
 * minibuses/coaches, then in the small cars' free seats. Who does not fit is `unseated`.
 */
export function assignCars(vehicles: readonly VehicleInput[], people: readonly CarPassenger[]): CarSeatingPlan {
  const take = (role: CarRole) => people.filter((p) => p.role === role).sort(byOrder);
  const queues = { GUEST: take('GUEST'), LEADER: take('LEADER'), STAFF: take('STAFF') };
  const load = new Map<string, CarPassenger[]>(vehicles.map((v) => [v.id, []]));
  const room = (v: VehicleInput) => Math.max(0, v.seats) - load.get(v.id)!.length;
  const small = vehicles.filter((v) => isSmallCar(v.kind));
  const large = vehicles.filter((v) => !isSmallCar(v.kind));
  for (const car of small) {
    if (queues.GUEST.length === 0) break;
    for (const role of ['GUEST', 'LEADER', 'STAFF'] as const) if (room(car) > 0 && queues[role].length > 0) load.get(car.id)!.push(queues[role].shift()!);
  }
  const rest = [...queues.GUEST, ...queues.LEADER, ...queues.STAFF];
  for (const v of [...large, ...small]) while (room(v) > 0 && rest.length > 0) load.get(v.id)!.push(rest.shift()!);
  return { vehicles: vehicles.map((v) => seatVehicle(v, load.get(v.id)!)), unseated: rest };
}

export interface VehicleNeed {
  kind: VehicleKind;
  seats: number;
}
export const DEFAULT_SEATS: Record<VehicleKind, number> = { SEDAN: 4, SUV: 6, MINIBUS: 17, COACH: 45 };

/**
 * Vehicles for a head count (passengers, the drivers not counted): sedans for up to two cars' worth, else a sedan for
 * the principal guest and the host leader and a minibus or coaches for the others.
 */
export function vehiclesForHeadCount(headCount: number): VehicleNeed[] {
  if (headCount <= 0) return [];
  const sedan = { kind: 'SEDAN' as const, seats: DEFAULT_SEATS.SEDAN };
  if (headCount <= 2 * DEFAULT_SEATS.SEDAN) return Array.from({ length: Math.ceil(headCount / DEFAULT_SEATS.SEDAN) }, () => ({ ...sedan }));
  const others = headCount - 3; // the principal guest, the host leader and a staff member ride in the sedan
  if (others <= DEFAULT_SEATS.MINIBUS) return [sedan, { kind: 'MINIBUS', seats: DEFAULT_SEATS.MINIBUS }];
  return [sedan, ...Array.from({ length: Math.ceil(others / DEFAULT_SEATS.COACH) }, () => ({ kind: 'COACH' as const, seats: DEFAULT_SEATS.COACH }))];
}

// ── checking a vehicle's seating (computed or moved by hand) ─────────────────────────────────────

export interface BrokenCarRule {
  rule: CarRule;
  vehicleId: string;
  message: string;
  personIds: string[];
}

/**
 * The honour of a seat from its place alone (lower is better), independent of how seats were computed: in a car
 * the rows behind the driver before the front (后为上), nearer rows first, in a row the right, then the left, then the
 * middle (右为上); in a minibus or coach the rows front to back (前排为上), in a row right to left, the seat beside
 * the driver last.
 */
function honour(kind: VehicleKind, seat: CarSeat): number {
  const row = seat.row === 0 ? 1000 : seat.row;
  if (isSmallCar(kind)) return row * 10 + (seat.x > 0 ? 0 : seat.x < 0 ? 1 : 2);
  return row * 10 - seat.x;
}

/**
 * Every rule a vehicle's seating is meant to hold, checked from the seats' places: staff beside the driver when
 * staff ride; in a car, the car's first guest back right and its first leader back left beside him, the other
 * guests by precedence; in a minibus or coach, guests, then leaders, then staff, each by order, row by row.
 */
export function checkCarSeating(seating: VehicleSeating): BrokenCarRule[] {
  const broken: BrokenCarRule[] = [];
  const seated = seating.seats.filter((s): s is CarSeat & { person: CarPassenger } => s.person !== null);
  const byHonour = [...seated].sort((a, b) => honour(seating.kind, a) - honour(seating.kind, b));
  const of = (role: CarRole) => seated.filter((s) => s.person.role === role).sort((a, b) => byOrder(a.person, b.person));
  const front = seating.seats.find((s) => s.row === 0) ?? null;
  const push = (rule: CarRule, message: string, ...people: CarPassenger[]) =>
    broken.push({ rule, vehicleId: seating.vehicleId, message, personIds: people.map((p) => p.id) });
  const staff = of('STAFF');
  if (front && staff.length > 0 && front.person?.role !== 'STAFF') {
    push('STAFF_BESIDE_DRIVER', `${staff[0]!.person.name} (staff) does not sit beside the driver`, staff[0]!.person);
  }
  const guests = of('GUEST');
  if (isSmallCar(seating.kind)) {
    const back = seating.seats.filter((s) => s.row === 1);
    const backRight = back.find((s) => s.x > 0) ?? null;
    const backLeft = back.find((s) => s.x < 0) ?? null;
    const first = guests[0];
    if (first && backRight && first !== backRight)
      push('GUEST_BACK_RIGHT', `${first.person.name} (the car's first guest) does not sit back right`, first.person);
    const leader = of('LEADER')[0];
    if (first && leader && backLeft && leader !== backLeft)
      push('LEADER_BACK_LEFT', `${leader.person.name} (the accompanying leader) does not sit back left beside the guest`, leader.person);
    for (let i = 1; i < guests.length; i++) {
      const higher = guests[i - 1]!;
      const lower = guests[i]!;
      if (i > 1 && honour(seating.kind, lower) < honour(seating.kind, higher))
        push('SMALL_CAR_PRECEDENCE', `${lower.person.name} sits in a better seat than ${higher.person.name}, who outranks them`, lower.person, higher.person);
    }
  } else {
    // Row by row in protocol order (the seat beside the driver is staff's, else the last).
    const inRows = byHonour.filter((s) => s.row !== 0);
    for (let i = 1; i < inRows.length; i++) {
      const a = inRows[i - 1]!.person;
      const b = inRows[i]!.person;
      if (protocolOrder(b, a) < 0) push('COACH_BY_ROWS', `${b.name} sits ahead of ${a.name}, whom they do not outrank`, b, a);
    }
  }
  return broken;
}
