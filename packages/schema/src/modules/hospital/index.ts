// The hospital (医院) as a kind: its schema, its service points, the discharged-patient follow-up,
// what a new hospital starts with.
import type { KindModule } from '../../shared/kind-module.ts';
import { POST_VISIT_REVIEW } from '../shared/assessments/assessment.templates.ts';
import { HOSPITAL_DISCHARGE_FOLLOW_UP_SURVEY, HOSPITAL_SERVICE_CHECKLIST, HOSPITAL_SERVICE_STANDARD } from './hospital.templates.ts';
import { seedServicePoints } from './service-point.service.ts';
import { inviteDischargedPatients, seedHospitalExtras } from './hospital.demo.ts';
import { seedHospitalDemoExtras } from './complaint.demo.ts';
import './service-point.ts';
import './service-point.mutations.ts';
import './discharge-follow-up.ts';
import './discharge-follow-up.mutations.ts';
import './service-point-round.ts';
import './service-point-round.mutations.ts';
import './service-point-round.subscriptions.ts';
import './peak-window.ts';
import './peak-window.mutations.ts';
import './department-standard.ts';
import './department-standard.mutations.ts';
import { departmentStandardsCron, departmentStandardsJob } from './department-standard.jobs.ts';
import { seedRoundTemplates } from './service-point-round.service.ts';
import { dailyRoundsCron, dailyRoundsJob, missedRoundsCron, missedRoundsJob } from './service-point-round.jobs.ts';
import { complaintEscalationCron, complaintEscalationJob } from './complaint-escalation.jobs.ts';
import './complaint.ts';
import './complaint.mutations.ts';
import './complaint.subscriptions.ts';
import './complaint-intake.ts';
import './green-channel.ts';
import './green-channel.mutations.ts';
import './green-channel.subscriptions.ts';

export const hospitalKind: KindModule = {
  kind: 'HOSPITAL',
  subGraph: 'hospital',
  seed: async (deps) => {
    await seedServicePoints(deps);
    await seedRoundTemplates(deps);
  },
  checklistTemplates: [HOSPITAL_SERVICE_CHECKLIST],
  surveyTemplates: [HOSPITAL_DISCHARGE_FOLLOW_UP_SURVEY],
  assessmentTemplates: [POST_VISIT_REVIEW, HOSPITAL_SERVICE_STANDARD],
  demo: {
    tenant: { slug: 'demo-hospital', name: '示范市中医院 Demo City TCM Hospital', domain: 'hospital', department: '门诊部' },
    visit: { title: '省中医药管理局专家来院检查 Provincial TCM Bureau inspection', purpose: 'WORK_INSPECTION', organization: '省中医药管理局', level: '处级' },
    inviteRespondents: inviteDischargedPatients,
    // The daily routine's demo data first (rounds, peak plan, standard), then complaints and the green channel.
    seedExtras: async (deps, context) => {
      await seedHospitalExtras(deps, context);
      await seedHospitalDemoExtras(deps, context);
    },
  },
  jobs: {
    jobs: [dailyRoundsJob, missedRoundsJob, departmentStandardsJob, complaintEscalationJob],
    cron: [dailyRoundsCron, missedRoundsCron, departmentStandardsCron, complaintEscalationCron],
  },
};
