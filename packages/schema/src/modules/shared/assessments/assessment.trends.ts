// Trends of submitted and reviewed assessments, by month: per subject (average total, count, open
// findings by severity, time to close findings) and per criterion (average on 0–100), and the weakest
// criteria of a period. Computed in PostgreSQL from the scores and each version's frozen criteria,
// with the same formula as assessment.scoring.ts (a test checks they agree).
import { Prisma, type Db } from '@jiedai/db';

export interface TrendFilter {
  from?: string | null;
  to?: string | null;
  templateId?: string | null;
  subjectType?: string | null;
  subjectId?: string | null;
}

/** SQL conditions on `a` (assessments) and `v` (their template versions) for a filter. */
function conditions(f: TrendFilter): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`a.tenant_id = app_tenant_id()`, Prisma.sql`a.status <> 'DRAFT'`];
  if (f.from) parts.push(Prisma.sql`a.assessed_on >= ${f.from}::date`);
  if (f.to) parts.push(Prisma.sql`a.assessed_on < ${f.to}::date`);
  if (f.templateId) parts.push(Prisma.sql`v.template_id = ${f.templateId}::uuid`);
  if (f.subjectType) parts.push(Prisma.sql`a.subject_type = ${f.subjectType}::assessment_subject_type`);
  if (f.subjectId)
    parts.push(Prisma.sql`coalesce(a.visit_id, a.department_id, a.staff_membership_id, a.service_point_id, a.hotel_area_id) = ${f.subjectId}::uuid`);
  return Prisma.join(parts, ' AND ');
}

/** Each score with its criterion's weight and scale from the frozen version. */
const scored = (f: TrendFilter) => Prisma.sql`
  SELECT a.id AS assessment_id, a.subject_type, a.assessed_on,
         coalesce(a.visit_id, a.department_id, a.staff_membership_id, a.service_point_id, a.hotel_area_id) AS subject_id,
         c.key::uuid AS criterion_key, c.title, c.weight,
         (s.value - (c.scale->>'min')::numeric) / ((c.scale->>'max')::numeric - (c.scale->>'min')::numeric) AS normalized
  FROM assessments a
  JOIN assessment_template_versions v ON v.id = a.template_version_id
  JOIN assessment_scores s ON s.assessment_id = a.id
  CROSS JOIN LATERAL jsonb_to_recordset(v.criteria) AS c(key text, title text, weight numeric, scale jsonb)
  WHERE ${conditions(f)} AND c.key::uuid = s.criterion_key`;

export interface SubjectTrend {
  month: string;
  subjectType: string;
  subjectId: string | null;
  averageScore: number;
  assessments: number;
  openFindings: { LOW: number; MEDIUM: number; HIGH: number; CRITICAL: number };
  /** Mean hours from finding to closing, of the findings closed; null when none. */
  meanHoursToClose: number | null;
}

export async function subjectTrends(db: Db, f: TrendFilter, limit: number, offset: number): Promise<SubjectTrend[]> {
  const rows = await db.$queryRaw<
    {
      month: Date;
      subject_type: string;
      subject_id: string | null;
      average: Prisma.Decimal;
      assessments: bigint;
      low: bigint;
      medium: bigint;
      high: bigint;
      critical: bigint;
      hours: Prisma.Decimal | null;
    }[]
  >`
    WITH scored AS (${scored(f)}),
    totals AS (
      SELECT assessment_id, subject_type, subject_id, date_trunc('month', assessed_on)::date AS month,
             sum(weight * normalized) / sum(weight) * 100 AS total
      FROM scored GROUP BY assessment_id, subject_type, subject_id, assessed_on
    ),
    findings_of AS (
      SELECT t.month, t.subject_type, t.subject_id,
             count(*) FILTER (WHERE f.closed_at IS NULL AND f.severity = 'LOW') AS low,
             count(*) FILTER (WHERE f.closed_at IS NULL AND f.severity = 'MEDIUM') AS medium,
             count(*) FILTER (WHERE f.closed_at IS NULL AND f.severity = 'HIGH') AS high,
             count(*) FILTER (WHERE f.closed_at IS NULL AND f.severity = 'CRITICAL') AS critical,
             avg(extract(epoch FROM f.closed_at - f.created_at) / 3600) FILTER (WHERE f.closed_at IS NOT NULL) AS hours
      FROM totals t JOIN findings f ON f.assessment_id = t.assessment_id
      GROUP BY t.month, t.subject_type, t.subject_id
    )
    SELECT t.month, t.subject_type::text, t.subject_id, round(avg(t.total), 2) AS average, count(*) AS assessments,
           coalesce(max(fo.low), 0) AS low, coalesce(max(fo.medium), 0) AS medium, coalesce(max(fo.high), 0) AS high,
           coalesce(max(fo.critical), 0) AS critical, round(max(fo.hours), 2) AS hours
    FROM totals t
    LEFT JOIN findings_of fo ON fo.month = t.month AND fo.subject_type = t.subject_type AND fo.subject_id IS NOT DISTINCT FROM t.subject_id
    GROUP BY t.month, t.subject_type, t.subject_id
    ORDER BY t.month, t.subject_type, t.subject_id NULLS FIRST
    LIMIT ${limit} OFFSET ${offset}`;
  return rows.map((r) => ({
    month: r.month.toISOString().slice(0, 7),
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    averageScore: Number(r.average),
    assessments: Number(r.assessments),
    openFindings: { LOW: Number(r.low), MEDIUM: Number(r.medium), HIGH: Number(r.high), CRITICAL: Number(r.critical) },
    meanHoursToClose: r.hours === null ? null : Number(r.hours),
  }));
}

export interface CriterionTrend {
  month: string | null;
  criterionKey: string;
  title: string;
  /** Average of the criterion's scores on 0–100. */
  averageScore: number;
  scores: number;
}

/** Per criterion and month; with `byMonth: false`, over the whole period (the weakest first). */
export async function criterionTrends(db: Db, f: TrendFilter, options: { byMonth: boolean; weakestFirst: boolean; limit: number; offset: number }) {
  const month = options.byMonth ? Prisma.sql`date_trunc('month', assessed_on)::date` : Prisma.sql`NULL::date`;
  const order = options.weakestFirst ? Prisma.sql`average ASC, criterion_key` : Prisma.sql`month, title, criterion_key`;
  const rows = await db.$queryRaw<{ month: Date | null; criterion_key: string; title: string; average: Prisma.Decimal; scores: bigint }[]>`
    WITH scored AS (${scored(f)})
    SELECT ${month} AS month, criterion_key, (array_agg(title ORDER BY assessed_on DESC))[1] AS title,
           round(avg(normalized) * 100, 2) AS average, count(*) AS scores
    FROM scored GROUP BY 1, criterion_key
    ORDER BY ${order}
    LIMIT ${options.limit} OFFSET ${options.offset}`;
  return rows.map(
    (r): CriterionTrend => ({
      month: r.month ? r.month.toISOString().slice(0, 7) : null,
      criterionKey: r.criterion_key,
      title: r.title,
      averageScore: Number(r.average),
      scores: Number(r.scores),
    }),
  );
}
