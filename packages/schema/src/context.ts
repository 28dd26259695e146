// The one context of every GraphQL operation, over HTTP, SSE and WebSocket alike. The gateway builds
// it; `db` and `access` are filled in by the operation's transaction (see the gateway's
// tenant-transaction plugin), so resolvers and services always run inside it.
import type { Db, TenantKind } from '@jiedai/db';
import type { Access, Credential } from './shared/access.ts';
import type { PasswordHasher } from './modules/core/identity/password.ts';
import type { TokenService } from './modules/core/identity/token.service.ts';
import type { SignInGuard } from './modules/core/identity/sign-in-guard.ts';
import type { SurveyResponseGuard } from './modules/shared/feedback/respondent-guard.ts';
import type { NewEvent } from './modules/core/events/event.service.ts';

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
  feedback: FeedbackServices;
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
  /** Runs `fn` in a new transaction with this operation's scope (for subscription events). */
  withScope<T>(fn: (db: Db, access: Access) => Promise<T>): Promise<T>;
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
