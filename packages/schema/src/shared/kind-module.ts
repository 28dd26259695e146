// A tenant kind (government office, hospital, hotel) as a module: one definition object per kind
// folder (modules/<kind>/index.ts) says which schema its tenants get, what a new tenant of the kind
// starts with, and its demo data. The composition root (modules/index.ts) registers the list of
// kinds; tenant creation, the demo seed and the schema-per-kind choice read it from here, so core
// and shared modules never import a kind module.
import type { TenantKind } from '@jiedai/db';
import type { ServiceDeps } from '../context.ts';
import type { SubGraph } from '../builder.ts';
import type { ChecklistTemplateInput } from '../modules/shared/tasks/task.service.ts';
import type { SurveyContentInput } from '../modules/shared/feedback/survey.service.ts';
import type { AssessmentTemplateInput } from '../modules/shared/assessments/assessment.service.ts';
import type { IssuedInvitation } from '../modules/shared/feedback/survey-invitation.service.ts';
import type { PasswordHasher } from '../modules/core/identity/password.ts';
import type { JobsContribution } from './jobs.ts';

/** What the demo seed needs of a kind: its demo tenant, its demo visit, and the kind's own extras. */
export interface KindDemo {
  tenant: { slug: string; name: string; domain: string; department: string };
  visit: { title: string; purpose: 'WORK_INSPECTION' | 'CONFERENCE' | 'LEADER_VISIT'; organization: string; level: string };
  /** Before the host is added to the demo visit (e.g. the government office gives the host a rank). */
  prepareHost?(deps: ServiceDeps, host: { membershipId: string }): Promise<void>;
  /** The demo campaign of the kind's survey, to people named in it (default: 上月来访宾客回访, OTHER). */
  campaign?: { name: string; respondentKind: 'VISIT_GUEST' | 'HOTEL_GUEST' | 'OTHER' };
  /** Instead of that campaign: the kind's own way of inviting (the hospital's discharge follow-up). */
  inviteRespondents?(
    deps: ServiceDeps & { passwords: PasswordHasher },
    options: { surveyId: string; departmentId: string; password: string },
  ): Promise<IssuedInvitation[]>;
  /** The kind's own demo data, once the demo visit exists (the government office's protocol, the hospital's complaints and rounds, the hotel's event). */
  seedExtras?(deps: ServiceDeps, context: { visitId: string; departmentId: string }): Promise<void>;
}

export interface KindModule {
  kind: TenantKind;
  /** The schema served to this kind's tenants. */
  subGraph: SubGraph;
  /** Seeds the kind's own organization structure in the acting (new) tenant. */
  seed(deps: ServiceDeps): Promise<void>;
  /** Checklists, survey and assessment templates a new tenant of the kind starts with (seeded by the shared modules). */
  checklistTemplates: readonly ChecklistTemplateInput[];
  surveyTemplates: readonly SurveyContentInput[];
  assessmentTemplates: readonly AssessmentTemplateInput[];
  demo: KindDemo;
  /** The kind's background jobs and scheduled work (shared/jobs.ts), run by the gateway's job runner. */
  jobs?: JobsContribution;
}

const registered = new Map<TenantKind, KindModule>();

/** Called by the composition root with every kind the application serves. */
export function registerKinds(kinds: readonly KindModule[]): void {
  for (const kind of kinds) {
    const other = registered.get(kind.kind);
    if (other && other !== kind) throw new Error(`Tenant kind ${kind.kind} is registered twice`);
    registered.set(kind.kind, kind);
  }
}

/** The definition of a registered kind; an unregistered kind is a wiring mistake. */
export function kindModule(kind: TenantKind): KindModule {
  const found = registered.get(kind);
  if (!found) throw new Error(`Tenant kind ${kind} is not registered (see modules/index.ts)`);
  return found;
}

export function kindModules(): KindModule[] {
  return [...registered.values()];
}
