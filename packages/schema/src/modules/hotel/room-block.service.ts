// Room blocks: rooms by type and night for an event or a delegation (visit), released on a date; the
// rooming list (guests to rooms) picks up against the block and follows the visits' same-floor and
// spare-room rules; the front desk's arrival list (前台接待) reads it with the visit's live travel.
import { z } from 'zod';
import type { Db, HotelRoomingEntry } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { isoDate } from '../../shared/dates.ts';
import { isForeignKeyViolation, isUniqueViolation, parseInput } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { appendEvent } from '../core/events/event.service.ts';
import { registerVisitHooks } from '../shared/visits/visit.hooks.ts';
import { HOTEL_TOPIC, localToday } from './hotel-event.service.ts';
import { overBlock, type BlockNight, type RoomingStay } from './room-block.rules.ts';

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The front desk's arrival lists may have changed (a rooming entry, its preparation, the visit's travel). */
export async function arrivalsChanged(deps: ServiceDeps, change: string, data: Record<string, string | null> = {}) {
  await appendEvent(deps, { topic: HOTEL_TOPIC, type: 'ARRIVALS_CHANGED', subjectId: null, payload: { change, ...data } });
}
const asDate = (s: string) => new Date(`${s}T00:00:00Z`);

const nightInput = z.object({ night: isoDate, roomType: z.string().trim().min(1).max(100), rooms: z.number().int().min(0).max(10_000) });
const blockInput = z
  .object({
    eventId: z.string().uuid().nullish(),
    visitId: z.string().uuid().nullish(),
    name: z.string().trim().min(1).max(200),
    releaseOn: isoDate,
    nights: z.array(nightInput).min(1).max(500),
  })
  .refine((b) => b.eventId || b.visitId, { path: ['eventId'], message: 'give the event or the visit (delegation) the block is for' });

export async function createRoomBlock(deps: ServiceDeps, input: z.input<typeof blockInput>) {
  const data = parseInput(blockInput, input);
  let visitId = data.visitId ?? null;
  if (data.eventId) {
    const event = await deps.db.hotelEvent.findUnique({ where: { id: data.eventId }, select: { visitId: true } });
    if (!event) throw new HotelEventError('INVALID_REFERENCE', 'No such event', ['eventId']);
    visitId ??= event.visitId;
  }
  const seen = new Set<string>();
  for (const [i, n] of data.nights.entries()) {
    const key = `${n.night}/${n.roomType}`;
    if (seen.has(key)) throw new HotelEventError('ALREADY_EXISTS', `${n.roomType} on ${n.night} is listed twice`, ['nights', String(i)]);
    seen.add(key);
  }
  const tenantId = deps.access.tenantId!;
  const block = await deps.db.hotelRoomBlock
    .create({
      data: {
        tenantId,
        eventId: data.eventId ?? null,
        visitId,
        name: data.name,
        releaseOn: asDate(data.releaseOn),
        nights: { create: data.nights.map((n) => ({ night: asDate(n.night), roomType: n.roomType, rooms: n.rooms })) },
      },
    })
    .catch((error) => {
      if (isForeignKeyViolation(error)) throw new HotelEventError('INVALID_REFERENCE', 'No such visit in this tenant', ['visitId']);
      throw error;
    });
  await recordAudit(deps, { action: 'hotel_room_block.created', targetType: 'HotelRoomBlock', targetId: block.id, data: { name: data.name } });
  return block;
}

/** Changes the rooms of a type on a night (0 frees them); fewer than already picked up is refused. */
export async function setRoomBlockNight(deps: ServiceDeps, input: { blockId: string } & z.input<typeof nightInput>) {
  const data = parseInput(nightInput, input);
  const block = await loadBlock(deps.db, input.blockId);
  const stays = block.rooming.map(stayOf);
  const night = { night: data.night, roomType: data.roomType, rooms: data.rooms };
  const picked = new Set(
    stays.filter((s) => s.roomType === data.roomType && s.arrivalOn <= data.night && s.departureOn > data.night).map((s) => s.roomNumber ?? s.id),
  ).size;
  if (picked > data.rooms)
    throw new HotelEventError('OVER_BLOCK', `${picked} ${data.roomType} rooms are picked up on ${data.night}: block at least that many`, ['rooms']);
  const saved = await deps.db.hotelRoomBlockNight.upsert({
    where: { blockId_night_roomType: { blockId: block.id, night: asDate(night.night), roomType: night.roomType } },
    create: { tenantId: block.tenantId, blockId: block.id, night: asDate(night.night), roomType: night.roomType, rooms: night.rooms },
    update: { rooms: night.rooms },
  });
  return saved;
}

async function loadBlock(db: Db, id: string) {
  const block = await db.hotelRoomBlock.findUnique({ where: { id }, include: { nights: true, rooming: true } });
  if (!block) throw new HotelEventError('NOT_FOUND', 'No such room block', ['blockId']);
  return block;
}

export const stayOf = (e: HotelRoomingEntry): RoomingStay => ({
  id: e.id,
  roomType: e.roomType,
  roomNumber: e.roomNumber,
  floor: e.floor,
  isSpare: e.isSpare,
  guestKey: e.visitGuestId ?? e.id,
  arrivalOn: day(e.arrivalOn),
  departureOn: day(e.departureOn),
  roomInspectedAt: e.roomInspectedAt?.toISOString() ?? null,
});
export const nightOf = (n: { night: Date; roomType: string; rooms: number }): BlockNight => ({ night: day(n.night), roomType: n.roomType, rooms: n.rooms });

const entryInput = z
  .object({
    blockId: z.string().uuid(),
    visitGuestId: z.string().uuid().nullish(),
    guestName: z.string().trim().min(1).max(200).nullish(),
    vipLevel: z.string().trim().min(1).max(50).nullish(),
    roomType: z.string().trim().min(1).max(100),
    roomNumber: z.string().trim().min(1).max(20).nullish(),
    floor: z.number().int().min(-10).max(200).nullish(),
    isSpare: z.boolean().nullish(),
    arrivalOn: isoDate,
    departureOn: isoDate,
    dietaryNote: z.string().trim().max(500).nullish(),
  })
  .refine((e) => e.departureOn > e.arrivalOn, { path: ['departureOn'], message: 'must be after arrivalOn' })
  .refine((e) => e.visitGuestId || e.guestName || e.isSpare, { path: ['guestName'], message: 'give the visit guest or the guest’s name' });

/**
 * Puts a guest (of the visit, or named) into a room of the block for their nights (a spare room: no
 * guest). Refused when the block is released or holds no free room of the type on one of the nights.
 */
export async function addRoomingEntry(deps: ServiceDeps, input: z.input<typeof entryInput>) {
  const data = parseInput(entryInput, input);
  const block = await loadBlock(deps.db, data.blockId);
  const today = await localToday(deps.db);
  if (day(block.releaseOn) < today) throw new HotelEventError('OVER_BLOCK', `${block.name} was released on ${day(block.releaseOn)}`, ['blockId']);
  let guestName = data.guestName ?? (data.isSpare ? '备用房 spare room' : null);
  if (data.visitGuestId) {
    const guest = await deps.db.visitGuest.findUnique({ where: { id: data.visitGuestId }, select: { name: true, visitId: true } });
    if (!guest || (block.visitId && guest.visitId !== block.visitId)) {
      throw new HotelEventError('INVALID_REFERENCE', 'No such guest of the block’s visit', ['visitGuestId']);
    }
    guestName ??= guest.name;
  }
  const stay: RoomingStay = {
    id: 'new',
    roomType: data.roomType,
    roomNumber: data.roomNumber ?? null,
    floor: data.floor ?? null,
    isSpare: data.isSpare ?? false,
    guestKey: data.visitGuestId ?? 'new',
    arrivalOn: data.arrivalOn,
    departureOn: data.departureOn,
    roomInspectedAt: null,
  };
  const missing = overBlock(block.nights.map(nightOf), block.rooming.map(stayOf), stay);
  if (missing.length > 0) {
    throw new HotelEventError('OVER_BLOCK', `The block holds no free ${data.roomType} room on ${missing.join(', ')}`, ['arrivalOn']);
  }
  const entry = await deps.db.hotelRoomingEntry.create({
    data: {
      tenantId: block.tenantId,
      blockId: block.id,
      visitGuestId: data.visitGuestId ?? null,
      guestName: guestName!,
      vipLevel: data.vipLevel ?? null,
      roomType: data.roomType,
      roomNumber: data.roomNumber ?? null,
      floor: data.floor ?? null,
      isSpare: data.isSpare ?? false,
      arrivalOn: asDate(data.arrivalOn),
      departureOn: asDate(data.departureOn),
      dietaryNote: data.dietaryNote ?? null,
    },
  });
  await recordAudit(deps, { action: 'hotel_rooming.added', targetType: 'HotelRoomBlock', targetId: block.id });
  await arrivalsChanged(deps, 'ROOMING_ADDED', { entryId: entry.id });
  return entry;
}

const frontDeskInput = z.object({
  entryId: z.string().uuid(),
  roomNumber: z.string().trim().min(1).max(20).nullish(),
  floor: z.number().int().min(-10).max(200).nullish(),
  roomInspected: z.boolean().nullish(),
  keyReady: z.boolean().nullish(),
});

/** The front desk's preparation of an arrival: the room assigned, inspected, the key (房卡) ready. Left out: kept. */
export async function prepareArrival(deps: ServiceDeps, input: z.input<typeof frontDeskInput>) {
  const data = parseInput(frontDeskInput, input);
  const entry = await deps.db.hotelRoomingEntry.findUnique({ where: { id: data.entryId } });
  if (!entry) throw new HotelEventError('NOT_FOUND', 'No such rooming entry', ['entryId']);
  const now = new Date();
  const updated = await deps.db.hotelRoomingEntry
    .update({
      where: { id: entry.id },
      data: {
        ...(data.roomNumber !== undefined ? { roomNumber: data.roomNumber } : {}),
        ...(data.floor !== undefined ? { floor: data.floor } : {}),
        ...(data.roomInspected != null ? { roomInspectedAt: data.roomInspected ? (entry.roomInspectedAt ?? now) : null } : {}),
        ...(data.keyReady != null ? { keyReadyAt: data.keyReady ? (entry.keyReadyAt ?? now) : null } : {}),
      },
    })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new HotelEventError('ALREADY_EXISTS', 'That room is taken', ['roomNumber']);
      throw error;
    });
  await recordAudit(deps, { action: 'hotel_rooming.prepared', targetType: 'HotelRoomBlock', targetId: entry.blockId });
  await arrivalsChanged(deps, 'ARRIVAL_PREPARED', { entryId: entry.id });
  return updated;
}

export async function removeRoomingEntry(deps: ServiceDeps, entryId: string) {
  const entry = await deps.db.hotelRoomingEntry.findUnique({ where: { id: entryId } });
  if (!entry) throw new HotelEventError('NOT_FOUND', 'No such rooming entry', ['entryId']);
  await deps.db.hotelRoomingEntry.delete({ where: { id: entry.id } });
  await arrivalsChanged(deps, 'ROOMING_REMOVED', { entryId: entry.id });
  return entry;
}

// ── the front desk's arrivals (前台接待) ──────────────────────────────────────────────────────────

export interface Arrival {
  entry: HotelRoomingEntry;
  guestName: string;
  vipLevel: string | null;
  rankLevel: number | null;
  dietaryRestrictions: string[];
  expectedArrivalAt: Date | null;
  visitId: string | null;
}

/**
 * The guests arriving on a day (the tenant's local date): from the rooming lists, with the guest's rank
 * and dietary restrictions from the visit, and the expected arrival following the visit's live travel
 * progress (the inbound leg's expected arrival, else its planned arrival). Spare rooms are left out.
 */
export async function arrivalsOn(db: Db, date: string): Promise<Arrival[]> {
  const entries = await db.hotelRoomingEntry.findMany({
    where: { arrivalOn: asDate(date), isSpare: false },
    include: {
      guest: { include: { dietaryRestrictions: true } },
      block: { select: { visitId: true, event: { select: { visitId: true } } } },
    },
    orderBy: [{ guestName: 'asc' }],
  });
  const visitIds = [...new Set(entries.map((e) => e.guest?.visitId ?? e.block.visitId ?? e.block.event?.visitId).filter((v): v is string => !!v))];
  const legs = visitIds.length
    ? await db.travelLeg.findMany({ where: { visitId: { in: visitIds }, direction: 'INBOUND' }, orderBy: [{ arrivalAt: 'asc' }] })
    : [];
  const arrivals = entries.map((e): Arrival => {
    const visitId = e.guest?.visitId ?? e.block.visitId ?? e.block.event?.visitId ?? null;
    // The inbound leg arriving on that day, else the visit's first inbound leg.
    const inbound = legs.filter((l) => l.visitId === visitId);
    const leg = inbound.find((l) => l.expectedArrivalAt && day(l.expectedArrivalAt) >= date) ?? inbound[0];
    const restrictions = (e.guest?.dietaryRestrictions ?? []).map((r) => `${r.category}: ${r.restricted}${r.note ? ` (${r.note})` : ''}`);
    return {
      entry: e,
      guestName: e.guestName,
      vipLevel: e.vipLevel,
      rankLevel: e.guest?.rankLevel ?? null,
      dietaryRestrictions: e.dietaryNote ? [...restrictions, e.dietaryNote] : restrictions,
      expectedArrivalAt: leg?.expectedArrivalAt ?? leg?.arrivalAt ?? null,
      visitId,
    };
  });
  // The most senior first (a lower rank level is more senior), then by expected arrival.
  return arrivals.sort(
    (a, b) => (a.rankLevel ?? 99) - (b.rankLevel ?? 99) || (a.expectedArrivalAt?.getTime() ?? Infinity) - (b.expectedArrivalAt?.getTime() ?? Infinity),
  );
}

/** Today or tomorrow in the tenant's time zone. */
export async function arrivalDate(db: Db, which: 'TODAY' | 'TOMORROW'): Promise<string> {
  return localToday(db, new Date(Date.now() + (which === 'TOMORROW' ? 86_400_000 : 0)));
}

// A visit's plan or live travel changed: the arrival lists holding its guests follow (expected arrival).
registerVisitHooks({
  onPlanChanged: async (deps, visitId) => {
    if (deps.access.tenantKind !== 'HOTEL') return;
    const held = await deps.db.hotelRoomingEntry.findFirst({
      where: { OR: [{ guest: { visitId } }, { block: { visitId } }, { block: { event: { visitId } } }] },
      select: { id: true },
    });
    if (held) await arrivalsChanged(deps, 'VISIT_TRAVEL_CHANGED', { visitId });
  },
});
