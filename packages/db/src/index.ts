// The generated client: PrismaClient, the Prisma namespace, every model type and enum.
export * from './generated/prisma/client.ts';
export { openDatabase, isPoolExhausted, isDatabaseUnavailable, APP_ROLE, type Database, type DatabaseConfig } from './database.ts';
export { inScope, setScope, scopedClient, type Db, type TenantScope } from './tenant-transaction.ts';
export { sqlLiteral, type IsolationLevel, type PreludeRow } from './transaction-prelude.ts';
export { migrate, readMigrations, defaultMigrationsDir, MigrationError, type SqlSession, type Migration } from './migrate.ts';
export { pgSession, pgliteSession, withPgClient, withPgSession } from './sessions.ts';
export { setStatementTracer, type StatementTracer } from './pooled-query.ts';
