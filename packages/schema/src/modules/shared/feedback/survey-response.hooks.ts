// What other modules do when a respondent asks for their answer to be treated as a complaint (投诉),
// without the feedback module knowing them: e.g. the hospital opens a complaint from a discharged
// patient's follow-up. Hooks run inside the submission's transaction: a hook that fails fails the
// submission (and the link stays usable).
import type { ServiceDeps } from '../../../context.ts';

export interface SurveyComplaint {
  responseId: string;
  respondentKind: string;
  surveyTitle: string;
  /** Why the answer counts as negative (questions and scores; never the respondent's identity). */
  reasons: readonly string[];
}

export interface SurveyResponseHooks {
  onComplaint?(deps: ServiceDeps, complaint: SurveyComplaint): Promise<unknown>;
}

const registered: SurveyResponseHooks[] = [];

/** Registers a module's hooks; returns a function that removes them again. */
export function registerSurveyResponseHooks(hooks: SurveyResponseHooks): () => void {
  registered.push(hooks);
  return () => {
    const at = registered.indexOf(hooks);
    if (at >= 0) registered.splice(at, 1);
  };
}

export async function complaintSubmitted(deps: ServiceDeps, complaint: SurveyComplaint): Promise<void> {
  for (const hooks of [...registered]) await hooks.onComplaint?.(deps, complaint);
}
