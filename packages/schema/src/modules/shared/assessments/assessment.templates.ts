// Assessment templates: what each kind of tenant starts with, published. The post-visit review (总结:
// find the shortcomings and improve) is every kind's, so it is here, beside the review started when a
// visit is completed; the kinds' own templates (a hospital's service-standard check, a hotel's
// readiness inspection and drill review) are in modules/<kind>/, written with the helpers below.
import type { ServiceDeps } from '../../../context.ts';
import { createAssessmentTemplate, publishAssessmentTemplate, type AssessmentTemplateInput } from './assessment.service.ts';

type C = AssessmentTemplateInput['criteria'][number];
export const points = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'POINTS', scaleMin: 0, scaleMax: 5, guidance });
export const passFail = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'PASS_FAIL', guidance });
export const percent = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'PERCENTAGE', guidance });

export const POST_VISIT_REVIEW: AssessmentTemplateInput = {
  name: '接待工作总结评估',
  kind: 'POST_VISIT_REVIEW',
  subjectType: 'VISIT',
  description: '接待完毕后的总结：找出不足，加以改进。',
  criteria: [
    points('计划周密（行程、食宿、车辆逐项计划并经领导批准）', 3),
    points('准时（提前15分钟迎候，各环节按时衔接）', 2),
    points('就餐安排与饮食禁忌照顾', 2, '宗教、地方、职业、个人禁忌；午餐不饮酒'),
    points('礼仪规范（迎送、座次、介绍）', 2, '尚左尊东、朝门为主；与客人身份相当的人员迎接'),
    passFail('善后工作（致电询问平安、检查遗漏物品、照片寄送）', 1),
    percent('预算执行（实际与预算相符的程度）', 1),
  ],
};

/** Creates and publishes the given assessment templates in the acting tenant (at tenant creation). */
export async function seedAssessmentTemplates(deps: ServiceDeps, templates: readonly AssessmentTemplateInput[]) {
  for (const input of templates) {
    const template = await createAssessmentTemplate(deps, input);
    await publishAssessmentTemplate(deps, template.id);
  }
}
