// Live task boards: every change of a task reaches the boards watching it, in order, with a cursor to
// resume from; nothing is lost across reconnects (see core/events/event-stream.ts).
import { GraphQLError } from 'graphql';
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import type { Task } from '@jiedai/db';
import type { DomainEvent } from '../../core/events/event.service.ts';
import { eventStream, whileHolding, streamedEvent } from '../../core/events/event-stream.ts';
import { VisitRef } from '../visits/visit.ts';
import { USER_REFERENCE, userById } from '../../core/identity/user.ts';
import { TaskRef } from './task.ts';
import { TASK_CHANGE_KINDS, TASK_TOPIC, type TaskSnapshot } from './task.service.ts';

const T = TENANT_GRAPHS;
const TaskChangeKindEnum = builder.enumType('TaskChangeKind', { values: TASK_CHANGE_KINDS, subGraphs: T });

/**
 * A task as the event saw it (dates back from JSON). Built once per event and process: the event bus
 * hands every subscriber of a process the same event object, so a thousand boards share one task.
 */
const materialised = new WeakMap<TaskSnapshot, Task>();
function taskOf(snapshot: TaskSnapshot, tenantId: string): Task {
  let task = materialised.get(snapshot);
  if (!task) {
    const date = (v: string | null) => (v ? new Date(v) : null);
    task = {
      ...snapshot,
      tenantId,
      templateItemId: null,
      createdById: null,
      dueAt: date(snapshot.dueAt),
      completedAt: date(snapshot.completedAt),
      createdAt: new Date(snapshot.createdAt),
      updatedAt: new Date(snapshot.updatedAt),
    } as Task;
    materialised.set(snapshot, task);
  }
  return task;
}

const TaskEventRef = builder.objectRef<DomainEvent>('TaskEvent').implement({
  subGraphs: T,
  fields: (t) => ({
    cursor: t.exposeString('seq', { description: 'Resubscribe with `after: cursor` to receive everything after this event.' }),
    kind: t.field({ type: TaskChangeKindEnum, resolve: (e) => e.type as never }),
    task: t.field({
      type: TaskRef,
      description: 'The task after the change (as it was, for DELETED).',
      resolve: (e) => taskOf((e.payload as { task: TaskSnapshot }).task, e.tenantId) as never,
    }),
    visitId: t.globalID({ nullable: true, resolve: (e) => (e.subjectId ? { type: 'Visit', id: e.subjectId } : null) }),
    change: t.field({ type: 'JSON', nullable: true, resolve: (e) => e.payload.change ?? null }),
    actor: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who made the change (${USER_REFERENCE}; null for an API key).`,
      resolve: (query, e, _args, ctx) => userById(ctx, query, e.actorUserId),
    }),
    actorUserId: t.globalID({
      nullable: true,
      deprecationReason: 'Use `actor { id }`.',
      description: 'The global id of who made the change. Kept for clients written before the API contract (issue 11); removed no sooner than 2027-06.',
      resolve: (e) => (e.actorUserId ? { type: 'User', id: e.actorUserId } : null),
    }),
    at: t.field({ type: 'DateTime', resolve: (e) => new Date(e.createdAt) }),
  }),
});

builder.subscriptionFields((t) => ({
  taskChanged: t.field({
    type: TaskEventRef,
    subGraphs: T,
    authScopes: { role: 'VIEWER' },
    description: "Every change of the tenant's tasks, in order. Pass the last cursor you saw as `after` to miss nothing.",
    args: { after: t.arg.string({ required: false }) },
    subscribe: (_root, args, ctx) => eventStream(ctx, { after: args.after ?? null, matches: (e) => e.topic === TASK_TOPIC, stillAllowed: whileHolding(ctx) }),
    resolve: streamedEvent,
  }),
  taskBoardChanged: t.field({
    type: TaskEventRef,
    subGraphs: T,
    authScopes: { role: 'VIEWER' },
    description: "Every change of one visit's task board, in order. Pass the last cursor you saw as `after` to miss nothing.",
    args: { visitId: t.arg.globalID({ required: true, for: [VisitRef] }), after: t.arg.string({ required: false }) },
    subscribe: async function* (_root, args, ctx) {
      const visit = await ctx.withScope((db) => db.visit.findUnique({ where: { id: args.visitId.id }, select: { id: true } }));
      if (!visit) throw new GraphQLError('No such visit', { extensions: { code: 'NOT_FOUND' } });
      yield* eventStream(ctx, {
        after: args.after ?? null,
        matches: (e) => e.topic === TASK_TOPIC && e.subjectId === visit.id,
        stillAllowed: whileHolding(ctx),
      });
    },
    resolve: streamedEvent,
  }),
}));
