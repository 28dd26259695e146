// Prisma 7 config. `prisma generate` needs no engine binary, but the CLI looks for the schema engine
// before it starts; pointing it at node keeps it offline (see ../shared/TOOLCHAIN.md). Migrations are
// plain SQL in prisma/migrations, applied by packages/db (its own runner, under an advisory lock), not Prisma Migrate.
import { defineConfig } from 'prisma/config';

process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

export default defineConfig({
  schema: 'prisma/schema.prisma',
});
