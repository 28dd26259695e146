// The coordination meeting (协调会: 总经理听取各部门准备工作落实情况汇报) whose decisions become tasks,
// and the equipment maintenance (会场设备检修) of an event as tasks due before it. Both are tasks of the
// shared tasks board (on the event's visit when it has one), linked to the event; a BLOCKED one holds
// the event's gate.
import { z } from 'zod';
import type { ServiceDeps } from '../../context.ts';
import { parseInput } from '../../shared/errors.ts';
import { isMember } from '../../shared/members.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { createTask } from '../shared/tasks/task.service.ts';
import { HotelEventError } from './hotel-event.errors.ts';
import { readinessChanged } from './hotel-event.service.ts';
import { bilingual, labelled } from '../../shared/template-texts.ts';

// The tasks made here read "title（what was decided / the equipment）" in the request's language.
const DECISION_TITLE = bilingual('协调会决定', 'Coordination meeting decision');
const MEETING_WORD = bilingual('协调会', 'Coordination meeting');
const MAINTENANCE_TITLE = bilingual('设备检修', 'Equipment maintenance');

const HOUR = 3_600_000;

const meetingInput = z.object({
  eventId: z.string().uuid(),
  heldAt: z.date(),
  chairMembershipId: z.string().uuid().nullish(),
  minutes: z.string().trim().max(20_000).nullish(),
  decisions: z
    .array(
      z.object({
        text: z.string().trim().min(1).max(500),
        ownerMembershipId: z.string().uuid().nullish(),
        dueAt: z.date().nullish(),
      }),
    )
    .max(100),
});

/** Records the meeting; each decision becomes a task (owned by the given member, else the coordinators), due by default before the event. */
export async function recordCoordinationMeeting(deps: ServiceDeps, input: z.input<typeof meetingInput>) {
  const data = parseInput(meetingInput, input);
  const event = await deps.db.hotelEvent.findUnique({ where: { id: data.eventId } });
  if (!event) throw new HotelEventError('NOT_FOUND', 'No such event', ['eventId']);
  for (const [path, id] of [
    [['chairMembershipId'], data.chairMembershipId],
    ...data.decisions.map((d, i) => [['decisions', String(i), 'ownerMembershipId'], d.ownerMembershipId] as const),
  ] as const) {
    if (id && !(await isMember(deps.db, id))) throw new HotelEventError('INVALID_REFERENCE', 'No such member in this tenant', [...path]);
  }
  const meeting = await deps.db.hotelCoordinationMeeting.create({
    data: {
      tenantId: event.tenantId,
      eventId: event.id,
      heldAt: data.heldAt,
      chairMembershipId: data.chairMembershipId ?? null,
      minutes: data.minutes ?? null,
    },
  });
  for (const decision of data.decisions) {
    const task = await createTask(deps, {
      visitId: event.visitId,
      phase: 'PREPARATION',
      title: labelled(DECISION_TITLE, decision.text.slice(0, 480)),
      description: labelled(MEETING_WORD, `${data.heldAt.toISOString().slice(0, 10)} ${event.title}`),
      assigneeMembershipId: decision.ownerMembershipId ?? null,
      assigneeRole: decision.ownerMembershipId ? null : 'COORDINATOR',
      dueAt: decision.dueAt ?? new Date(event.startsAt.getTime() - 24 * HOUR),
    });
    await deps.db.hotelEventTask.create({ data: { tenantId: event.tenantId, eventId: event.id, taskId: task.id, kind: 'DECISION', meetingId: meeting.id } });
  }
  await recordAudit(deps, { action: 'hotel_event.meeting_recorded', targetType: 'HotelEvent', targetId: event.id, data: { decisions: data.decisions.length } });
  await readinessChanged(deps, event.id, 'MEETING_RECORDED', { meetingId: meeting.id });
  return meeting;
}

const maintenanceInput = z.object({
  eventId: z.string().uuid(),
  items: z
    .array(
      z.object({
        equipment: z.string().trim().min(1).max(300),
        hotelAreaId: z.string().uuid().nullish(),
        assigneeMembershipId: z.string().uuid().nullish(),
        /** Due this many hours before the event starts (default 24). */
        hoursBefore: z
          .number()
          .int()
          .min(0)
          .max(24 * 60)
          .nullish(),
      }),
    )
    .min(1)
    .max(100),
});

/** Schedules equipment maintenance (会场设备检修) as tasks due before the event, owned by engineering staff or the coordinators. */
export async function scheduleMaintenance(deps: ServiceDeps, input: z.input<typeof maintenanceInput>) {
  const data = parseInput(maintenanceInput, input);
  const event = await deps.db.hotelEvent.findUnique({ where: { id: data.eventId } });
  if (!event) throw new HotelEventError('NOT_FOUND', 'No such event', ['eventId']);
  const links = [];
  for (const [i, item] of data.items.entries()) {
    const area = item.hotelAreaId ? await deps.db.hotelArea.findUnique({ where: { id: item.hotelAreaId } }) : null;
    if (item.hotelAreaId && !area) throw new HotelEventError('INVALID_REFERENCE', 'No such hotel area', ['items', String(i), 'hotelAreaId']);
    if (item.assigneeMembershipId && !(await isMember(deps.db, item.assigneeMembershipId))) {
      throw new HotelEventError('INVALID_REFERENCE', 'No such member in this tenant', ['items', String(i), 'assigneeMembershipId']);
    }
    const task = await createTask(deps, {
      visitId: event.visitId,
      phase: 'PREPARATION',
      title: labelled(MAINTENANCE_TITLE, `${area ? `${area.name} · ` : ''}${item.equipment}`.slice(0, 480)),
      description: event.title,
      assigneeMembershipId: item.assigneeMembershipId ?? null,
      assigneeRole: item.assigneeMembershipId ? null : 'STAFF',
      dueAt: new Date(event.startsAt.getTime() - (item.hoursBefore ?? 24) * HOUR),
    });
    links.push(
      await deps.db.hotelEventTask.create({
        data: { tenantId: event.tenantId, eventId: event.id, taskId: task.id, kind: 'MAINTENANCE', hotelAreaId: area?.id ?? null, equipment: item.equipment },
      }),
    );
  }
  await recordAudit(deps, { action: 'hotel_event.maintenance_scheduled', targetType: 'HotelEvent', targetId: event.id, data: { items: data.items.length } });
  await readinessChanged(deps, event.id, 'MAINTENANCE_SCHEDULED');
  return links;
}
