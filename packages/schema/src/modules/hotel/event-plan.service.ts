// The event plan (制定并修改接待方案) and its revisions: each save is a new version (never changed
// afterwards); a diff shows what changed between two.
import { z } from 'zod';
import type { ServiceDeps } from '../../context.ts';
import { parseInput } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { readinessChanged } from './hotel-event.service.ts';
import { diffSections, type PlanSection } from './event-plan.diff.ts';

const reviseInput = z.object({
  eventId: z.string().uuid(),
  /** The version this revision starts from (null for the first): a stale one is refused. */
  baseNumber: z.number().int().min(0).nullish(),
  sections: z
    .array(z.object({ heading: z.string().trim().min(1).max(200), body: z.string().trim().max(20_000) }))
    .min(1)
    .max(100)
    .refine((s) => new Set(s.map((x) => x.heading)).size === s.length, 'each heading once'),
  note: z.string().trim().max(2000).nullish(),
});

export async function reviseEventPlan(deps: ServiceDeps, input: z.input<typeof reviseInput>) {
  const data = parseInput(reviseInput, input);
  const event = await deps.db.hotelEvent.findUnique({ where: { id: data.eventId } });
  if (!event) throw new HotelEventError('NOT_FOUND', 'No such event', ['eventId']);
  const latest = await deps.db.hotelEventPlanVersion.findFirst({ where: { eventId: event.id }, orderBy: { number: 'desc' } });
  const current = latest?.number ?? 0;
  if ((data.baseNumber ?? 0) !== current) {
    throw new HotelEventError('CONFLICT', `The plan is at version ${current}, not ${data.baseNumber ?? 0}: revise the latest`, ['baseNumber']);
  }
  if (latest) {
    const diff = diffSections(latest.sections as unknown as PlanSection[], data.sections);
    if (diff.added.length + diff.removed.length + diff.changed.length === 0) {
      throw new HotelEventError('ILLEGAL_TRANSITION', 'Nothing changed since the latest version', ['sections']);
    }
  }
  const version = await deps.db.hotelEventPlanVersion.create({
    data: {
      tenantId: event.tenantId,
      eventId: event.id,
      number: current + 1,
      sections: data.sections,
      note: data.note ?? null,
      createdById: deps.access.userId,
    },
  });
  await recordAudit(deps, { action: 'hotel_event.plan_revised', targetType: 'HotelEvent', targetId: event.id, data: { number: version.number } });
  await readinessChanged(deps, event.id, 'PLAN_REVISED', { number: String(version.number) });
  return version;
}

export async function eventPlanDiff(deps: Pick<ServiceDeps, 'db'>, eventId: string, from: number, to: number) {
  const versions = await deps.db.hotelEventPlanVersion.findMany({ where: { eventId, number: { in: [from, to] } } });
  const before = versions.find((v) => v.number === from);
  const after = versions.find((v) => v.number === to);
  if (!before || !after) return null;
  return diffSections(before.sections as unknown as PlanSection[], after.sections as unknown as PlanSection[]);
}
