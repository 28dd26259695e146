// GraphQL of the service points' daily routine: round templates, the day's rounds with their status (MISSED as
// soon as a round's due time passes with a check open), and the day's summary.
import { builder } from '../../builder.ts';
import { requestLanguage, serviceDeps } from '../../context.ts';
import { TEMPLATE_TEXT_FIELD, templateText } from '../../shared/template-texts.ts';
import { connectionNamed, edgeNamed } from '../../shared/connections.ts';
import { parseDateArg } from '../../shared/dates.ts';
import { HOSPITAL, ServicePointKindEnum, ServicePointRef } from './service-point.ts';
import { ROUND_PHASES, ROUND_STATUSES, roundStatus, roundSummary, roundWhere, tenantToday } from './service-point-round.service.ts';
import { clockTime } from './service-point-round.time.ts';

export const RoundPhaseEnum = builder.enumType('ServicePointRoundPhase', {
  values: ROUND_PHASES,
  subGraphs: HOSPITAL,
  description: 'OPENING: checks before the service point opens; PEAK: staffing at peak time; CLOSING: checks at closing.',
});
export const RoundStatusEnum = builder.enumType('ServicePointRoundStatus', {
  values: ROUND_STATUSES,
  subGraphs: HOSPITAL,
  description: 'UPCOMING (not open yet), OPEN (open, checks to do), COMPLETED (every check done or skipped), MISSED (due time passed with a check open).',
});

export const RoundTemplateRef = builder.prismaNode('ServicePointRoundTemplate', {
  id: { field: 'id' },
  // Another tenant's id (or none) is not found: node(id:) answers null, as for every other type.
  nullable: true,
  subGraphs: HOSPITAL,
  description: "What a round checks at every service point of one kind, and when (the tenant's local time).",
  fields: (t) => ({
    servicePointKind: t.field({ type: ServicePointKindEnum, resolve: (r) => r.servicePointKind }),
    phase: t.field({ type: RoundPhaseEnum, resolve: (r) => r.phase }),
    name: t.string({ description: TEMPLATE_TEXT_FIELD, resolve: (r, _args, ctx) => templateText(r.name, requestLanguage(ctx)) }),
    startsAt: t.string({ description: 'Local time HH:MM the round opens.', resolve: (r) => clockTime(r.startsAtMinute) }),
    durationMinutes: t.exposeInt('durationMinutes', { description: 'Minutes after opening the round is due (then MISSED if not done).' }),
    checks: t.stringList({ description: TEMPLATE_TEXT_FIELD, resolve: (r, _args, ctx) => r.checks.map((c) => templateText(c, requestLanguage(ctx))) }),
    assigneeRole: t.string({ resolve: (r) => r.assigneeRole }),
    active: t.exposeBoolean('active'),
  }),
});

builder.prismaObject('ServicePointRoundCheck', {
  subGraphs: HOSPITAL,
  fields: (t) => ({
    position: t.exposeInt('position'),
    task: t.relation('task'),
  }),
});

export const RoundRef = builder.prismaNode('ServicePointRound', {
  id: { field: 'id' },
  // Another tenant's id (or none) is not found: node(id:) answers null, as for every other type.
  nullable: true,
  subGraphs: HOSPITAL,
  description: "One service point's round on one day: its checks are tasks.",
  select: { roundDate: true, phase: true, opensAt: true, dueAt: true, checks: { select: { task: { select: { status: true, completedAt: true } } } } },
  fields: (t) => ({
    servicePoint: t.relation('servicePoint'),
    template: t.relation('template'),
    date: t.string({ resolve: (r) => r.roundDate.toISOString().slice(0, 10) }),
    phase: t.field({ type: RoundPhaseEnum, resolve: (r) => r.phase }),
    name: t.string({ description: TEMPLATE_TEXT_FIELD, select: { name: true }, resolve: (r, _args, ctx) => templateText(r.name, requestLanguage(ctx)) }),
    opensAt: t.field({ type: 'DateTime', resolve: (r) => r.opensAt }),
    dueAt: t.field({ type: 'DateTime', resolve: (r) => r.dueAt }),
    status: t.field({
      type: RoundStatusEnum,
      resolve: (r) =>
        roundStatus(
          r,
          r.checks.map((c) => c.task.status),
          new Date(),
        ),
    }),
    completedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the last check was done (null while a check is open).',
      resolve: (r) => {
        if (r.checks.some((c) => c.task.status !== 'DONE' && c.task.status !== 'SKIPPED')) return null;
        const times = r.checks.map((c) => c.task.completedAt?.getTime() ?? 0);
        return times.length ? new Date(Math.max(...times)) : null;
      },
    }),
    checks: t.relation('checks', { description: 'The checks, in order: each a task.', query: { orderBy: { position: 'asc' } } }),
  }),
});

const RoundSummaryRef = builder
  .objectRef<{ date: string; total: number; UPCOMING: number; OPEN: number; COMPLETED: number; MISSED: number }>('ServicePointRoundSummary')
  .implement({
    subGraphs: HOSPITAL,
    fields: (t) => ({
      date: t.exposeString('date'),
      total: t.exposeInt('total'),
      upcoming: t.exposeInt('UPCOMING'),
      open: t.exposeInt('OPEN'),
      completed: t.exposeInt('COMPLETED'),
      missed: t.exposeInt('MISSED'),
    }),
  });

const dateArg = { description: "A day YYYY-MM-DD (default: today in the tenant's time zone)." };

builder.queryFields((t) => ({
  servicePointRoundTemplates: t.prismaField({
    type: ['ServicePointRoundTemplate'],
    subGraphs: HOSPITAL,
    authScopes: { member: true },
    args: { servicePointKind: t.arg({ type: ServicePointKindEnum, required: false }) },
    resolve: (query, _root, args, ctx) =>
      ctx.db.servicePointRoundTemplate.findMany({
        ...query,
        where: args.servicePointKind ? { servicePointKind: args.servicePointKind } : {},
        orderBy: [{ servicePointKind: 'asc' }, { startsAtMinute: 'asc' }, { name: 'asc' }],
      }),
  }),
  servicePointRounds: t.prismaConnection(
    {
      type: 'ServicePointRound',
      cursor: 'id',
      subGraphs: HOSPITAL,
      authScopes: { member: true },
      description: 'The rounds of a day, by opening time; `status: MISSED` lists the missed ones.',
      args: {
        date: t.arg.string({ required: false, ...dateArg }),
        servicePointId: t.arg.globalID({ required: false, for: [ServicePointRef] }),
        status: t.arg({ type: RoundStatusEnum, required: false }),
      },
      totalCount: async (_root, args, ctx) => {
        const now = new Date();
        const date = parseDateArg(args.date, 'date') ?? (await tenantToday(serviceDeps(ctx), now));
        return ctx.db.servicePointRound.count({ where: roundWhere({ date, servicePointId: args.servicePointId?.id, status: args.status }, now) });
      },
      resolve: async (query, _root, args, ctx) => {
        const now = new Date();
        const date = parseDateArg(args.date, 'date') ?? (await tenantToday(serviceDeps(ctx), now));
        return ctx.db.servicePointRound.findMany({
          ...query,
          where: roundWhere({ date, servicePointId: args.servicePointId?.id, status: args.status }, now),
          orderBy: [{ opensAt: 'asc' }, { name: 'asc' }, { id: 'asc' }],
        });
      },
    },
    connectionNamed('ServicePointRound'),
    edgeNamed('ServicePointRound'),
  ),
  servicePointRoundSummary: t.field({
    type: RoundSummaryRef,
    subGraphs: HOSPITAL,
    authScopes: { member: true },
    description: 'How many of the day’s rounds are upcoming, open, completed and missed right now.',
    args: { date: t.arg.string({ required: false, ...dateArg }) },
    resolve: async (_root, args, ctx) => {
      const now = new Date();
      const deps = serviceDeps(ctx);
      return roundSummary(deps, parseDateArg(args.date, 'date') ?? (await tenantToday(deps, now)), now);
    },
  }),
}));
