// The schema rule that lets tenants be distributed (docs/scaling.md, Citus): every tenant table can be
// distributed by tenant_id and co-located with the others. Checked on the migrated catalog:
//  - tenant_id is NOT NULL in every tenant table (a table with a tenant_id column, `tenants` aside);
//  - every foreign key between tenant tables leads with tenant_id on both sides (rows can only point at rows
//    of the same shard), and no global table points into a tenant table;
//  - every tenant table's primary key leads with tenant_id: (tenant_id, id), a join's (tenant_id, a_id, b_id)
//    (migration 0026; Prisma keeps `@id` on id, see prisma/schema.prisma), and no unique index repeats it;
//  - every unique key includes tenant_id — EXCEPT the keys listed below, as they are today. That list only
//    shrinks: a new key that breaks the rule fails here, and a listed one that has been migrated fails until it
//    is struck off (docs/scaling.md).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

/** Unique keys of tenant tables without tenant_id today ("table(columns)"; partial indexes with their predicate's table only). */
const LEGACY_UNIQUE_KEYS = [
  // Secrets looked up by their hash (the token also names its tenant: unique per tenant would do).
  'api_keys(secret_hash)',
  'complaint_intake_links(code_hash)',
  'evidence_files(upload_token_hash)',
  'survey_invitations(token_hash)',
  'tenant_invitations(token_hash)',
  // Unique within a parent row, which is itself in one tenant: (tenant_id, …) is the same rule.
  'assessment_criteria(template_id,position)',
  'assessment_scores(assessment_id,criterion_key)',
  'assessment_template_versions(template_id,number)',
  'checklist_template_items(template_id,position)',
  'complaint_escalations(complaint_id,deadline)',
  'dietary_restrictions(guest_id,category,restricted)',
  'green_channel_paperwork(case_id,kind)',
  'hotel_event_areas(event_id,hotel_area_id)',
  'hotel_event_plan_versions(event_id,number)',
  'hotel_event_team_members(event_id,membership_id)',
  'hotel_readiness_items(event_id,department,title)',
  'hotel_room_block_nights(block_id,night,room_type)',
  'lodging_rooms(lodging_id,number)',
  'service_point_round_checks(round_id,position)',
  'survey_answers(response_id,question_key)',
  'survey_campaigns(survey_id,month)',
  'survey_campaigns(survey_id,name)',
  'survey_invitations(campaign_id,discharged_patient_id)',
  'survey_versions(survey_id)',
  'survey_versions(survey_id,number)',
  'visit_guests(visit_id,principal_order)',
  'visit_hosts(visit_id,membership_id)',
  'visit_plan_versions(visit_id,number)',
  'webhook_deliveries(endpoint_id,event_seq)',
];

let su: pg.Client;
let tenantTables: string[];

beforeAll(async () => {
  su = new pg.Client({ connectionString: inject('databaseUrl') });
  await su.connect();
  const { rows } = await su.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND a.attname = 'tenant_id' AND NOT a.attisdropped
      ORDER BY 1`,
  );
  tenantTables = rows.map((r) => r.table);
});

afterAll(async () => {
  await su?.end();
});

/** Constraints of public tables with their columns in key order. */
async function constraints(types: string[]) {
  const { rows } = await su.query<{ table: string; name: string; type: string; columns: string[]; ref_table: string | null; ref_columns: string[] | null }>(
    `SELECT con.conrelid::regclass::text AS table, con.conname AS name, con.contype AS type,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.o) AS columns,
            con.confrelid::regclass::text AS ref_table,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.o) AS ref_columns
       FROM pg_constraint con
      WHERE con.connamespace = 'public'::regnamespace AND con.contype = ANY($1::"char"[])`,
    [types],
  );
  return rows.map((r) => ({ ...r, ref_table: r.type === 'f' ? r.ref_table : null }));
}

describe('tenant tables can be distributed by tenant_id (docs/scaling.md)', () => {
  it('finds the tenant tables (not vacuous)', () => {
    expect(tenantTables.length).toBeGreaterThan(80);
    expect(tenantTables).toEqual(expect.arrayContaining(['visits', 'tasks', 'event_log', 'survey_responses', 'complaints', 'hotel_events']));
  });

  it('tenant_id is NOT NULL in every tenant table', async () => {
    const { rows } = await su.query<{ table: string }>(
      `SELECT c.relname AS table FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace AND a.attname = 'tenant_id' AND NOT a.attnotnull`,
      [tenantTables],
    );
    expect(rows.map((r) => r.table)).toEqual([]);
  });

  it('every foreign key between tenant tables leads with tenant_id on both sides; no global table points into a tenant table', async () => {
    const fks = await constraints(['f']);
    const between = fks.filter((f) => tenantTables.includes(f.table) && tenantTables.includes(f.ref_table!));
    expect(between.length, 'not vacuous').toBeGreaterThan(100);
    const broken = between.filter((f) => f.columns[0] !== 'tenant_id' || f.ref_columns?.[0] !== 'tenant_id').map((f) => `${f.table}.${f.name}`);
    expect(broken).toEqual([]);
    // Global → tenant would need the tenant table replicated everywhere.
    const intoTenants = fks.filter((f) => !tenantTables.includes(f.table) && tenantTables.includes(f.ref_table!)).map((f) => `${f.table}.${f.name}`);
    expect(intoTenants).toEqual([]);
  });

  it("every tenant table's primary key leads with tenant_id", async () => {
    const pks = new Map((await constraints(['p'])).map((c) => [c.table, c.columns.join(',')]));
    const offending: Record<string, string> = {};
    for (const table of tenantTables) {
      const pk = pks.get(table);
      if (!pk || !/^tenant_id(,|$)/.test(pk)) offending[table] = pk ?? '(none)';
    }
    // A new tenant table here: give it PRIMARY KEY (tenant_id, id) (hotel_settings, tenant_event_counters: one row a tenant).
    expect(offending).toEqual({});
    expect(pks.get('tasks')).toBe('tenant_id,id');
    expect(pks.get('gift_recipients')).toBe('tenant_id,gift_id,guest_id');
  });

  it('no unique index of a tenant table repeats its primary key (the old UNIQUE (tenant_id, id) went with 0026)', async () => {
    const { rows } = await su.query<{ index: string }>(
      `SELECT x.indexrelid::regclass::text AS index FROM pg_index x JOIN pg_index p ON p.indrelid = x.indrelid AND p.indisprimary
        JOIN pg_class c ON c.oid = x.indrelid
        WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace AND x.indisunique AND NOT x.indisprimary
          AND x.indpred IS NULL AND x.indexprs IS NULL AND x.indkey::int2[] = p.indkey::int2[]`,
      [tenantTables],
    );
    expect(rows.map((r) => r.index)).toEqual([]);
  });

  it('every unique key of a tenant table includes tenant_id, but for the legacy list (which only shrinks)', async () => {
    const { rows } = await su.query<{ table: string; columns: string[] }>(
      `SELECT c.relname AS table,
              ARRAY(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
                      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.n ORDER BY k.o) AS columns
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
        WHERE c.relname = ANY($1) AND c.relnamespace = 'public'::regnamespace AND i.indisunique AND NOT i.indisprimary`,
      [tenantTables],
    );
    const offending = rows
      .filter((r) => !r.columns.includes('tenant_id'))
      .map((r) => `${r.table}(${r.columns.join(',')})`)
      .sort();
    expect(offending).toEqual([...LEGACY_UNIQUE_KEYS].sort());
  });
});
