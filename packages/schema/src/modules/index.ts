// The composition root: loads every module for its side effects (type registrations) and registers
// the tenant kinds. A new module adds its lines here; a new kind, its definition to KINDS.
import { registerKinds, type KindModule } from '../shared/kind-module.ts';
import '../shared/graphql-errors.ts';
import './core/identity/user.ts';
import './core/identity/user.mutations.ts';
import './core/identity/invitation.mutations.ts';
import './core/identity/account.mutations.ts';
import './core/identity/api-key.ts';
import './core/identity/api-key.mutations.ts';
import './core/tenancy/tenant.ts';
import './core/tenancy/tenant.mutations.ts';
import './core/tenancy/department.ts';
import './core/tenancy/department.mutations.ts';
import './core/audit/audit.ts';
import './core/languages/language.ts';
import './core/languages/language.mutations.ts';
import './core/webhooks/webhook.ts';
import './core/webhooks/webhook.mutations.ts';
import { webhookJobs } from './core/webhooks/webhook.jobs.ts';
import { evidenceJobs } from './shared/evidence/evidence.jobs.ts';
import { registerJobs } from '../shared/jobs.ts';
import './core/limits/rate-limit.ts';
import './core/cors/cors-origin.ts';
import './core/cors/cors-origin.mutations.ts';
import './core/persisted-operations/persisted-operation.ts';
import './core/persisted-operations/persisted-operation.mutations.ts';
import { definePlanIssueCodes } from './shared/visits/visit.ts';
import './shared/visits/visit.mutations.ts';
import './shared/visits/visit.subscriptions.ts';
import './shared/tasks/task.ts';
import './shared/tasks/task.mutations.ts';
import './shared/tasks/task.subscriptions.ts';
import './shared/feedback/survey.ts';
import './shared/feedback/survey.mutations.ts';
import './shared/feedback/survey-respondent.ts';
import './shared/assessments/assessment.ts';
import './shared/assessments/assessment.mutations.ts';
import './shared/evidence/evidence.ts';
import './shared/evidence/evidence.mutations.ts';
import { governmentKind } from './government/index.ts';
import { hospitalKind } from './hospital/index.ts';
import { hotelKind } from './hotel/index.ts';

/** Every tenant kind served, each a module with one definition (see shared/kind-module.ts). */
export const KINDS: readonly KindModule[] = [governmentKind, hospitalKind, hotelKind];
registerKinds(KINDS);
// Webhook delivery (core: every kind's tenants): dispatch from the event log, delivery, the sweep.
registerJobs(webhookJobs);
// Evidence files that never became evidence: cleaned up hourly.
registerJobs(evidenceJobs);
// After every module has registered its visit hooks: the plan issue codes they report.
definePlanIssueCodes();
