// The one context of every GraphQL operation, over HTTP, SSE and WebSocket alike. The gateway builds
// it; `db` and `access` are filled in by the operation's transaction (see the gateway's
// tenant-transaction plugin), so resolvers and services always run inside it.
import type { MailChannel } from './shared/mail.ts';
import type { Db, TenantKind } from '@jiedai/db';
import type { Access, Credential } from './shared/access.ts';
import type { PasswordHasher } from './modules/core/identity/password.ts';
import type { TokenService } from './modules/core/identity/token.service.ts';
import type { InvitationSettings } from './modules/core/identity/invitation.service.ts';
import type { SignInGuard } from './modules/core/identity/sign-in-guard.ts';
import type { SurveyResponseGuard } from './modules/shared/feedback/respondent-guard.ts';
import type { NewEvent } from './modules/core/events/event.service.ts';
import type { EventFeeds } from './modules/core/events/event-feed.ts';
import type { PublicLinkGuard } from './shared/public-links.ts';
import { chooseLanguage, type Language } from './shared/i18n.ts';
import type { WebhookSettings } from './modules/core/webhooks/webhook.guard.ts';
import type { EvidenceSettings } from './modules/shared/evidence/evidence.service.ts';
import type { FileLinkService } from './modules/shared/evidence/evidence.links.ts';

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface EventBus {
  publish(topic: string, payload: unknown): void;
  subscribe(topic: string): AsyncIterable<unknown>;
}

export interface AppServices {
  tokens: TokenService;
  passwords: PasswordHasher;
  signInGuard: SignInGuard;
  events: EventBus;
  /** The tenants' event feeds of this process, shared by every subscription (core/events/event-feed.ts). */
  eventFeeds: EventFeeds;
  feedback: FeedbackServices;
  /** E-mail to people (reset links, invitations): a logging channel unless SMTP is configured. */
  mail: MailChannel;
  accountLinks?: { resetLinkBase?: string | undefined };
  /** Invitation links: where they point (INVITATION_LINK_BASE_URL; else the gateway's own /i/ page) and how long they work. */
  invitations?: InvitationSettings | undefined;
  /** Rate limits of submissions through public links (a service point's complaint code …), per link and per address. */
  publicLinks: PublicLinkGuard;
  /** Webhook targets allowed and delivery limits (WEBHOOKS_*); strict defaults (https only, no private targets) when absent. */
  webhooks?: WebhookSettings;
  /** Evidence uploads: size limit, how long an upload token works, the public base of file URLs (EVIDENCE_*, FILES_BASE_URL). */
  evidence?: EvidenceSettings | undefined;
  /** Signs and verifies the short-lived links of stored files (`EvidenceFile.url`), with the gateway's secret. */
  fileLinks: FileLinkService;
}

export interface FeedbackServices {
  /** Rate limits of survey submissions, per token and per client address. */
  responseGuard: SurveyResponseGuard;
  /** Respondent links are this followed by the token (SURVEY_LINK_BASE_URL); none when unset. */
  linkBase?: string | undefined;
}

export interface Context {
  requestId: string;
  log: Logger;
  clientAddress: string;
  /** The origin (scheme://host) the request came to, when known: links to the gateway's own pages fall back to it. */
  origin?: string | undefined;
  /** The request's Accept-Language header (the WebSocket's upgrade request for graphql-ws), if any. */
  acceptLanguage?: string | null | undefined;
  credential: Credential;
  tenantKind: TenantKind | null;
  services: AppServices;
  /** The operation's transaction (tenant already set). */
  db: Db;
  /** Who acts, verified in that transaction. */
  access: Access;
  /** Queues an event to publish once the operation's transaction has committed. */
  publishAfterCommit(topic: string, payload: unknown): void;
  /** Events queued by this operation, published after commit (dropped on rollback). */
  pendingEvents: { topic: string; payload: unknown }[];
  /** Domain events of this operation, appended to the tenant's event log just before commit. */
  eventQueue: NewEvent[];
  /** The state of the operation's transaction, made per operation by the transaction that runs it (the
   * gateway's tenant-transaction plugin); none outside one. */
  operation?: OperationState | undefined;
  /** Bytes queued for this client and not yet sent (WebSocket only): slow consumers are cut off. */
  backlogBytes?: (() => number) | undefined;
  /** The operation's cost and what is left of the caller's budget (set by the gateway before execution). */
  cost?: OperationCost | undefined;
  /** Runs `fn` in a new transaction with this operation's scope (for subscription events). */
  withScope<T>(fn: (db: Db, access: Access) => Promise<T>): Promise<T>;
}

/** An operation's cost (the gateway's query-cost plugin) and the caller's budget after it was taken. */
export interface OperationCost {
  requestedQueryCost: number;
  /** The tightest of the caller's budgets (tenant, API key); null for callers without one (anonymous). */
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null;
}

/** The state of one operation's transaction, owned by whoever opened that transaction. */
export interface OperationState {
  /** True once, for the operation's first atomic step when the operation is one mutation field: that step
   * needs no savepoint (its failure rolls back the whole transaction); every other step takes false. */
  takeSole(): boolean;
  /** The operation's work failed without an error in the result (a typed error of a sole mutation): its
   * transaction must be rolled back. */
  markRollbackOnly(): void;
  readonly rollbackOnly: boolean;
}

/** What services get: the transaction, the actor, and the request id for the audit log. */
export interface ServiceDeps {
  db: Db;
  access: Access;
  requestId: string;
  publishAfterCommit?: (topic: string, payload: unknown) => void;
  /** Inside an operation: queues an event to append just before commit (see appendEvent). */
  queueEvent?: (event: NewEvent) => void;
}

export function serviceDeps(ctx: Context): ServiceDeps {
  return {
    db: ctx.db,
    access: ctx.access,
    requestId: ctx.requestId,
    publishAfterCommit: ctx.publishAfterCommit,
    queueEvent: (event) => ctx.eventQueue.push(event),
  };
}

/** The language of this operation's messages (shared/i18n.ts): the person's preference, Accept-Language, the tenant's default, English. */
export function requestLanguage(ctx: Pick<Context, 'access' | 'acceptLanguage'>): Language {
  return chooseLanguage({ preferred: ctx.access.preferredLanguage, acceptLanguage: ctx.acceptLanguage, tenantDefault: ctx.access.tenantLanguage });
}
