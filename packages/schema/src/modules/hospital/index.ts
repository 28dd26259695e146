// The hospital (医院) as a kind: its schema, its service points, the discharged-patient follow-up,
// what a new hospital starts with.
import type { KindModule } from '../../shared/kind-module.ts';
import { POST_VISIT_REVIEW } from '../shared/assessments/assessment.templates.ts';
import { HOSPITAL_DISCHARGE_FOLLOW_UP_SURVEY, HOSPITAL_SERVICE_CHECKLIST, HOSPITAL_SERVICE_STANDARD } from './hospital.templates.ts';
import { seedServicePoints } from './service-point.service.ts';
import { inviteDischargedPatients } from './hospital.demo.ts';
import './service-point.ts';
import './service-point.mutations.ts';
import './discharge-follow-up.ts';
import './discharge-follow-up.mutations.ts';

export const hospitalKind: KindModule = {
  kind: 'HOSPITAL',
  subGraph: 'hospital',
  seed: seedServicePoints,
  checklistTemplates: [HOSPITAL_SERVICE_CHECKLIST],
  surveyTemplates: [HOSPITAL_DISCHARGE_FOLLOW_UP_SURVEY],
  assessmentTemplates: [POST_VISIT_REVIEW, HOSPITAL_SERVICE_STANDARD],
  demo: {
    tenant: { slug: 'demo-hospital', name: '示范市中医院 Demo City TCM Hospital', domain: 'hospital', department: '门诊部' },
    visit: { title: '省中医药管理局专家来院检查 Provincial TCM Bureau inspection', purpose: 'WORK_INSPECTION', organization: '省中医药管理局', level: '处级' },
    inviteRespondents: inviteDischargedPatients,
  },
};
