// The live readiness board of an event: every change that may move its gate (a readiness report, an
// area added or inspected, an emergency plan or drill, the served visit's plan) arrives in order with
// the gate as it is after it, resumable from a cursor (core/events/event-stream.ts). Task changes (a
// corrective task done, a task of the visit blocked) arrive when they moved the gate.
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import type { DomainEvent } from '../core/events/event.service.ts';
import { eventStream, isStreamEnd, StreamEndedError, type StreamEnd, whileHolding } from '../core/events/event-stream.ts';
import { TASK_TOPIC } from '../shared/tasks/task.service.ts';
import { HOTEL } from './hotel-area.ts';
import type { Gate } from './hotel-event.gate.ts';
import { GateRef, HotelEventRef } from './hotel-event.ts';
import { eventGate, HOTEL_TOPIC } from './hotel-event.service.ts';

interface ReadinessEvent {
  event: DomainEvent;
  eventId: string;
  gate: Gate;
}

const ReadinessEventRef = builder.objectRef<ReadinessEvent>('HotelReadinessEvent').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    cursor: t.string({ description: 'Resubscribe with `after: cursor` to receive everything after this event.', resolve: (e) => e.event.seq }),
    change: t.string({
      description:
        'What changed: EVENT_CREATED, EVENT_UPDATED, ITEM_ADDED, ITEM_REPORTED, AREA_ADDED, AREA_INSPECTED, PLAN_SAVED, DRILL_…, VISIT_PLAN_CHANGED, TASK_CHANGED.',
      resolve: (e) => (e.event.topic === TASK_TOPIC ? 'TASK_CHANGED' : String(e.event.payload.change ?? e.event.type)),
    }),
    hotelEvent: t.prismaField({
      type: 'HotelEvent',
      resolve: (query, e, _args, ctx) => ctx.db.hotelEvent.findUniqueOrThrow({ ...query, where: { id: e.eventId } }),
    }),
    gate: t.field({ type: GateRef, description: 'The gate right after this change.', resolve: (e) => e.gate }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.event.createdAt) }),
  }),
});

const signature = (gate: Gate) => JSON.stringify(gate);

builder.subscriptionFields((t) => ({
  hotelEventReadinessChanged: t.field({
    type: ReadinessEventRef,
    subGraphs: HOTEL,
    authScopes: { role: 'VIEWER' },
    description:
      'The live readiness board of one event: each change that may move its go/no-go gate, in order, with the gate after it. Pass the last cursor you saw as `after` to miss nothing.',
    args: { eventId: t.arg.globalID({ required: true, for: [HotelEventRef] }), after: t.arg.string({ required: false }) },
    subscribe: async function* (_root, args, ctx) {
      // The event and its gate as the board starts (a task change that leaves the gate so is not news), in one
      // transaction: the subscription's start-up transaction (the gateway's tenant-transaction.ts).
      const found = await ctx.withScope(async (db) => {
        const event = await db.hotelEvent.findUnique({ where: { id: args.eventId.id }, select: { id: true, visitId: true } });
        return event && { event, initial: await eventGate(db, event.id) };
      });
      if (!found) throw new GraphQLError('No such event', { extensions: { code: 'NOT_FOUND' } });
      const { event, initial } = found;
      let last = initial ? signature(initial) : null;
      const stream = eventStream(ctx, {
        after: args.after ?? null,
        matches: (e) =>
          (e.topic === HOTEL_TOPIC && e.type === 'READINESS_CHANGED' && (e.subjectId === event.id || e.subjectId === null)) ||
          // A task of the served visit, or a tenant-wide one (corrective tasks of inspections).
          (e.topic === TASK_TOPIC && (e.subjectId === null || e.subjectId === event.visitId)),
        stillAllowed: whileHolding(ctx),
      });
      for await (const item of stream) {
        if (isStreamEnd(item)) {
          yield item;
          return;
        }
        const gate = await ctx.withScope((db) => eventGate(db, event.id));
        if (!gate) return;
        // A task change that did not move the gate is not news for this board.
        const now = signature(gate);
        if (item.topic === TASK_TOPIC && now === last) continue;
        last = now;
        yield { event: item, eventId: event.id, gate } satisfies ReadinessEvent;
      }
    },
    resolve: (item) => {
      if (isStreamEnd(item)) throw new StreamEndedError(item as StreamEnd);
      return item as ReadinessEvent;
    },
  }),
}));
