// Assessment templates: what each kind of tenant starts with, published. The post-visit review (总结:
// find the shortcomings and improve) is every kind's, so it is here, beside the review started when a
// visit is completed; the kinds' own templates (a hospital's service-standard check, a hotel's
// readiness inspection and drill review) are in modules/<kind>/, written with the helpers below.
import type { ServiceDeps } from '../../../context.ts';
import { createAssessmentTemplate, publishAssessmentTemplate, type AssessmentTemplateInput } from './assessment.service.ts';
import { bilingual } from '../../../shared/template-texts.ts';

type C = AssessmentTemplateInput['criteria'][number];
export const points = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'POINTS', scaleMin: 0, scaleMax: 5, guidance });
export const passFail = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'PASS_FAIL', guidance });
export const percent = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'PERCENTAGE', guidance });

export const POST_VISIT_REVIEW: AssessmentTemplateInput = {
  name: bilingual('接待工作总结评估', 'Post-visit reception review'),
  kind: 'POST_VISIT_REVIEW',
  subjectType: 'VISIT',
  description: bilingual('接待完毕后的总结：找出不足，加以改进。', 'The review after a reception: find the shortcomings and improve.'),
  criteria: [
    points(
      bilingual(
        '计划周密（行程、食宿、车辆逐项计划并经领导批准）',
        'Thorough planning (itinerary, board and lodging, vehicles planned item by item and approved by the leadership)',
      ),
      3,
    ),
    points(bilingual('准时（提前15分钟迎候，各环节按时衔接）', 'Punctuality (waiting 15 minutes early, every step on time)'), 2),
    points(
      bilingual('就餐安排与饮食禁忌照顾', 'Meals and care for dietary restrictions'),
      2,
      bilingual('宗教、地方、职业、个人禁忌；午餐不饮酒', 'Religious, regional, occupational, personal restrictions; no alcohol at lunch'),
    ),
    points(
      bilingual('礼仪规范（迎送、座次、介绍）', 'Etiquette (greeting and farewell, seating, introductions)'),
      2,
      bilingual('尚左尊东、朝门为主；与客人身份相当的人员迎接', 'Left and east honoured, the host faces the door; greeted by someone of matching standing'),
    ),
    passFail(bilingual('善后工作（致电询问平安、检查遗漏物品、照片寄送）', 'Follow-up (safe-arrival call, check for items left behind, photos sent)'), 1),
    percent(bilingual('预算执行（实际与预算相符的程度）', 'Budget (how closely actual spending matched the budget)'), 1),
  ],
};

/** Creates and publishes the given assessment templates in the acting tenant (at tenant creation). */
export async function seedAssessmentTemplates(deps: ServiceDeps, templates: readonly AssessmentTemplateInput[]) {
  for (const input of templates) {
    const template = await createAssessmentTemplate(deps, input);
    await publishAssessmentTemplate(deps, template.id);
  }
}
