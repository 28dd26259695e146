// A hotel's areas, the units of readiness inspections (两会接待): meeting venues (会场), guest-room
// floors (客房), restaurants (餐厅), the monitoring room (监控室), the front desk.
import { z } from 'zod';
import type { HotelAreaKind } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { isUniqueViolation, parseInput } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { HotelError } from './hotel.errors.ts';

export const HOTEL_AREA_KINDS = [
  'MEETING_VENUE',
  'GUEST_ROOM_FLOOR',
  'RESTAURANT',
  'MONITORING_ROOM',
  'FRONT_DESK',
  'OTHER',
] as const satisfies readonly HotelAreaKind[];

export const DEFAULT_HOTEL_AREAS: ReadonlyArray<{ name: string; kind: HotelAreaKind; floor?: number; capacity?: number }> = [
  { name: '大会议厅', kind: 'MEETING_VENUE', floor: 2, capacity: 300 },
  { name: '第一会议室', kind: 'MEETING_VENUE', floor: 3, capacity: 40 },
  { name: '客房八层', kind: 'GUEST_ROOM_FLOOR', floor: 8 },
  { name: '客房九层', kind: 'GUEST_ROOM_FLOOR', floor: 9 },
  { name: '中餐厅', kind: 'RESTAURANT', floor: 1, capacity: 200 },
  { name: '监控室', kind: 'MONITORING_ROOM', floor: -1 },
  { name: '总台', kind: 'FRONT_DESK', floor: 1 },
];

export async function seedHotelAreas(deps: ServiceDeps) {
  await deps.db.hotelArea.createMany({ data: DEFAULT_HOTEL_AREAS.map((a) => ({ tenantId: deps.access.tenantId!, ...a })) });
}

const areaInput = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(HOTEL_AREA_KINDS),
  floor: z.number().int().min(-10).max(200).nullish(),
  capacity: z.number().int().min(0).max(100_000).nullish(),
});

export async function createHotelArea(deps: ServiceDeps, input: z.input<typeof areaInput>) {
  const data = parseInput(areaInput, input);
  const area = await deps.db.hotelArea
    .create({ data: { tenantId: deps.access.tenantId!, name: data.name, kind: data.kind, floor: data.floor ?? null, capacity: data.capacity ?? null } })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new HotelError('NAME_TAKEN', `An area named "${data.name}" exists`);
      throw error;
    });
  await recordAudit(deps, { action: 'hotel_area.created', targetType: 'HotelArea', targetId: area.id, data: { name: data.name, kind: data.kind } });
  return area;
}

export async function deleteHotelArea(deps: ServiceDeps, id: string) {
  const area = await deps.db.hotelArea.findUnique({ where: { id } });
  if (!area) throw new HotelError('NOT_FOUND', 'No such area');
  await deps.db.hotelArea.delete({ where: { id } });
  await recordAudit(deps, { action: 'hotel_area.deleted', targetType: 'HotelArea', targetId: id, data: { name: area.name } });
  return area;
}
