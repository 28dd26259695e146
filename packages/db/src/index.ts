export { PrismaClient, Prisma } from './generated/prisma/client.ts';
export * from './generated/prisma/enums.ts';
export type {
  Tenant,
  User,
  Membership,
  Department,
  ApiKey,
  AuditLogEntry,
  Rank,
  ServicePoint,
  HotelArea,
} from './generated/prisma/client.ts';
export { openDatabase, APP_ROLE, type Database, type DatabaseConfig } from './database.ts';
export { inScope, setScope, type Db, type TenantScope } from './tenant-transaction.ts';
export { migrate, readMigrations, defaultMigrationsDir, MigrationError, type SqlSession, type Migration } from './migrate.ts';
export { pgSession, pgliteSession, withPgSession } from './sessions.ts';
