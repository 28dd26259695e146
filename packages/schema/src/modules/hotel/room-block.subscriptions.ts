// The front desk's live arrival list (前台接待): the day's arrivals again after each change that may
// alter it — a rooming entry added or removed, a room inspected or a key readied, the visit's plan or
// live travel progress (the expected arrival) — in order, resumable from a cursor.
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import type { Context } from '../../context.ts';
import { hasRole } from '../../shared/access.ts';
import { parseDateArg } from '../../shared/dates.ts';
import type { DomainEvent } from '../core/events/event.service.ts';
import { eventStream, isStreamEnd, StreamEndedError, type StreamEnd } from '../core/events/event-stream.ts';
import { HOTEL } from './hotel-area.ts';
import { HOTEL_TOPIC } from './hotel-event.service.ts';
import { ArrivalDayEnum, ArrivalRef } from './room-block.ts';
import { arrivalDate, arrivalsOn, type Arrival } from './room-block.service.ts';

interface ArrivalsEvent {
  event: DomainEvent;
  date: string;
  arrivals: Arrival[];
}

const ArrivalsEventRef = builder.objectRef<ArrivalsEvent>('HotelArrivalsEvent').implement({
  subGraphs: HOTEL,
  fields: (t) => ({
    cursor: t.string({ description: 'Resubscribe with `after: cursor` to receive everything after this event.', resolve: (e) => e.event.seq }),
    change: t.string({
      description: 'ROOMING_ADDED, ROOMING_REMOVED, ARRIVAL_PREPARED, VISIT_TRAVEL_CHANGED.',
      resolve: (e) => String(e.event.payload.change ?? e.event.type),
    }),
    date: t.string({ description: 'The day of the list, YYYY-MM-DD (the tenant’s time zone).', resolve: (e) => e.date }),
    arrivals: t.field({ type: [ArrivalRef], description: 'The day’s arrival list after the change.', resolve: (e) => e.arrivals }),
  }),
});

const stillStaff = (ctx: Context) => () => ctx.withScope(async (_db, access) => hasRole(access, 'STAFF')).catch(() => false);

builder.subscriptionFields((t) => ({
  hotelArrivalsChanged: t.field({
    type: ArrivalsEventRef,
    subGraphs: HOTEL,
    authScopes: { role: 'STAFF' },
    description:
      'The front desk’s arrival list of a day (TODAY by default, or a date), again after each change that may alter it, including the visit’s live travel progress. Pass the last cursor as `after` to miss nothing.',
    args: {
      day: t.arg({ type: ArrivalDayEnum, required: false }),
      date: t.arg.string({ required: false }),
      after: t.arg.string({ required: false }),
    },
    subscribe: async function* (_root, args, ctx) {
      if (args.day && args.date) throw new GraphQLError('give day or date, not both', { extensions: { code: 'BAD_USER_INPUT' } });
      const fixed = parseDateArg(args.date, 'date');
      const stream = eventStream(ctx, {
        after: args.after ?? null,
        matches: (e) => e.topic === HOTEL_TOPIC && e.type === 'ARRIVALS_CHANGED',
        stillAllowed: stillStaff(ctx),
      });
      for await (const item of stream) {
        if (isStreamEnd(item)) {
          yield item;
          return;
        }
        // TODAY and TOMORROW are judged at each change: a board left open over midnight moves on.
        const list = await ctx.withScope(async (db) => {
          const date = fixed ?? (await arrivalDate(db, args.day ?? 'TODAY'));
          return { date, arrivals: await arrivalsOn(db, date) };
        });
        yield { event: item, ...list } satisfies ArrivalsEvent;
      }
    },
    resolve: (item) => {
      if (isStreamEnd(item)) throw new StreamEndedError(item as StreamEnd);
      return item as ArrivalsEvent;
    },
  }),
}));
