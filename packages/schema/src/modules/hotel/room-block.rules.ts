// Room blocks as pure computations: pick-up against the block per night and room type, the warnings
// of a block (release near with rooms not picked up, released), and the rooming list's issues through
// the visits' own same-floor and spare-room rules.
import { checkLodgingRooms, type PlanIssue } from '../shared/visits/visit.checks.ts';

/** Days before the release date from which a block with rooms not picked up is warned about. */
export const RELEASE_WARNING_DAYS = 3;

export interface BlockNight {
  night: string;
  roomType: string;
  rooms: number;
}
export interface RoomingStay {
  id: string;
  roomType: string;
  roomNumber: string | null;
  floor: number | null;
  isSpare: boolean;
  guestKey: string;
  /** YYYY-MM-DD; the nights are arrivalOn … the night before departureOn. */
  arrivalOn: string;
  departureOn: string;
  roomInspectedAt: string | null;
}

/** The nights of a stay, YYYY-MM-DD. */
export function nightsOf(arrivalOn: string, departureOn: string): string[] {
  const nights: string[] = [];
  for (let d = new Date(`${arrivalOn}T00:00:00Z`); d < new Date(`${departureOn}T00:00:00Z`); d = new Date(d.getTime() + 86_400_000)) {
    nights.push(d.toISOString().slice(0, 10));
  }
  return nights;
}

/**
 * Rooms picked up per blocked night and room type: a room (by number, or each stay without a number)
 * used on that night counts once, however many guests share it.
 */
export function pickup(nights: readonly BlockNight[], stays: readonly RoomingStay[]): (BlockNight & { pickedUp: number; available: number })[] {
  return nights.map((n) => {
    const rooms = new Set(
      stays.filter((s) => s.roomType === n.roomType && nightsOf(s.arrivalOn, s.departureOn).includes(n.night)).map((s) => s.roomNumber ?? `stay:${s.id}`),
    );
    return { ...n, pickedUp: rooms.size, available: n.rooms - rooms.size };
  });
}

/** The nights of a stay the block does not hold a room for (not blocked, or every room picked up). */
export function overBlock(nights: readonly BlockNight[], stays: readonly RoomingStay[], stay: RoomingStay): string[] {
  const others = stays.filter((s) => s.id !== stay.id);
  const sharing = stay.roomNumber !== null && others.some((s) => s.roomNumber === stay.roomNumber);
  return nightsOf(stay.arrivalOn, stay.departureOn).filter((night) => {
    const blocked = nights.find((n) => n.night === night && n.roomType === stay.roomType);
    if (!blocked) return true;
    const used = pickup([blocked], others)[0]!.pickedUp;
    const sharesThatNight = sharing && others.some((s) => s.roomNumber === stay.roomNumber && nightsOf(s.arrivalOn, s.departureOn).includes(night));
    return !sharesThatNight && used >= blocked.rooms;
  });
}

export interface BlockWarning {
  code: 'RELEASE_SOON' | 'RELEASED' | 'ROOMS_ON_SEVERAL_FLOORS' | 'NO_SPARE_ROOM';
  severity: 'WARNING' | 'INFO';
  message: string;
}

/**
 * What the block's holder should know now (today in the tenant's zone): the release is near with rooms
 * still free (they go back to general sale), the block was released, and the rooming list's floor and
 * spare-room rules as for a visit's lodging.
 */
export function blockWarnings(
  block: { name: string; releaseOn: string; nights: readonly BlockNight[] },
  stays: readonly RoomingStay[],
  today: string,
): BlockWarning[] {
  const warnings: BlockWarning[] = [];
  const free = pickup(block.nights, stays).reduce((sum, n) => sum + Math.max(0, n.available), 0);
  const daysLeft = Math.round((Date.parse(`${block.releaseOn}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  if (daysLeft < 0) {
    warnings.push({ code: 'RELEASED', severity: 'INFO', message: `${block.name} was released on ${block.releaseOn}: rooms not picked up went back to sale` });
  } else if (daysLeft <= RELEASE_WARNING_DAYS && free > 0) {
    warnings.push({
      code: 'RELEASE_SOON',
      severity: 'WARNING',
      message: `${block.name} is released on ${block.releaseOn} (${daysLeft === 0 ? 'today' : `in ${daysLeft} day(s)`}) with ${free} room-night(s) not picked up`,
    });
  }
  const rooms = new Map<
    string,
    { id: string; floor: number | null; number: string; roomType: string; isSpare: boolean; guestIds: string[]; inspectedAt: string | null; unfitReason: null }
  >();
  for (const s of stays) {
    const number = s.roomNumber ?? `(${s.id.slice(0, 8)})`;
    const room = rooms.get(number) ?? {
      id: s.id,
      floor: s.floor,
      number,
      roomType: s.roomType,
      isSpare: s.isSpare,
      guestIds: [],
      inspectedAt: s.roomInspectedAt,
      unfitReason: null,
    };
    if (!s.isSpare) room.guestIds.push(s.guestKey);
    rooms.set(number, room);
  }
  if (rooms.size > 0) {
    const issues: PlanIssue[] = checkLodgingRooms({ id: 'block', hotelName: block.name, checkIn: '', checkOut: '', rooms: [...rooms.values()] });
    for (const issue of issues) {
      if (issue.code === 'ROOMS_ON_SEVERAL_FLOORS' || issue.code === 'NO_SPARE_ROOM')
        warnings.push({ code: issue.code, severity: 'WARNING', message: issue.message });
    }
  }
  return warnings;
}
