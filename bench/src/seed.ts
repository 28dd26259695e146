import { randomUUID } from 'node:crypto';
// A fresh benchmark database each run: dropped, created, migrated with the project's own runner,
// then filled with SQL as the owner (fast, no API round trips): the benchmark tenant (a government
// office) with 50 members, 2,000 visits of 20 tasks each and their event history, two other tenants
// of other kinds so that RLS has something to filter out, and two probe visits (2 and 200 tasks)
// used to show that the board's statement count does not depend on the number of tasks, and one more
// visit of 20 tasks that the fan-out writer changes.
import type pg from 'pg';
import { SignJWT } from 'jose';
import { migrate, withPgClient as withClient, withPgSession } from '@jiedai/db';
import { ADMIN_URL, DB_NAME, JWT, databaseUrl } from './config.ts';

export interface Member {
  userId: string;
  membershipId: string;
  roles: string[];
  token: string;
}

export interface Fixture {
  tenantId: string;
  /** members[0] is the tenant admin (acts for by-id, board, create and the fan-out writer). */
  members: Member[];
  /** The 2,000 visits of 20 tasks each (uuids). */
  visitIds: string[];
  /** Probe visits for the statement count: 2 and 200 tasks. */
  probeVisits: { tasks: number; id: string }[];
  /** The tasks the fan-out writer changes (those of one visit outside the 2,000). */
  writerTaskIds: string[];
  counts: Record<string, number>;
}

export const SEED = { visits: 2000, tasksPerVisit: 20, users: 50, otherTenants: 2, otherVisits: 500 };

export const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');

export async function signToken(userId: string, tenantId: string): Promise<string> {
  // A session (jti) and the account's session epoch (sv, 0 for seeded users), as the gateway's tokens carry since 0017.
  return new SignJWT({ tid: tenantId, sv: 0 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setJti(randomUUID())
    .setSubject(userId)
    .setIssuer(JWT.issuer)
    .setAudience(JWT.audience)
    .setIssuedAt()
    .setExpirationTime('6h')
    .sign(new TextEncoder().encode(JWT.secret));
}

const ROLE_OF = (i: number): string[] => (i === 0 ? ['TENANT_ADMIN'] : i < 10 ? ['COORDINATOR', 'APPROVER'] : i < 40 ? ['STAFF'] : ['VIEWER']);

/** Seeds one tenant's members, visits and tasks; returns its id, members and visit ids. */
async function seedTenant(
  c: pg.Client,
  spec: { kind: string; slug: string; name: string; users: number; visits: number; tasksPerVisit: number; events: boolean },
) {
  const tenant = await c.query<{ id: string }>(`INSERT INTO tenants (kind, name, slug) VALUES ($1, $2, $3) RETURNING id`, [spec.kind, spec.name, spec.slug]);
  const tenantId = tenant.rows[0]!.id;
  const users = await c.query<{ id: string; n: number }>(
    `INSERT INTO users (email, display_name)
     SELECT $1 || '-' || i || '@bench.jiedai', '成员 Member ' || i FROM generate_series(0, $2 - 1) i
     RETURNING id, (regexp_match(email, '-(\\d+)@'))[1]::int AS n`,
    [spec.slug, spec.users],
  );
  const byN = users.rows.sort((a, b) => a.n - b.n);
  const members: { userId: string; membershipId: string; roles: string[] }[] = [];
  for (const [i, u] of byN.entries()) {
    const roles = ROLE_OF(i);
    const m = await c.query<{ id: string }>(`INSERT INTO memberships (tenant_id, user_id, roles, title) VALUES ($1, $2, $3::member_role[], $4) RETURNING id`, [
      tenantId,
      u.id,
      roles,
      i === 0 ? '办公室主任' : i < 10 ? '接待科科长' : '科员',
    ]);
    members.push({ userId: u.id, membershipId: m.rows[0]!.id, roles });
  }
  const memberIds = members.map((m) => m.membershipId);
  // Visits spread over a year around now; every fifth one planned by a coordinator.
  await c.query(
    `INSERT INTO visits (tenant_id, title, purpose, status, reception_level, visiting_organization,
                         starts_at, ends_at, coordinator_id, notes)
     SELECT $1, '来访 Visit #' || i || ' 调研组', (ARRAY['LEADER_VISIT','WORK_INSPECTION','BUSINESS_EXCHANGE','CONFERENCE','OTHER'])[1 + i % 5]::visit_purpose,
            (ARRAY['REQUESTED','PLANNING','PENDING_APPROVAL','APPROVED','IN_PROGRESS','COMPLETED'])[1 + i % 6]::visit_status,
            '处级', '省直单位 ' || (i % 40), now() + (i - $3 / 2) * interval '4 hours', now() + (i - $3 / 2) * interval '4 hours' + interval '30 hours',
            ($2::uuid[])[1 + i % array_length($2::uuid[], 1)], CASE WHEN i % 3 = 0 THEN '备注：注意饮食禁忌' END
     FROM generate_series(1, $3) i`,
    [tenantId, memberIds, spec.visits],
  );
  // Tasks: 7 preparation, 7 reception, 6 follow-up; assignees spread over the members.
  await c.query(
    `INSERT INTO tasks (tenant_id, visit_id, phase, position, title, description, assignee_membership_id, assignee_role,
                        due_at, anchor, offset_minutes, status, completed_at)
     SELECT v.tenant_id, v.id, (ARRAY['PREPARATION','RECEPTION','FOLLOW_UP'])[1 + (p - 1) / 7]::task_phase, p,
            '第 ' || p || ' 步 Step ' || p || ' of the checklist', CASE WHEN p % 4 = 0 THEN '按接待方案执行' END,
            ($2::uuid[])[1 + (abs(hashtext(v.id::text || p)) % array_length($2::uuid[], 1))],
            (ARRAY['COORDINATOR','STAFF'])[1 + p % 2]::member_role,
            v.starts_at + (p - 10) * interval '2 hours', 'VISIT_START', (p - 10) * 120,
            (CASE WHEN p % 5 = 0 THEN 'DONE' WHEN p % 7 = 0 THEN 'IN_PROGRESS' ELSE 'TODO' END)::task_status,
            CASE WHEN p % 5 = 0 THEN v.starts_at END
     FROM visits v CROSS JOIN generate_series(1, $3) p
     WHERE v.tenant_id = $1`,
    [tenantId, memberIds, spec.tasksPerVisit],
  );
  if (spec.events) {
    // The event history the instantiation of these checklists would have written (one per task).
    await c.query(
      `INSERT INTO event_log (tenant_id, seq, topic, type, subject_id, actor_user_id, payload, created_at)
       SELECT t.tenant_id, row_number() OVER (ORDER BY t.visit_id, t.position), 'task', 'CREATED', t.visit_id, $2,
              jsonb_build_object('task', jsonb_build_object('id', t.id, 'title', t.title, 'status', t.status)), t.created_at
       FROM tasks t WHERE t.tenant_id = $1`,
      [tenantId, members[0]!.userId],
    );
    await c.query(`INSERT INTO tenant_event_counters (tenant_id, seq) SELECT $1, count(*) FROM event_log WHERE tenant_id = $1`, [tenantId]);
  }
  return { tenantId, members };
}

export async function recreateDatabase(): Promise<string> {
  await withClient(ADMIN_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DB_NAME}`);
  });
  const url = databaseUrl();
  await withPgSession(url, (s) => migrate(s));
  return url;
}

export async function seed(url: string): Promise<Fixture> {
  return withClient(url, async (c) => {
    const bench = await seedTenant(c, {
      kind: 'GOVERNMENT_OFFICE',
      slug: 'bench-gov',
      name: '基准市政府办公室 Bench City Government Office',
      users: SEED.users,
      visits: SEED.visits,
      tasksPerVisit: SEED.tasksPerVisit,
      events: true,
    });
    const others = [
      { kind: 'HOSPITAL', slug: 'bench-hospital', name: '基准市中医院 Bench Hospital' },
      { kind: 'HOTEL', slug: 'bench-hotel', name: '基准大酒店 Bench Hotel' },
    ].slice(0, SEED.otherTenants);
    for (const o of others) {
      await seedTenant(c, { ...o, users: 10, visits: SEED.otherVisits, tasksPerVisit: SEED.tasksPerVisit, events: true });
    }
    const visits = await c.query<{ id: string }>(`SELECT id FROM visits WHERE tenant_id = $1 ORDER BY starts_at`, [bench.tenantId]);
    // Probe visits (not among the 2,000): same shape, 2 and 200 tasks.
    const probeVisits: { tasks: number; id: string }[] = [];
    for (const tasks of [2, 200, 20]) {
      const v = await c.query<{ id: string }>(
        `INSERT INTO visits (tenant_id, title, purpose, starts_at, ends_at) VALUES ($1, $2, 'OTHER', now(), now() + interval '1 day') RETURNING id`,
        [bench.tenantId, `Probe visit with ${tasks} tasks`],
      );
      const id = v.rows[0]!.id;
      await c.query(
        `INSERT INTO tasks (tenant_id, visit_id, phase, position, title, assignee_membership_id)
         SELECT $1, $2, 'PREPARATION', p, 'Probe step ' || p, ($3::uuid[])[1 + p % array_length($3::uuid[], 1)] FROM generate_series(1, $4) p`,
        [bench.tenantId, id, bench.members.map((m) => m.membershipId), tasks],
      );
      probeVisits.push({ tasks, id });
    }
    const writerVisit = probeVisits.pop()!;
    const writerTasks = await c.query<{ id: string }>(`SELECT id FROM tasks WHERE visit_id = $1 ORDER BY position`, [writerVisit.id]);
    await c.query('VACUUM ANALYZE');
    const counts: Record<string, number> = {};
    for (const table of ['tenants', 'users', 'memberships', 'visits', 'tasks', 'event_log']) {
      const r = await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
      counts[table] = Number(r.rows[0]!.n);
    }
    const members: Member[] = [];
    for (const m of bench.members) members.push({ ...m, token: await signToken(m.userId, bench.tenantId) });
    return { tenantId: bench.tenantId, members, visitIds: visits.rows.map((r) => r.id), probeVisits, writerTaskIds: writerTasks.rows.map((r) => r.id), counts };
  });
}
