// The service points' daily routine (细化服务环节): a round template per service-point kind says what is checked
// and when (opening checks, peak-time staffing, closing checks, in the tenant's local time); the scheduled job
// (hospital.dailyRounds, see index.ts) makes each day's rounds for every service point, once, in the tenant's
// time zone; each check of a round is a task. A round's status follows from its checks and the time: a round
// whose due time passed with a check still open is MISSED at once (no job has to notice it).
import { z } from 'zod';
import type { Prisma, Role, ServicePointKind, ServiceRoundPhase, TaskStatus } from '@jiedai/db';
import type { ServiceDeps } from '../../context.ts';
import { isUniqueViolation, parseInput } from '../../shared/errors.ts';
import { bilingual, labelled } from '../../shared/template-texts.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { appendEvent } from '../core/events/event.service.ts';
import { SERVICE_POINT_KINDS } from './service-point.service.ts';
import { HospitalRoutineError } from './service-point-round.errors.ts';
import { localDate, parseClockTime, zonedInstant } from './service-point-round.time.ts';

export const ROUND_PHASES = ['OPENING', 'PEAK', 'CLOSING'] as const satisfies readonly ServiceRoundPhase[];
export const ROUND_STATUSES = ['UPCOMING', 'OPEN', 'COMPLETED', 'MISSED'] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];
export const ROUND_TOPIC = 'service_point_round';
const FINISHED: TaskStatus[] = ['DONE', 'SKIPPED'];

export interface RoundTemplateSeed {
  servicePointKind: ServicePointKind;
  phase: ServiceRoundPhase;
  name: string;
  startsAt: string;
  durationMinutes: number;
  checks: string[];
  assigneeRole?: Role;
}

const OPEN_0730 = { phase: 'OPENING', startsAt: '07:30', durationMinutes: 30 } as const;
const PEAK_0830 = { phase: 'PEAK', startsAt: '08:30', durationMinutes: 150 } as const;
const CLOSE_1700 = { phase: 'CLOSING', startsAt: '17:00', durationMinutes: 45 } as const;

/** What a new hospital's service points check each day (DOMAIN.md, hospital module; stored in zh-Hans, read in the request's language). */
export const DEFAULT_ROUND_TEMPLATES: readonly RoundTemplateSeed[] = [
  {
    servicePointKind: 'GUIDE_DESK',
    ...OPEN_0730,
    name: bilingual('导医台开诊前检查', 'Guide desk: before opening'),
    checks: [
      bilingual('导医人员到岗、着装整洁、佩戴工牌', 'Guides at their post, neatly dressed, wearing badges'),
      bilingual('轮椅、平车、便民用品备齐', 'Wheelchairs, trolleys and courtesy items ready'),
      bilingual('导诊标识与科室分布图清楚', 'Signs and the department map clear'),
    ],
  },
  {
    servicePointKind: 'GUIDE_DESK',
    ...PEAK_0830,
    name: bilingual('导医台高峰时段', 'Guide desk: peak hours'),
    checks: [
      bilingual('导医主动迎接患者，引导挂号、分诊、取报告', 'Guides greet patients and guide them to registration, triage and report pick-up'),
      bilingual('高峰时段增派导医，老弱患者陪同就诊', 'More guides at peak hours; elderly and frail patients accompanied'),
    ],
    assigneeRole: 'COORDINATOR',
  },
  {
    servicePointKind: 'GUIDE_DESK',
    ...CLOSE_1700,
    name: bilingual('导医台下班前检查', 'Guide desk: before closing'),
    checks: [bilingual('便民物品清点归位', 'Courtesy items counted and put back'), bilingual('交接班记录完整', 'Handover record complete')],
  },
  {
    servicePointKind: 'TRIAGE',
    ...OPEN_0730,
    name: bilingual('分诊台开诊前检查', 'Triage desk: before opening'),
    checks: [
      bilingual('分诊护士到岗', 'Triage nurses at their post'),
      bilingual('叫号系统与候诊屏运行正常', 'Queue-calling system and waiting-room screens working'),
    ],
  },
  {
    servicePointKind: 'TRIAGE',
    ...PEAK_0830,
    name: bilingual('分诊台高峰时段', 'Triage desk: peak hours'),
    checks: [
      bilingual('候诊秩序良好，危重患者优先', 'Orderly waiting; critical patients first'),
      bilingual('候诊时间过长的患者有人解释安抚', 'Patients waiting too long get an explanation and reassurance'),
    ],
    assigneeRole: 'COORDINATOR',
  },
  {
    servicePointKind: 'TRIAGE',
    ...CLOSE_1700,
    name: bilingual('分诊台下班前检查', 'Triage desk: before closing'),
    checks: [bilingual('未就诊患者已妥善安排', 'Patients not yet seen are properly arranged for'), bilingual('分诊登记完整', 'Triage register complete')],
  },
  {
    servicePointKind: 'REPORT_PICKUP',
    ...OPEN_0730,
    name: bilingual('报告领取处开诊前检查', 'Report pick-up: before opening'),
    checks: [bilingual('自助打印机纸张充足、运行正常', 'Self-service printers working, with enough paper'), bilingual('人工窗口到岗', 'Staffed window open')],
  },
  {
    servicePointKind: 'REPORT_PICKUP',
    ...CLOSE_1700,
    name: bilingual('报告领取处下班前检查', 'Report pick-up: before closing'),
    checks: [bilingual('未领取报告按规定保管', 'Uncollected reports kept as the rules require')],
  },
  {
    servicePointKind: 'GREEN_CHANNEL',
    ...OPEN_0730,
    name: bilingual('急诊绿色通道交班检查', 'Emergency green channel: shift handover check'),
    checks: [
      bilingual('绿色通道标识清楚、通道畅通无占用', 'Green channel signposted and clear, nothing blocking it'),
      bilingual('抢救设备与药品齐全、处于备用状态', 'Resuscitation equipment and drugs complete and ready'),
      bilingual('坚持"先抢救，后补办手续"，值班人员知晓流程', '"Treat first, paperwork later": the staff on duty know the procedure'),
    ],
    assigneeRole: 'COORDINATOR',
  },
  {
    servicePointKind: 'GREEN_CHANNEL',
    ...CLOSE_1700,
    name: bilingual('急诊绿色通道夜班交接', 'Emergency green channel: night-shift handover'),
    checks: [
      bilingual('抢救设备与药品补充到位', 'Resuscitation equipment and drugs restocked'),
      bilingual('未补办手续的病例已交接', 'Cases with paperwork outstanding handed over'),
    ],
  },
  {
    servicePointKind: 'CASHIER_WINDOW',
    ...OPEN_0730,
    name: bilingual('收费窗口开诊前检查', 'Cashier windows: before opening'),
    checks: [
      bilingual('一卡通系统与收费设备运行正常', 'Patient-card system and payment equipment working'),
      bilingual('零钱与票据备足', 'Enough change and receipts'),
    ],
  },
  {
    servicePointKind: 'CASHIER_WINDOW',
    ...PEAK_0830,
    name: bilingual('收费窗口高峰时段', 'Cashier windows: peak hours'),
    checks: [
      bilingual('排队人数多时增开收费窗口', 'More windows opened when the queue is long'),
      bilingual('一卡通充值与缴费引导到位', 'Guidance for card top-up and payment in place'),
    ],
    assigneeRole: 'COORDINATOR',
  },
  {
    servicePointKind: 'CASHIER_WINDOW',
    ...CLOSE_1700,
    name: bilingual('收费窗口日结', 'Cashier windows: end-of-day settlement'),
    checks: [bilingual('日结对账无误', 'End-of-day accounts reconciled')],
  },
  {
    servicePointKind: 'WAITING_AREA',
    ...OPEN_0730,
    name: bilingual('候诊区开诊前检查', 'Waiting area: before opening'),
    checks: [
      bilingual('候诊座椅完好、数量充足', 'Waiting chairs sound and enough of them'),
      bilingual('饮水机供水正常、纸杯充足', 'Water dispenser working, enough paper cups'),
      bilingual('环境清洁，健康教育宣传栏内容更新', 'Clean surroundings; health-education board up to date'),
    ],
  },
  {
    servicePointKind: 'WAITING_AREA',
    ...PEAK_0830,
    name: bilingual('候诊区高峰时段', 'Waiting area: peak hours'),
    checks: [
      bilingual('饮水及时补充、座椅不足时加座', 'Water refilled in time; extra chairs when short'),
      bilingual('噪音控制，秩序良好', 'Noise kept down, good order'),
    ],
  },
  {
    servicePointKind: 'WAITING_AREA',
    ...CLOSE_1700,
    name: bilingual('候诊区下班前检查', 'Waiting area: before closing'),
    checks: [bilingual('清洁消毒完成', 'Cleaning and disinfection done'), bilingual('设施损坏已报修', 'Damaged facilities reported for repair')],
  },
];

const clockTime = z
  .string()
  .trim()
  .refine((s) => parseClockTime(s) !== null, 'a time HH:MM (00:00–23:59)');

const templateInput = z.object({
  servicePointKind: z.enum(SERVICE_POINT_KINDS),
  phase: z.enum(ROUND_PHASES),
  name: z.string().trim().min(1).max(200),
  startsAt: clockTime,
  durationMinutes: z.number().int().min(5).max(1440),
  checks: z.array(z.string().trim().min(1).max(500)).min(1).max(30),
  assigneeRole: z.enum(['TENANT_ADMIN', 'COORDINATOR', 'STAFF']).default('STAFF'),
});
export type RoundTemplateInput = z.input<typeof templateInput>;

function refused(error: unknown, name: string): never {
  if (isUniqueViolation(error)) throw new HospitalRoutineError('NAME_TAKEN', `A round template named "${name}" exists for this kind of service point`);
  throw error;
}

export async function seedRoundTemplates(deps: ServiceDeps, templates: readonly RoundTemplateSeed[] = DEFAULT_ROUND_TEMPLATES) {
  await deps.db.servicePointRoundTemplate.createMany({
    data: templates.map((t) => ({
      tenantId: deps.access.tenantId!,
      servicePointKind: t.servicePointKind,
      phase: t.phase,
      name: t.name,
      startsAtMinute: parseClockTime(t.startsAt)!,
      durationMinutes: t.durationMinutes,
      checks: t.checks,
      assigneeRole: t.assigneeRole ?? 'STAFF',
    })),
    skipDuplicates: true,
  });
}

export async function createRoundTemplate(deps: ServiceDeps, input: RoundTemplateInput) {
  const data = parseInput(templateInput, input);
  const template = await deps.db.servicePointRoundTemplate
    .create({
      data: {
        tenantId: deps.access.tenantId!,
        servicePointKind: data.servicePointKind,
        phase: data.phase,
        name: data.name,
        startsAtMinute: parseClockTime(data.startsAt)!,
        durationMinutes: data.durationMinutes,
        checks: data.checks,
        assigneeRole: data.assigneeRole,
      },
    })
    .catch((e) => refused(e, data.name));
  await recordAudit(deps, {
    action: 'service_point_round_template.created',
    targetType: 'ServicePointRoundTemplate',
    targetId: template.id,
    data: { name: data.name },
  });
  return template;
}

const updateInput = templateInput.omit({ servicePointKind: true }).partial().extend({ active: z.boolean().optional() });

/** Changes a template: rounds already made keep what they were made with; the next days' follow the change. */
export async function updateRoundTemplate(deps: ServiceDeps, id: string, input: z.input<typeof updateInput>) {
  const data = parseInput(updateInput, input);
  const existing = await deps.db.servicePointRoundTemplate.findUnique({ where: { id } });
  if (!existing) throw new HospitalRoutineError('NOT_FOUND', 'No such round template');
  const { startsAt, ...rest } = data;
  const template = await deps.db.servicePointRoundTemplate
    .update({ where: { id }, data: { ...rest, ...(startsAt !== undefined ? { startsAtMinute: parseClockTime(startsAt)! } : {}) } })
    .catch((e) => refused(e, data.name ?? existing.name));
  await recordAudit(deps, {
    action: 'service_point_round_template.updated',
    targetType: 'ServicePointRoundTemplate',
    targetId: id,
    data: { fields: Object.keys(data) },
  });
  return template;
}

export async function tenantTimeZone(deps: ServiceDeps): Promise<string> {
  const tenant = await deps.db.tenant.findUnique({ where: { id: deps.access.tenantId! }, select: { timeZone: true } });
  return tenant?.timeZone ?? 'Asia/Shanghai';
}

/** Today (YYYY-MM-DD) in the tenant's time zone at `now`. */
export async function tenantToday(deps: ServiceDeps, now: Date): Promise<string> {
  return localDate(now, await tenantTimeZone(deps));
}

const dayInput = z.object({ date: z.iso.date({ error: 'a date YYYY-MM-DD that exists' }) });

/**
 * Makes the rounds of `date` (the tenant's local day) for every service point from the active templates of its
 * kind (a peak-only point gets the peak rounds only), with their checks as tasks due when the round is due.
 * Idempotent and safe to run concurrently: a round exists once per (point, template, day) (a unique key), and
 * only the rounds this call inserted get checks. Returns how many rounds it made.
 */
export async function ensureRoundsForDay(deps: ServiceDeps, input: { date: string; timeZone?: string }) {
  const { date } = parseInput(dayInput, { date: input.date });
  const timeZone = input.timeZone ?? (await tenantTimeZone(deps));
  const tenantId = deps.access.tenantId!;
  const [templates, points] = await Promise.all([
    deps.db.servicePointRoundTemplate.findMany({ where: { active: true }, orderBy: [{ startsAtMinute: 'asc' }, { name: 'asc' }] }),
    deps.db.servicePoint.findMany({ orderBy: { name: 'asc' } }),
  ]);
  const wanted: Prisma.ServicePointRoundCreateManyInput[] = [];
  for (const point of points) {
    for (const template of templates) {
      if (template.servicePointKind !== point.kind || (point.isPeakOnly && template.phase !== 'PEAK')) continue;
      const opensAt = zonedInstant(date, template.startsAtMinute, timeZone);
      wanted.push({
        tenantId,
        servicePointId: point.id,
        templateId: template.id,
        roundDate: new Date(`${date}T00:00:00Z`),
        phase: template.phase,
        name: template.name,
        opensAt,
        dueAt: new Date(opensAt.getTime() + template.durationMinutes * 60_000),
      });
    }
  }
  if (wanted.length === 0) return { date, created: 0 };
  const created = await deps.db.servicePointRound.createManyAndReturn({ data: wanted, skipDuplicates: true });
  if (created.length === 0) return { date, created: 0 };
  const templateById = new Map(templates.map((t) => [t.id, t]));
  const pointById = new Map(points.map((p) => [p.id, p]));
  // Per round, its checks' tasks; each check is linked by its position (returned with the task), so nothing
  // depends on the order rows come back in.
  let checks = 0;
  for (const round of created) {
    const template = templateById.get(round.templateId)!;
    const point = pointById.get(round.servicePointId)!;
    const tasks = await deps.db.task.createManyAndReturn({
      data: template.checks.map((check, position) => ({
        tenantId,
        visitId: null,
        phase: 'RECEPTION' as const,
        position,
        title: check,
        // "round（point date）": the round's name reads in the request's language (labelledTemplateText).
        description: labelled(round.name, `${point.name} ${date}`),
        assigneeRole: template.assigneeRole,
        dueAt: round.dueAt,
        createdById: deps.access.userId,
      })),
      select: { id: true, position: true },
    });
    await deps.db.servicePointRoundCheck.createMany({ data: tasks.map((task) => ({ tenantId, roundId: round.id, taskId: task.id, position: task.position })) });
    checks += tasks.length;
  }
  await appendEvent(deps, { topic: ROUND_TOPIC, type: 'ROUNDS_CREATED', payload: { date, rounds: created.length, checks } });
  await recordAudit(deps, { action: 'service_point_rounds.created', targetType: 'ServicePointRound', data: { date, rounds: created.length } });
  return { date, created: created.length };
}

// ── status ──────────────────────────────────────────────────────────────────────────────────────

/** A round's status at `now` from its checks' task statuses (pure). */
export function roundStatus(round: { opensAt: Date; dueAt: Date }, checkStatuses: readonly TaskStatus[], now: Date): RoundStatus {
  if (checkStatuses.every((s) => FINISHED.includes(s))) return 'COMPLETED';
  if (now >= round.dueAt) return 'MISSED';
  if (now >= round.opensAt) return 'OPEN';
  return 'UPCOMING';
}

const someOpen: Prisma.ServicePointRoundWhereInput = { checks: { some: { task: { status: { notIn: FINISHED } } } } };

/** The same rule as `roundStatus`, as a filter for the database. */
export function roundStatusWhere(status: RoundStatus, now: Date): Prisma.ServicePointRoundWhereInput {
  switch (status) {
    case 'COMPLETED':
      return { NOT: someOpen };
    case 'MISSED':
      return { ...someOpen, dueAt: { lte: now } };
    case 'OPEN':
      return { ...someOpen, opensAt: { lte: now }, dueAt: { gt: now } };
    case 'UPCOMING':
      return { ...someOpen, opensAt: { gt: now } };
  }
}

export interface RoundFilter {
  date: string;
  servicePointId?: string | null | undefined;
  status?: RoundStatus | null | undefined;
}

export function roundWhere(filter: RoundFilter, now: Date): Prisma.ServicePointRoundWhereInput {
  return {
    roundDate: new Date(`${filter.date}T00:00:00Z`),
    ...(filter.servicePointId ? { servicePointId: filter.servicePointId } : {}),
    ...(filter.status ? roundStatusWhere(filter.status, now) : {}),
  };
}

/** How many rounds of `date` are in each status at `now`. */
export async function roundSummary(deps: ServiceDeps, date: string, now: Date) {
  const rounds = await deps.db.servicePointRound.findMany({
    where: { roundDate: new Date(`${date}T00:00:00Z`) },
    select: { opensAt: true, dueAt: true, checks: { select: { task: { select: { status: true } } } } },
  });
  const counts: Record<RoundStatus, number> = { UPCOMING: 0, OPEN: 0, COMPLETED: 0, MISSED: 0 };
  for (const r of rounds)
    counts[
      roundStatus(
        r,
        r.checks.map((c) => c.task.status),
        now,
      )
    ]++;
  return { date, total: rounds.length, ...counts };
}

/**
 * Announces rounds that became MISSED since the last call (due at or before `now`, a check still open): one
 * ROUND_MISSED event each, once (missed_noticed_at). The status itself needs no job; this is for live boards.
 */
export async function noticeMissedRounds(deps: ServiceDeps, now: Date) {
  const missed = await deps.db.servicePointRound.findMany({
    where: { missedNoticedAt: null, ...roundStatusWhere('MISSED', now) },
    select: { id: true, name: true, servicePointId: true, roundDate: true, dueAt: true },
    orderBy: { dueAt: 'asc' },
    take: 500,
  });
  if (missed.length === 0) return { noticed: 0 };
  // Only the rounds this call marks are announced (a concurrent call marks the others).
  const marked = await deps.db.servicePointRound.updateManyAndReturn({
    where: { id: { in: missed.map((r) => r.id) }, missedNoticedAt: null },
    data: { missedNoticedAt: now },
    select: { id: true },
  });
  const ids = new Set(marked.map((r) => r.id));
  for (const round of missed.filter((r) => ids.has(r.id))) {
    await appendEvent(deps, {
      topic: ROUND_TOPIC,
      type: 'ROUND_MISSED',
      subjectId: round.id,
      payload: { servicePointId: round.servicePointId, name: round.name, date: round.roundDate.toISOString().slice(0, 10), dueAt: round.dueAt.toISOString() },
    });
  }
  return { noticed: ids.size };
}
