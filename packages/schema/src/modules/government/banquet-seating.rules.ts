// Banquet seating (宴会座次) computed from the rules of the source text (part 1, 餐桌礼仪), pure: no I/O.
//
// Geometry. Each table is round, seats numbered 1…N clockwise as seen on the chart, seat 1 at the top.
// The door is at the bottom of the chart; the host of each table sits in seat 1 facing the door
// (朝门为主) — with the east on the host's left, the main seat is fixed by 尚左尊东 and 朝门为主 together.
// A seated person faces the table's centre, so the seat on his right is the next one counter-clockwise.
// Angles are degrees clockwise from the top; x grows to the east (chart right), y to the back (chart top).
//
// Order of honour at a table (precedence of seats):
//   - the first principal guest on the host's right (第一主宾就坐于主人右侧);
//   - the second on the host's left, or on the first guest's right (第二主宾在主人左侧或第一主宾右侧), per protocol;
//   - with a second host (副主人) facing the host: the second guest on the second host's right;
//   - then alternating right and left, outwards from the host(s), by rank and order.
// Guests take the seats in that order; our accompanying people (陪同) take the seats left over.
// Several tables: ranked by distance from the main table; at equal distance the table in the same row first,
// then the east one (尚左尊东). Guests fill the tables in that order, so a better table never seats a lower guest.
// Several visiting units (来访单位): a unit whose host (of ours, with that `unit`) heads a table — as its host or
// as the second host (副主人) — has its guests seated at that table, best first, as long as it has seats; the
// rest (guests of units without a table of their own, and who did not fit) fill the tables as above.
//
// `checkBanquetSeating` re-checks a plan geometrically (from positions, not from the computation's indexes):
// it is what a manual move is judged by, and what the property tests hold every computed plan to.

export type Side = 'GUEST' | 'HOST';
export type Gender = 'FEMALE' | 'MALE' | 'UNSPECIFIED';

export interface ProtocolPerson {
  id: string;
  name: string;
  side: Side;
  /** Precedence within the side: 1 first (guests: principal order, then rank; hosts: by rank). */
  order: number;
  rankName?: string | null;
  title?: string | null;
  gender?: Gender;
  /** The visiting unit (来访单位) a guest belongs to, or the one a host of ours receives. */
  unit?: string | null;
}

export type SecondGuestRule = 'HOST_LEFT' | 'FIRST_GUEST_RIGHT';

export interface BanquetProtocol {
  /** Where the second principal guest sits when there is no second host (default: on the host's left). */
  secondGuest?: SecondGuestRule;
  /** A second host (副主人) facing the host at the main table (default: no). */
  secondHost?: boolean;
}

export interface BanquetInput {
  tables: number;
  seatsPerTable: number;
  guests: readonly ProtocolPerson[];
  /** Our side, the host first; then the second host (when the protocol has one), the other tables' hosts, the rest. */
  hosts: readonly ProtocolPerson[];
  protocol?: BanquetProtocol;
}

export const SEATING_RULES = {
  HOST_FACES_DOOR: '主人坐主位，面门（朝门为主、尚左尊东）',
  TABLE_HOST_FACES_DOOR: '各桌主人面门而坐',
  SECOND_HOST_FACES_HOST: '副主人坐主人对面',
  FIRST_GUEST_HOST_RIGHT: '第一主宾坐主人右侧',
  SECOND_GUEST_HOST_LEFT: '第二主宾坐主人左侧',
  SECOND_GUEST_FIRST_GUEST_RIGHT: '第二主宾坐第一主宾右侧',
  SECOND_GUEST_SECOND_HOST_RIGHT: '第二主宾坐副主人右侧',
  GUEST_BY_PRECEDENCE: '其余宾客按身份、顺序左右交替就座',
  ACCOMPANYING_FILL: '陪同人员坐其余座位',
  UNIT_AT_HOST_TABLE: '各来访单位的宾客坐本单位对口主人的桌',
} as const;
export type SeatingRule = keyof typeof SEATING_RULES;

export interface PlannedSeat {
  /** 1 the main table, then by rank. */
  table: number;
  /** 1…N clockwise from the top. */
  seat: number;
  angle: number;
  x: number;
  y: number;
  person: ProtocolPerson | null;
  rule: SeatingRule | null;
}

export interface PlannedTable {
  number: number;
  /** Grid place: 0,0 the main table; x east, y back (negative: towards the door). */
  gridX: number;
  gridY: number;
  x: number;
  y: number;
  radius: number;
  seats: PlannedSeat[];
}

export interface BanquetPlan {
  seatsPerTable: number;
  protocol: Required<BanquetProtocol>;
  door: { x: number; y: number };
  tables: PlannedTable[];
  /** Everyone who did not fit (more people than seats). */
  unseated: ProtocolPerson[];
}

export const MIN_SEATS = 4;
export const MAX_SEATS = 24;
export const MAX_TABLES = 10;
/** Distance between table centres, in the plan's units (a seat's distance from its table's centre is ≤ 2.34). */
export const TABLE_SPACING = 6;

export const tableRadius = (seats: number) => 0.9 + seats * 0.06;
/** xs[i], which the caller knows exists. */
export function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new RangeError(`No element ${i}`);
  return x;
}
const round4 = (n: number) => Math.round(n * 10_000) / 10_000 + 0;

const byOrder = (a: ProtocolPerson, b: ProtocolPerson) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** A person's unit, trimmed; null when none. */
export const unitOf = (p: ProtocolPerson | null | undefined): string | null => p?.unit?.trim() || null;
const HEAD_RULES: ReadonlySet<SeatingRule | null> = new Set<SeatingRule | null>(['HOST_FACES_DOOR', 'TABLE_HOST_FACES_DOOR', 'SECOND_HOST_FACES_HOST']);
/** Is the seat a table head's (the host, a table's host, the second host)? */
const isHeadSeat = (s: PlannedSeat) => s.person?.side === 'HOST' && HEAD_RULES.has(s.rule);

/** Each unit whose host of ours heads a table (host or second host): the best such table's number. */
export function unitHostTables(tables: readonly PlannedTable[]): Map<string, number> {
  const hosted = new Map<string, number>();
  for (const table of tables) {
    for (const s of table.seats) {
      const unit = isHeadSeat(s) ? unitOf(s.person) : null;
      if (unit && !hosted.has(unit)) hosted.set(unit, table.number);
    }
  }
  return hosted;
}

/** The tables' grid places, best first: by distance from the main table, then the same row first, then the east (尚左尊东). */
export function tablePlaces(count: number): Array<{ gridX: number; gridY: number }> {
  const places: Array<{ gridX: number; gridY: number }> = [{ gridX: 0, gridY: 0 }];
  const candidates: Array<{ gridX: number; gridY: number }> = [];
  for (let gridY = 0; gridY >= -4; gridY--) for (let gridX = -2; gridX <= 2; gridX++) if (gridX !== 0 || gridY !== 0) candidates.push({ gridX, gridY });
  candidates.sort((a, b) => a.gridX ** 2 + a.gridY ** 2 - (b.gridX ** 2 + b.gridY ** 2) || b.gridY - a.gridY || b.gridX - a.gridX);
  return places.concat(candidates.slice(0, count - 1));
}

/**
 * Seat indexes (0-based, 0 the host) in order of honour, each with the rule that makes it so.
 * `secondHostAt` is the second host's index or null.
 */
export function seatPrecedence(seats: number, secondGuest: SecondGuestRule, secondHostAt: number | null): Array<{ index: number; rule: SeatingRule }> {
  const mod = (i: number) => ((i % seats) + seats) % seats;
  const order: Array<{ index: number; rule: SeatingRule }> = [];
  const taken = new Set<number>([0]);
  if (secondHostAt !== null) taken.add(secondHostAt);
  const push = (index: number, rule: SeatingRule) => {
    const i = mod(index);
    if (taken.has(i)) return;
    taken.add(i);
    order.push({ index: i, rule: order.length === 0 ? 'FIRST_GUEST_HOST_RIGHT' : rule });
  };
  push(-1, 'FIRST_GUEST_HOST_RIGHT');
  if (secondHostAt !== null) {
    push(secondHostAt - 1, 'SECOND_GUEST_SECOND_HOST_RIGHT');
    for (let d = 1; taken.size < seats; d++) {
      push(-d, 'GUEST_BY_PRECEDENCE');
      push(secondHostAt - d, 'GUEST_BY_PRECEDENCE');
      push(d, 'GUEST_BY_PRECEDENCE');
      push(secondHostAt + d, 'GUEST_BY_PRECEDENCE');
    }
  } else {
    push(secondGuest === 'HOST_LEFT' ? 1 : -2, secondGuest === 'HOST_LEFT' ? 'SECOND_GUEST_HOST_LEFT' : 'SECOND_GUEST_FIRST_GUEST_RIGHT');
    for (let d = 1; taken.size < seats; d++) {
      push(-d, 'GUEST_BY_PRECEDENCE');
      push(d, 'GUEST_BY_PRECEDENCE');
    }
  }
  return order;
}

/** The second host's seat index: the one facing the host (for an odd table, the nearer of the two on the host's right). */
export const oppositeSeat = (seats: number) => Math.ceil(seats / 2);

export function proposeBanquetSeating(input: BanquetInput): BanquetPlan {
  const seatsPerTable = input.seatsPerTable;
  const tableCount = input.tables;
  if (!Number.isInteger(seatsPerTable) || seatsPerTable < MIN_SEATS || seatsPerTable > MAX_SEATS) {
    throw new RangeError(`A table has ${MIN_SEATS}–${MAX_SEATS} seats`);
  }
  if (!Number.isInteger(tableCount) || tableCount < 1 || tableCount > MAX_TABLES) throw new RangeError(`1–${MAX_TABLES} tables`);
  const protocol: Required<BanquetProtocol> = { secondGuest: input.protocol?.secondGuest ?? 'HOST_LEFT', secondHost: input.protocol?.secondHost ?? false };
  const guests = [...input.guests].sort(byOrder);
  const ours = [...input.hosts].sort(byOrder);
  const radius = tableRadius(seatsPerTable);

  const tables: PlannedTable[] = tablePlaces(tableCount).map((place, t) => {
    const x = place.gridX * TABLE_SPACING;
    const y = place.gridY * TABLE_SPACING;
    return {
      number: t + 1,
      ...place,
      x,
      y,
      radius,
      seats: Array.from({ length: seatsPerTable }, (_, i) => {
        const angle = (360 * i) / seatsPerTable;
        const rad = (angle * Math.PI) / 180;
        return {
          table: t + 1,
          seat: i + 1,
          angle: round4(angle),
          x: round4(x + radius * Math.sin(rad)),
          y: round4(y + radius * Math.cos(rad)),
          person: null,
          rule: null,
        };
      }),
    };
  });

  // Our side: the host, the second host, each other table's host.
  let nextOurs = 0;
  // A second host only when our side has someone for it after every table has its host.
  const secondHostAt = protocol.secondHost && ours.length > tableCount ? oppositeSeat(seatsPerTable) : null;
  const precedence: Array<Array<{ index: number; rule: SeatingRule }>> = [];
  for (const table of tables) {
    const main = table.number === 1;
    const host = ours[nextOurs];
    let order = seatPrecedence(seatsPerTable, protocol.secondGuest, main ? secondHostAt : null);
    if (host) {
      nextOurs++;
      at(table.seats, 0).person = host;
      at(table.seats, 0).rule = main ? 'HOST_FACES_DOOR' : 'TABLE_HOST_FACES_DOOR';
      if (main && secondHostAt !== null) {
        at(table.seats, secondHostAt).person = at(ours, nextOurs++);
        at(table.seats, secondHostAt).rule = 'SECOND_HOST_FACES_HOST';
      }
    } else {
      // No host for this table: its host seat goes last (the plan's check reports the missing host).
      order = order.concat({ index: 0, rule: 'GUEST_BY_PRECEDENCE' });
    }
    precedence.push(order);
  }
  // Guests: first each hosted unit's to its host's table (best first, while it has seats), then everyone left by
  // precedence, table by table; each table's guests take its seats in order of honour. Then the rest of our side.
  const hostTables = unitHostTables(tables);
  const atTable = tables.map(() => [] as ProtocolPerson[]);
  const capacity = precedence.map((order) => order.length);
  const left: ProtocolPerson[] = [];
  for (const g of guests) {
    const t = hostTables.get(unitOf(g) ?? '');
    if (t !== undefined && at(atTable, t - 1).length < at(capacity, t - 1)) at(atTable, t - 1).push(g);
    else left.push(g);
  }
  let nextLeft = 0;
  for (let t = 0; t < tables.length; t++) while (nextLeft < left.length && at(atTable, t).length < at(capacity, t)) at(atTable, t).push(at(left, nextLeft++));
  const cursors = tables.map((table, t) => ({ table, order: at(precedence, t), next: 0 }));
  for (const [t, c] of cursors.entries()) {
    for (const person of at(atTable, t).sort(byOrder)) {
      const { index, rule } = at(c.order, c.next++);
      const seat = at(c.table.seats, index);
      seat.person = person;
      seat.rule = rule;
    }
  }
  for (const c of cursors) {
    for (; nextOurs < ours.length && c.next < c.order.length; c.next++) {
      const seat = at(c.table.seats, at(c.order, c.next).index);
      seat.person = at(ours, nextOurs++);
      seat.rule = 'ACCOMPANYING_FILL';
    }
  }
  const lowest = Math.min(...tables.map((t) => t.y));
  return {
    seatsPerTable,
    protocol,
    door: { x: 0, y: lowest - radius - 2 },
    tables,
    unseated: [...left.slice(nextLeft), ...ours.slice(nextOurs)],
  };
}

// ── checking a plan (computed or moved by hand) ──────────────────────────────────────────────────

export interface BrokenRule {
  rule: SeatingRule | 'EVERYONE_SEATED' | 'TABLE_HAS_HOST' | 'TABLES_BY_RANK';
  table: number | null;
  message: string;
  personIds: string[];
}

const EPS = 1e-6;
type Vec = { x: number; y: number };
const sub = (a: Vec, b: Vec): Vec => ({ x: a.x - b.x, y: a.y - b.y });
const dot = (a: Vec, b: Vec) => a.x * b.x + a.y * b.y;
/** The unit direction to a person's right when facing `facing`. */
const rightOf = (facing: Vec): Vec => ({ x: facing.y, y: -facing.x });
/** Facing the door: every table's host looks towards the bottom of the chart. */
const TOWARDS_DOOR: Vec = { x: 0, y: -1 };

/** Two seats of one table are neighbours when no seat of the table is nearer (by angle). */
function neighbours(table: PlannedTable, a: PlannedSeat, b: PlannedSeat) {
  const step = 360 / table.seats.length;
  const d = Math.abs(a.angle - b.angle) % 360;
  return Math.min(d, 360 - d) <= step + 1e-3;
}
/** Steps around the table between two seats. */
function steps(table: PlannedTable, a: PlannedSeat, b: PlannedSeat) {
  const n = table.seats.length;
  const d = Math.abs(a.seat - b.seat) % n;
  return Math.min(d, n - d);
}
/** Is `b` on the right of the person in `a`, facing `facing`? */
const onRight = (a: PlannedSeat, b: PlannedSeat, facing: Vec) => dot(sub(b, a), rightOf(facing)) > EPS;
const facingCentre = (table: PlannedTable, seat: PlannedSeat): Vec => sub(table, seat);

/**
 * Every rule the plan is meant to hold, checked from its geometry: the host faces the door; the first guest
 * on his right; the second per protocol; the second host facing the host; the other guests outwards by
 * rank; better tables nearer the main table and seating better guests; everyone seated when seats allow.
 */
export function checkBanquetSeating(plan: BanquetPlan): BrokenRule[] {
  const broken: BrokenRule[] = [];
  const ids = (...people: Array<ProtocolPerson | null | undefined>) => people.filter((p): p is ProtocolPerson => !!p).map((p) => p.id);
  const seated = plan.tables.flatMap((t) => t.seats.filter((s) => s.person));
  const capacity = plan.tables.reduce((n, t) => n + t.seats.length, 0);
  if (plan.unseated.length > 0 && seated.length < capacity) {
    broken.push({ rule: 'EVERYONE_SEATED', table: null, message: 'Seats are free but people are not seated', personIds: ids(...plan.unseated) });
  }
  const main = at(plan.tables, 0);
  // Tables by distance from the main table.
  for (let t = 1; t < plan.tables.length; t++) {
    const dist = (x: PlannedTable) => Math.hypot(x.x - main.x, x.y - main.y);
    const table = at(plan.tables, t);
    const before = at(plan.tables, t - 1);
    if (dist(table) + EPS < dist(before)) {
      broken.push({
        rule: 'TABLES_BY_RANK',
        table: table.number,
        message: `Table ${table.number} is nearer the main table than table ${before.number}`,
        personIds: [],
      });
    }
  }
  // Several units: each hosted unit's guests at its host's table while that table has a seat for them, its best there.
  const hostTables = unitHostTables(plan.tables);
  const hostedAt = (p: ProtocolPerson | null | undefined) => (p?.side === 'GUEST' ? hostTables.get(unitOf(p) ?? '') : undefined);
  for (const [unit, number] of [...hostTables.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))) {
    const table = plan.tables.find((t) => t.number === number)!;
    const ofUnit = (s: PlannedSeat) => s.person?.side === 'GUEST' && unitOf(s.person) === unit;
    const away = [
      ...plan.tables.filter((t) => t !== table).flatMap((t) => t.seats.filter(ofUnit).map((s) => s.person!)),
      ...plan.unseated.filter((p) => p.side === 'GUEST' && unitOf(p) === unit),
    ].sort(byOrder);
    if (away.length === 0) continue;
    // A seat of the table neither a head's nor a guest's of a unit hosted there could have taken one of them.
    const spare = table.seats.some((s) => !isHeadSeat(s) && hostedAt(s.person) !== number);
    const home = table.seats.filter(ofUnit).map((s) => s.person!);
    const outranked = away.filter((p) => home.some((h) => byOrder(p, h) < 0));
    if (spare || outranked.length > 0) {
      broken.push({
        rule: 'UNIT_AT_HOST_TABLE',
        table: number,
        message: spare
          ? `Guests of the unit "${unit}" sit away from its host's table ${number}, which has a seat for them`
          : `Guests of the unit "${unit}" who outrank others of it sit away from its host's table ${number}`,
        personIds: ids(...(spare ? away : outranked)),
      });
    }
  }
  let worstGuestAbove = Number.NEGATIVE_INFINITY;
  for (const table of plan.tables) {
    const isMain = table === main;
    const seats = table.seats;
    const hostSeat = seats.find((s) => s.person?.side === 'HOST' && (s.rule === 'HOST_FACES_DOOR' || s.rule === 'TABLE_HOST_FACES_DOOR')) ?? null;
    const tableGuests = seats.filter((s) => s.person?.side === 'GUEST').sort((a, b) => byOrder(a.person!, b.person!));
    if (!hostSeat) {
      if (seats.some((s) => s.person))
        broken.push({ rule: 'TABLE_HAS_HOST', table: table.number, message: `Table ${table.number} has no host`, personIds: [] });
    } else {
      const back = Math.max(...seats.map((s) => s.y));
      if (hostSeat.y < back - EPS) {
        broken.push({
          rule: isMain ? 'HOST_FACES_DOOR' : 'TABLE_HOST_FACES_DOOR',
          table: table.number,
          message: `The host of table ${table.number} does not face the door`,
          personIds: ids(hostSeat.person),
        });
      }
    }
    // Guests on a better table outrank those on a worse one (guests of a unit with its own host's table aside).
    const ranked = tableGuests.filter((s) => hostedAt(s.person) === undefined);
    if (ranked.length > 0) {
      const best = at(ranked, 0).person!.order;
      if (best < worstGuestAbove) {
        broken.push({
          rule: 'GUEST_BY_PRECEDENCE',
          table: table.number,
          message: `Table ${table.number} seats a guest who outranks a guest at a better table`,
          personIds: ids(at(ranked, 0).person),
        });
      }
      worstGuestAbove = Math.max(worstGuestAbove, at(ranked, ranked.length - 1).person!.order);
    }
    if (!hostSeat) continue;
    const secondHostSeat = isMain ? (seats.find((s) => s.rule === 'SECOND_HOST_FACES_HOST' && s.person?.side === 'HOST') ?? null) : null;
    const hostsAtTables = plan.tables.filter((t) => t.seats[0]?.person?.side === 'HOST').length;
    if (isMain && plan.protocol.secondHost && ours(seats) > 1 && hostsAtTables === plan.tables.length && !secondHostSeat) {
      broken.push({ rule: 'SECOND_HOST_FACES_HOST', table: table.number, message: 'The protocol asks for a second host facing the host', personIds: [] });
    }
    if (secondHostSeat) {
      const n = seats.length;
      const d = Math.abs(secondHostSeat.angle - hostSeat.angle) % 360;
      if (Math.min(d, 360 - d) < 180 - 180 / n - 1e-3) {
        broken.push({
          rule: 'SECOND_HOST_FACES_HOST',
          table: table.number,
          message: 'The second host does not sit facing the host',
          personIds: ids(secondHostSeat.person),
        });
      }
    }
    const [first, second, ...others] = tableGuests;
    if (first && !(neighbours(table, hostSeat, first) && onRight(hostSeat, first, TOWARDS_DOOR))) {
      broken.push({
        rule: 'FIRST_GUEST_HOST_RIGHT',
        table: table.number,
        message: `${first.person!.name} is not on the host's right`,
        personIds: ids(first.person),
      });
    }
    if (second) {
      let ok: boolean;
      let rule: SeatingRule;
      if (secondHostSeat) {
        rule = 'SECOND_GUEST_SECOND_HOST_RIGHT';
        ok = neighbours(table, secondHostSeat, second) && onRight(secondHostSeat, second, facingCentre(table, secondHostSeat));
      } else if (plan.protocol.secondGuest === 'HOST_LEFT') {
        rule = 'SECOND_GUEST_HOST_LEFT';
        ok = neighbours(table, hostSeat, second) && !onRight(hostSeat, second, TOWARDS_DOOR);
      } else {
        rule = 'SECOND_GUEST_FIRST_GUEST_RIGHT';
        ok = !!first && neighbours(table, first, second) && onRight(first, second, facingCentre(table, first));
      }
      if (!ok)
        broken.push({
          rule,
          table: table.number,
          message: `${second.person!.name} is not where ${SEATING_RULES[rule]} puts the second guest`,
          personIds: ids(second.person),
        });
    }
    // The other guests: outwards from the host(s) by rank (a lower guest never nearer than a higher one).
    const nearness = (s: PlannedSeat) => Math.min(steps(table, hostSeat, s), secondHostSeat ? steps(table, secondHostSeat, s) : Number.POSITIVE_INFINITY);
    for (let i = 1; i < others.length; i++) {
      const lower = at(others, i);
      const higher = at(others, i - 1);
      if (nearness(lower) < nearness(higher)) {
        broken.push({
          rule: 'GUEST_BY_PRECEDENCE',
          table: table.number,
          message: `${lower.person!.name} sits nearer the host than ${higher.person!.name}, who outranks them`,
          personIds: ids(lower.person, higher.person),
        });
      }
    }
  }
  return broken;
}

function ours(seats: PlannedSeat[]) {
  return seats.filter((s) => s.person?.side === 'HOST').length;
}
