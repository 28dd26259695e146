// `pnpm schema:print`: writes the printed SDL of every schema to packages/schema/schemas/*.graphql, and first
// puts what changed since the SDL last printed at the top of schemas/CHANGELOG.md (schema-changelog.ts).
// `SCHEMA_CHANGELOG_TITLE` names the entry (default: today's date, UTC).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemas } from './build-schemas.ts';
import { CHANGELOG_PATH, renderChangelog, type Printed } from './schema-changelog.ts';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
const printed = printSchemas();
const before: Printed = {};
for (const name of Object.keys(printed) as (keyof typeof printed)[]) {
  const path = `${dir}${name}.graphql`;
  if (existsSync(path)) before[name] = readFileSync(path, 'utf8');
}
const previous = existsSync(CHANGELOG_PATH) ? readFileSync(CHANGELOG_PATH, 'utf8') : '';
const title = process.env.SCHEMA_CHANGELOG_TITLE ?? new Date().toISOString().slice(0, 10);
const changelog = renderChangelog(previous, before, printed, title);
if (changelog !== previous) {
  writeFileSync(CHANGELOG_PATH, changelog);
  console.log('wrote schemas/CHANGELOG.md');
}
for (const [name, sdl] of Object.entries(printed)) {
  writeFileSync(`${dir}${name}.graphql`, sdl);
  console.log(`wrote schemas/${name}.graphql`);
}
