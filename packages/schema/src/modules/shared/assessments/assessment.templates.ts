// The assessment templates of the source text that each kind of tenant starts with, published.
// Government office: the post-visit review (总结: find the shortcomings and improve). Hospital: the
// service-standard check of a service point (part 2). Hotel: the readiness inspection of an area and
// the emergency drill review (part 5: 有演练、考核, 查措施是否到位).
import type { TenantKind } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { createAssessmentTemplate, publishAssessmentTemplate, type AssessmentTemplateInput } from './assessment.service.ts';

type C = AssessmentTemplateInput['criteria'][number];
const points = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'POINTS', scaleMin: 0, scaleMax: 5, guidance });
const passFail = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'PASS_FAIL', guidance });
const percent = (title: string, weight: number, guidance?: string): C => ({ title, weight, scaleKind: 'PERCENTAGE', guidance });

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

export const HOSPITAL_SERVICE_STANDARD: AssessmentTemplateInput = {
  name: '服务环节标准检查',
  kind: 'SERVICE_STANDARD',
  subjectType: 'SERVICE_POINT',
  description: '按细化的服务环节逐项检查服务点。',
  criteria: [
    points('导医主动迎接、引导患者', 3),
    passFail('急诊绿色通道畅通（先抢救，后补办手续）', 3),
    points('候诊座椅与饮水供应', 1),
    points('噪音控制', 1),
    points('环境清洁', 1),
    passFail('健康教育宣传栏内容更新', 1),
  ],
};

export const HOTEL_AREA_READINESS: AssessmentTemplateInput = {
  name: '区域接待准备检查',
  kind: 'INSPECTION',
  subjectType: 'HOTEL_AREA',
  description: '会场、客房、餐厅、监控室等区域的准备情况检查。',
  criteria: [
    points('设施设备完好', 3),
    points('清洁卫生', 2),
    passFail('安全措施到位', 3),
    points('服务人员到岗与准备', 2),
  ],
};

export const HOTEL_DRILL_REVIEW: AssessmentTemplateInput = {
  name: '应急演练评估',
  kind: 'DRILL',
  subjectType: 'ORGANIZATION',
  description: '应急预案演练与考核：检查措施是否到位。',
  criteria: [
    passFail('预案覆盖主要风险', 2),
    points('响应速度', 3),
    points('各部门协同', 2),
    percent('人员到位率', 2),
    points('演练总结与整改', 1),
  ],
};

export const ASSESSMENTS_OF_KIND: Record<TenantKind, AssessmentTemplateInput[]> = {
  GOVERNMENT_OFFICE: [POST_VISIT_REVIEW],
  HOSPITAL: [POST_VISIT_REVIEW, HOSPITAL_SERVICE_STANDARD],
  HOTEL: [POST_VISIT_REVIEW, HOTEL_AREA_READINESS, HOTEL_DRILL_REVIEW],
};

export async function seedAssessmentTemplates(deps: ServiceDeps, kind: TenantKind) {
  for (const input of ASSESSMENTS_OF_KIND[kind]) {
    const template = await createAssessmentTemplate(deps, input);
    await publishAssessmentTemplate(deps, template.id);
  }
}
