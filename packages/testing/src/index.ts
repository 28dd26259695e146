export { startTestApp, authHeaders, TEST_JWT, type TestApp, type GqlResponse, type GqlOptions } from './app.ts';
export {
  createPlatformAdmin,
  createTenant,
  invite,
  acceptInvitation,
  acceptInvitationByToken,
  invitationTokenFromMail,
  signIn,
  unique,
  rawId,
  globalId,
  PASSWORD,
  type TestTenant,
  type Kind,
} from './factories.ts';
export { createScratchDatabase, createMigratedDatabase, adminUrl, databaseUrl, ownerQuery } from './database.ts';
export { wsFeed, sseFeed, waitFor, sleep, type Feed, type FeedRequest, type SseFeed } from './feeds.ts';
export { freePort } from './net.ts';
export { withTenantTransaction, type TenantTransactionDeps, type TenantTransactionOptions } from './tenant-transaction.ts';
export { testJobRunners, type TestJobRunners } from './jobs.ts';
// The gateway's filesystem evidence store, for job tests that hand a runner the store a test app writes to.
export { filesystemStore } from '@jiedai/gateway';
export { startMailSink, type MailSink, type ReceivedMail } from './mail-sink.ts';
