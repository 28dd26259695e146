// A hospital's service points (服务环节): the guide desk that approaches patients (导医台), triage,
// report pick-up, the emergency green channel (先抢救, 后补办手续), cashier windows (more at peak
// times), waiting areas with chairs and drinking water.
import { z } from 'zod';
import type { ServicePointKind } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { isForeignKeyViolation, isUniqueViolation, parseInput } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { HospitalError } from './hospital.errors.ts';

export const SERVICE_POINT_KINDS = [
  'GUIDE_DESK',
  'TRIAGE',
  'REPORT_PICKUP',
  'GREEN_CHANNEL',
  'CASHIER_WINDOW',
  'WAITING_AREA',
  'PHARMACY',
  'OTHER',
] as const satisfies readonly ServicePointKind[];

export const DEFAULT_SERVICE_POINTS: ReadonlyArray<{ name: string; kind: ServicePointKind; isPeakOnly?: boolean }> = [
  { name: '门诊导医台', kind: 'GUIDE_DESK' },
  { name: '分诊台', kind: 'TRIAGE' },
  { name: '检查报告领取处', kind: 'REPORT_PICKUP' },
  { name: '急诊绿色通道', kind: 'GREEN_CHANNEL' },
  { name: '一卡通收费窗口', kind: 'CASHIER_WINDOW' },
  { name: '高峰期临时收费窗口', kind: 'CASHIER_WINDOW', isPeakOnly: true },
  { name: '候诊区（座椅与饮水）', kind: 'WAITING_AREA' },
];

export async function seedServicePoints(deps: ServiceDeps) {
  await deps.db.servicePoint.createMany({
    data: DEFAULT_SERVICE_POINTS.map((p) => ({ tenantId: deps.access.tenantId!, ...p })),
  });
}

const pointInput = z.object({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(SERVICE_POINT_KINDS),
  departmentId: z.string().uuid().nullish(),
  location: z.string().trim().max(200).nullish(),
  isPeakOnly: z.boolean().default(false),
});

function refused(error: unknown, name?: string): never {
  if (isUniqueViolation(error)) throw new HospitalError('NAME_TAKEN', `A service point named "${name}" exists`);
  if (isForeignKeyViolation(error)) throw new HospitalError('INVALID_REFERENCE', 'Unknown department');
  throw error;
}

export async function createServicePoint(deps: ServiceDeps, input: z.input<typeof pointInput>) {
  const data = parseInput(pointInput, input);
  const point = await deps.db.servicePoint
    .create({ data: { ...data, departmentId: data.departmentId ?? null, location: data.location ?? null, tenantId: deps.access.tenantId! } })
    .catch((e) => refused(e, data.name));
  await recordAudit(deps, { action: 'service_point.created', targetType: 'ServicePoint', targetId: point.id, data: { name: data.name, kind: data.kind } });
  return point;
}

export async function deleteServicePoint(deps: ServiceDeps, id: string) {
  const point = await deps.db.servicePoint.findUnique({ where: { id } });
  if (!point) throw new HospitalError('NOT_FOUND', 'No such service point');
  await deps.db.servicePoint.delete({ where: { id } });
  await recordAudit(deps, { action: 'service_point.deleted', targetType: 'ServicePoint', targetId: id, data: { name: point.name } });
  return point;
}
