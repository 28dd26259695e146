// Every breaking change of the API is written down once: the printed schemas are compared with the baseline
// (schemas/baseline/, the SDL before issue 11) by graphql-js's findBreakingChanges, and the list must equal the one
// recorded in schemas/BREAKING.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSchemas } from '../build-schemas.ts';
import { BREAKING_RECORD_PATH, breakingChanges, readRecord, recordLine, renderRecord } from '../schema-changes.ts';

const HOW = 'run `pnpm schema:breaking` (it rewrites packages/schema/schemas/BREAKING.md) and say under each new line what a client uses instead';

describe('breaking schema changes', () => {
  const changes = breakingChanges(printSchemas());
  const recorded = readRecord(readFileSync(BREAKING_RECORD_PATH, 'utf8'));

  it('every breaking change since the baseline is recorded once in schemas/BREAKING.md, and nothing else is', () => {
    const found = changes.map(recordLine);
    const unrecorded = found.filter((line) => !recorded.lines.includes(line));
    const stale = recorded.lines.filter((line) => !found.includes(line));
    expect(unrecorded, `breaking change(s) not recorded: ${HOW}`).toEqual([]);
    expect(stale, `recorded change(s) the schema no longer makes: ${HOW}`).toEqual([]);
    expect(new Set(recorded.lines).size, 'a change is recorded twice').toBe(recorded.lines.length);
  });

  it('the record detects a change (a field removed from the baseline is reported, with the kinds it affects)', () => {
    const printed = printSchemas();
    // Query.viewer renamed in the hotel schema only: the old name is gone.
    const withoutViewer = Object.fromEntries(
      Object.entries(printed).map(([kind, sdl]) => [kind, kind === 'hotel' ? sdl.replace(/^( {2})viewer: User$/m, '$1viewerRenamed: User') : sdl]),
    ) as typeof printed;
    const diff = breakingChanges(withoutViewer).filter((c) => !changes.some((d) => d.change === c.change));
    expect(diff).toEqual([{ change: 'FIELD_REMOVED: Query.viewer was removed.', kinds: ['hotel'] }]);
    // Regenerating keeps the notes already written.
    const text = renderRecord(diff, `- FIELD_REMOVED: Query.viewer was removed. (hotel)\n  Use me instead.\n`);
    expect(text).toContain('- FIELD_REMOVED: Query.viewer was removed. (hotel)\n  Use me instead.\n');
  });
});
