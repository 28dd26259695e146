export { buildSchemas, printSchemas, SUB_GRAPH_OF_KIND, type Schemas } from './build-schemas.ts';
export { SUB_GRAPHS, TENANT_GRAPHS, isInputValidationError, type SubGraph } from './builder.ts';
export type { MailChannel, MailMessage } from './shared/mail.ts';
export type { Context, AppServices, EventBus, Logger, ServiceDeps, FeedbackServices, OperationState, OperationCost } from './context.ts';
export { accessQuery, accessFrom, touchApiKey, anonymousAccess, AccessDenied, hasRole, type Access, type Credential } from './shared/access.ts';
export { createPasswordHasher, type PasswordHasher } from './modules/core/identity/password.ts';
export { createTokenService, type TokenService, type TokenConfig } from './modules/core/identity/token.service.ts';
export { createSignInGuard, type SignInGuard } from './modules/core/identity/sign-in-guard.ts';
export { parseApiKey, API_KEY_PREFIX } from './modules/core/identity/api-key.service.ts';
export { parseSurveyToken, SURVEY_RESPONDENT_FIELDS } from './modules/shared/feedback/survey-token.ts';
export {
  createPublicLinkGuard,
  publicLinkKindOf,
  type PublicLinkGuard,
  type PublicLinkKind,
} from './shared/public-links.ts';
export { createSurveyResponseGuard, type SurveyResponseGuard } from './modules/shared/feedback/respondent-guard.ts';
export { seedDemo, bootstrapPlatformAdmin, DEMO_PASSWORD, PLATFORM_ADMIN_EMAIL } from './seed/demo.ts';
export {
  allJobs,
  registerJobs,
  systemAccess,
  type JobContext,
  type WebhookAttemptReport,
  type JobDefinition,
  type CronDefinition,
  type JobsContribution,
  type JobTenant,
} from './shared/jobs.ts';
export { appendEvents, eventsAfter, tenantEventsTopic, sessionsTopic, type DomainEvent, type NewEvent } from './modules/core/events/event.service.ts';
export { createEventFeeds, type EventFeeds, type EventLogSource, type FeedAttachment } from './modules/core/events/event-feed.ts';
export { chooseLanguage, negotiateLanguage, languageOf, SHARED_ERROR_MESSAGES, LANGUAGES, type Language } from './shared/i18n.ts';
export { requestLanguage } from './context.ts';
export { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from './modules/core/webhooks/webhook.guard.ts';
export { webhooksTopic } from './modules/core/webhooks/webhook.service.ts';
export { DISPATCH_JOB as WEBHOOK_DISPATCH_JOB, dispatchJobKey as webhookDispatchJobKey } from './modules/core/webhooks/webhook.jobs.ts';
export {
  EVIDENCE_CLEANUP_JOB,
  DEFAULT_UNATTACHED_HOURS,
  type EvidenceCleanupSettings,
  type CleanupCounts as EvidenceCleanupCounts,
} from './modules/shared/evidence/evidence.jobs.ts';
export { CORS_ORIGINS_TOPIC, normalizeOrigin } from './modules/core/cors/cors-origin.service.ts';
export { documentHash, PERSISTED_OPERATIONS_TOPIC } from './modules/core/persisted-operations/persisted-operation.service.ts';
export {
  claimEvidenceUpload,
  completeEvidenceUpload,
  rejectEvidenceUpload,
  storedEvidenceFile,
  parseUploadToken,
  EVIDENCE_CONTENT_TYPES,
  DEFAULT_EVIDENCE_SETTINGS,
  type EvidenceSettings,
  type UploadClaim,
} from './modules/shared/evidence/evidence.service.ts';
export {
  createFileLinkService,
  FILE_LINK_AUDIENCE,
  FILE_LINK_MAX_SECONDS,
  type FileLinkService,
  type FileLinkClaims,
} from './modules/shared/evidence/evidence.links.ts';
