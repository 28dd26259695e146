// Checklist templates: what every new tenant of a kind starts with. The templates themselves are the
// kinds' (modules/<kind>/…checklist.ts, zh-Hans, from the source text); here are the helpers they are
// written with and the seeding at tenant creation. Offsets are minutes from the anchor (negative:
// before it).
import type { ServiceDeps } from '../../../context.ts';
import { createChecklistTemplate, type ChecklistTemplateInput } from './task.service.ts';

export type ChecklistItem = ChecklistTemplateInput['items'][number];
type Item = ChecklistItem;
export const H = 60;
export const D = 24 * H;
export const prep = (title: string, anchor: Item['anchor'], offsetMinutes: number, defaultRole: Item['defaultRole'], extra: Partial<Item> = {}): Item => ({
  phase: 'PREPARATION',
  title,
  anchor,
  offsetMinutes,
  defaultRole,
  ...extra,
});
export const recv = (title: string, anchor: Item['anchor'], offsetMinutes: number, defaultRole: Item['defaultRole'], extra: Partial<Item> = {}): Item => ({
  phase: 'RECEPTION',
  title,
  anchor,
  offsetMinutes,
  defaultRole,
  ...extra,
});
export const after = (title: string, anchor: Item['anchor'], offsetMinutes: number, defaultRole: Item['defaultRole']): Item => ({
  phase: 'FOLLOW_UP',
  title,
  anchor,
  offsetMinutes,
  defaultRole,
});

/** Creates the given checklist templates in the acting tenant (at tenant creation). */
export async function seedChecklistTemplates(deps: ServiceDeps, checklists: readonly ChecklistTemplateInput[]) {
  const templates = [];
  for (const template of checklists) templates.push(await createChecklistTemplate(deps, template));
  return templates;
}
