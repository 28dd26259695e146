// `pnpm schema:print`: writes the printed SDL of every schema to packages/schema/schemas/*.graphql.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemas } from './build-schemas.ts';

const dir = fileURLToPath(new URL('../schemas/', import.meta.url));
for (const [name, sdl] of Object.entries(printSchemas())) {
  writeFileSync(`${dir}${name}.graphql`, sdl);
  console.log(`wrote schemas/${name}.graphql`);
}
