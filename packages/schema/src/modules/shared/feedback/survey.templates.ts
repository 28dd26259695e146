// Survey templates: the feedback surveys every new tenant of a kind starts with, published and ready
// to send. The surveys themselves are the kinds' (modules/<kind>/…survey.ts, zh-Hans); here are the
// question helpers they are written with and the seeding at tenant creation. Admins edit them like
// any survey (editing starts version 2).
import type { ServiceDeps } from '../../../context.ts';
import { createSurvey, publishSurvey, type SurveyContentInput } from './survey.service.ts';

export const rating = (text: string, required = true) => ({ kind: 'RATING' as const, text, required });
export const nps = (text: string) => ({ kind: 'NPS' as const, text, required: true });
export const single = (text: string, options: string[], required = false) => ({
  kind: 'SINGLE_CHOICE' as const,
  text,
  required,
  options: options.map((label) => ({ label })),
});
export const multiple = (text: string, options: string[]) => ({
  kind: 'MULTIPLE_CHOICE' as const,
  text,
  required: false,
  options: options.map((label) => ({ label })),
});
export const text = (t: string) => ({ kind: 'TEXT' as const, text: t, required: false });

/** Creates and publishes the given surveys in the acting tenant (at tenant creation). */
export async function seedSurveyTemplates(deps: ServiceDeps, surveys: readonly SurveyContentInput[]) {
  const published = [];
  for (const content of surveys) {
    const survey = await createSurvey(deps, content);
    published.push(await publishSurvey(deps, { surveyId: survey.id, expectedVersion: survey.revision }));
  }
  return published;
}
