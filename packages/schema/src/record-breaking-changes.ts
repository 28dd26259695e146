// `pnpm schema:breaking`: rewrites packages/schema/schemas/BREAKING.md from the code (see schema-changes.ts),
// keeping the notes written under changes still there. Write a note under each new line afterwards.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { printSchemas } from './build-schemas.ts';
import { BREAKING_RECORD_PATH, breakingChanges, readRecord, renderRecord } from './schema-changes.ts';

const previous = existsSync(BREAKING_RECORD_PATH) ? readFileSync(BREAKING_RECORD_PATH, 'utf8') : '';
const changes = breakingChanges(printSchemas());
writeFileSync(BREAKING_RECORD_PATH, renderRecord(changes, previous));
const before = new Set(readRecord(previous).notes.keys());
const added = changes.filter((c) => !before.has(c.change));
console.log(`wrote schemas/BREAKING.md: ${changes.length} breaking change(s), ${added.length} new`);
for (const c of added) console.log(`  new (write a note under it): ${c.change}`);
