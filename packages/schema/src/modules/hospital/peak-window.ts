// GraphQL of peak-time windows: a service point's day by hour (expected load, windows needed and open) and the
// day's shortages across service points.
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import { serviceDeps } from '../../context.ts';
import { parseDateArg } from '../../shared/dates.ts';
import { HOSPITAL, ServicePointRef } from './service-point.ts';
import { type PeakHour, peakDay, peakIssues } from './peak-window.service.ts';
import { tenantToday } from './service-point-round.service.ts';

export const LoadSourceEnum = builder.enumType('ServicePointLoadSource', {
  values: ['ENTERED', 'DERIVED', 'NONE'] as const,
  subGraphs: HOSPITAL,
  description: 'ENTERED in the peak plan, DERIVED from the recorded hours of the last 28 days, or NONE known.',
});

export const PeakHourRef = builder.objectRef<PeakHour>('ServicePointPeakHour').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    hour: t.exposeInt('hour', { description: 'Local hour 0–23 (the tenant’s time zone).' }),
    expectedPatients: t.exposeInt('expectedPatients', { nullable: true }),
    source: t.field({ type: LoadSourceEnum, resolve: (h) => h.source }),
    windowsNeeded: t.exposeInt('windowsNeeded', { nullable: true, description: 'null without a peak plan (patients per window) or a known load.' }),
    windowsOpen: t.exposeInt('windowsOpen', { nullable: true, description: 'As recorded for the hour; null when not recorded.' }),
    patients: t.exposeInt('patients', { nullable: true, description: 'Patients counted in the hour, when recorded.' }),
    short: t.exposeBoolean('short', { description: 'Fewer windows open than the expected load needs (增开窗口).' }),
  }),
});

export const PeakDayRef = builder
  .objectRef<{ servicePointId: string; date: string; patientsPerWindowHour: number | null; hours: PeakHour[] }>('ServicePointPeakDay')
  .implement({
    subGraphs: HOSPITAL,
    fields: (t) => ({
      servicePoint: t.prismaField({
        type: 'ServicePoint',
        resolve: (query, d, _a, ctx) => ctx.db.servicePoint.findUniqueOrThrow({ ...query, where: { id: d.servicePointId } }),
      }),
      date: t.exposeString('date'),
      patientsPerWindowHour: t.exposeInt('patientsPerWindowHour', { nullable: true }),
      hours: t.field({ type: [PeakHourRef], resolve: (d) => d.hours }),
    }),
  });

const PeakIssueRef = builder.objectRef<Awaited<ReturnType<typeof peakIssues>>['issues'][number]>('ServicePointPeakIssue').implement({
  subGraphs: HOSPITAL,
  description: 'An hour with fewer windows open than its expected load needs.',
  fields: (t) => ({
    servicePoint: t.prismaField({
      type: 'ServicePoint',
      resolve: (query, i, _a, ctx) => ctx.db.servicePoint.findUniqueOrThrow({ ...query, where: { id: i.servicePointId } }),
    }),
    date: t.exposeString('date'),
    hour: t.exposeInt('hour'),
    expectedPatients: t.exposeInt('expectedPatients'),
    windowsNeeded: t.exposeInt('windowsNeeded'),
    windowsOpen: t.exposeInt('windowsOpen'),
  }),
});

const PeakIssuesRef = builder.objectRef<Awaited<ReturnType<typeof peakIssues>>>('ServicePointPeakIssues').implement({
  subGraphs: HOSPITAL,
  fields: (t) => ({
    date: t.exposeString('date'),
    currentHour: t.exposeInt('currentHour', { nullable: true, description: 'The local hour now, when the day is today.' }),
    issues: t.field({ type: [PeakIssueRef], resolve: (p) => p.issues }),
  }),
});

const dateArg = { description: "A day YYYY-MM-DD (default: today in the tenant's time zone)." };

builder.queryFields((t) => ({
  servicePointPeakDay: t.field({
    type: PeakDayRef,
    subGraphs: HOSPITAL,
    authScopes: { member: true },
    description: "A service point's hours of a day: expected patients, windows needed and open.",
    args: { servicePointId: t.arg.globalID({ required: true, for: [ServicePointRef] }), date: t.arg.string({ required: false, ...dateArg }) },
    resolve: async (_root, args, ctx) => {
      // Not the tenant's service point (RLS) or none: NOT_FOUND, not an unexpected error further down.
      const point = await ctx.db.servicePoint.findUnique({ where: { id: args.servicePointId.id }, select: { id: true } });
      if (!point) throw new GraphQLError('No such service point', { extensions: { code: 'NOT_FOUND' } });
      const deps = serviceDeps(ctx);
      return peakDay(deps, args.servicePointId.id, parseDateArg(args.date, 'date') ?? (await tenantToday(deps, new Date())));
    },
  }),
  servicePointPeakIssues: t.field({
    type: PeakIssuesRef,
    subGraphs: HOSPITAL,
    authScopes: { member: true },
    description: 'The hours of a day (default today) with fewer windows open than the load needs, across service points.',
    args: { date: t.arg.string({ required: false, ...dateArg }) },
    resolve: (_root, args, ctx) => peakIssues(serviceDeps(ctx), parseDateArg(args.date, 'date'), new Date()),
  }),
}));
