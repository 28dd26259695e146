// 0012_four_eyes_approval.sql: tenants that exist before it get four-eyes approval from their kind (on for
// government offices, off for hospitals and hotels); tenants created afterwards get the column's default.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../../testing/src/database.ts';
import { defaultMigrationsDir, migrate } from '../migrate.ts';
import { withPgClient, withPgSession } from '../sessions.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('0012_four_eyes_approval', () => {
  it('sets require_separate_approver on existing tenants from their kind', async () => {
    const db = await createScratchDatabase('jiedai_test_four_eyes');
    cleanups.push(db.drop);
    const before = await mkdtemp(path.join(tmpdir(), 'jiedai-migrations-'));
    cleanups.push(() => rm(before, { recursive: true, force: true }));
    await cp(defaultMigrationsDir, before, { recursive: true, filter: (src) => !/(^|\/)(001[2-9]|00[2-9]\d)_[^/]*\.sql$/.test(src) });

    const first = await withPgSession(db.url, (s) => migrate(s, { dir: before }));
    expect(first.applied.at(-1)).toBe('0011_tasks_per_visit.sql');
    await withPgClient(db.url, (c) =>
      c.query(
        `INSERT INTO tenants (kind, name, slug) VALUES ('GOVERNMENT_OFFICE', 'Gov', 'old-gov'), ('HOSPITAL', 'Hosp', 'old-hosp'), ('HOTEL', 'Hotel', 'old-hotel')`,
      ),
    );

    const second = await withPgSession(db.url, (s) => migrate(s));
    expect(second.applied).toContain('0012_four_eyes_approval.sql');
    const rows = await withPgClient(db.url, async (c) => {
      await c.query(`INSERT INTO tenants (kind, name, slug) VALUES ('GOVERNMENT_OFFICE', 'New', 'new-gov')`);
      return (await c.query<{ slug: string; on: boolean }>(`SELECT slug, require_separate_approver AS on FROM tenants ORDER BY slug`)).rows;
    });
    expect(rows).toEqual([
      // Created after the migration without naming the column: the default (the API sets it from the kind).
      { slug: 'new-gov', on: false },
      { slug: 'old-gov', on: true },
      { slug: 'old-hosp', on: false },
      { slug: 'old-hotel', on: false },
    ]);
  });
});
