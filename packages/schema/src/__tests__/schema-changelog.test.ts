// The schema changelog (schemas/CHANGELOG.md) is regenerated whenever the printed SDL changes: its header names
// the SHA-256 of the printed SDL it is up to date with, and `pnpm schema:print` writes both. The generator finds
// additions, deprecations, changes and removals per kind.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSchemas } from '../build-schemas.ts';
import { CHANGELOG_PATH, changelogEntry, printedHash, recordedHash, renderChangelog } from '../schema-changelog.ts';

describe('schema changelog', () => {
  const printed = printSchemas();
  const changelog = readFileSync(CHANGELOG_PATH, 'utf8');

  it('is up to date with the schema the code builds (run `pnpm schema:print` after a schema change)', () => {
    expect(recordedHash(changelog), 'the printed SDL changed and schemas/CHANGELOG.md was not regenerated: run `pnpm schema:print`').toBe(printedHash(printed));
    // Nothing changed: regenerating adds no entry.
    expect(renderChangelog(changelog, printed, printed, 'never')).toBe(changelog);
  });

  it('lists what was added, deprecated, changed and removed, with the kinds each concerns', () => {
    const changed = Object.fromEntries(
      Object.entries(printed).map(([kind, sdl]) => {
        if (kind !== 'hotel') return [kind, sdl];
        return [
          kind,
          sdl
            .replace(/^( {2})viewer: User$/m, '$1viewer: User @deprecated(reason: "Use me.")\n$1me: User')
            .replace('  requireSeparateApprover: Boolean!\n  slug: String!', '  requireSeparateApprover: Boolean!\n  slug: String')
            .replace('  slug: String!\n  timeZone: String\n', '  slug: String!\n'),
        ];
      }),
    ) as typeof printed;
    const entry = changelogEntry(printed, changed).join('\n');
    expect(entry).toContain('### Added\n\n- field `Query.me`: `User` (hotel)');
    expect(entry).toContain('### Deprecated\n\n- field `Query.viewer`: Use me. (hotel)');
    expect(entry).toContain('- field `Tenant.slug`: `String!` → `String` (hotel)');
    expect(entry).toContain('- **breaking** FIELD_CHANGED_KIND: Tenant.slug changed type from String! to String. (hotel)');
    expect(entry).toContain('### Removed\n\n- field `CreateTenantInput.timeZone` (hotel)');
    const next = renderChangelog(changelog, printed, changed, '2099-01-01');
    expect(next.indexOf('## 2099-01-01')).toBeLessThan(next.indexOf('## 2026-12-03'));
    expect(recordedHash(next)).toBe(printedHash(changed));
  });
});
