// The hospital's demo invitations: its records office (病案室) member, holding PATIENT_DATA, imports
// last month's discharged patients for the monthly follow-up letters (以信函形式进行回访出院病人).
import { setScope } from '@jiedai/db';
import type { KindDemo } from '../../shared/kind-module.ts';
import { provisionMember } from '../core/identity/user.service.ts';
import { createDischargeFollowUpCampaign } from './discharge-follow-up.service.ts';
import { ensureRoundsForDay, tenantToday } from './service-point-round.service.ts';
import { setPeakPlan } from './peak-window.service.ts';
import { ensureStandardAssessments, setDepartmentStandard } from './department-standard.service.ts';
import { createAssessmentTemplate, publishAssessmentTemplate } from '../shared/assessments/assessment.service.ts';
import { passFail, points } from '../shared/assessments/assessment.templates.ts';

export const RECORDS_OFFICE_EMAIL = 'records@hospital.demo.jiedai';

/** Last month, as YYYY-MM, and a day of it as YYYY-MM-DD. */
function lastMonth(): { month: string; day: (d: number) => string } {
  const now = new Date();
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = first.toISOString().slice(0, 7);
  return { month, day: (d) => `${month}-${String(d).padStart(2, '0')}` };
}

export const inviteDischargedPatients: NonNullable<KindDemo['inviteRespondents']> = async (deps, options) => {
  const tenantId = deps.access.tenantId!;
  const clerk = await provisionMember(deps, {
    email: RECORDS_OFFICE_EMAIL,
    displayName: 'hospital records 病案室',
    password: options.password,
    roles: ['STAFF', 'PATIENT_DATA'],
    departmentId: options.departmentId,
  });
  // Discharged patients exist only for PATIENT_DATA holders (RLS): act as the records office.
  await setScope(deps.db, { tenantId, userId: clerk.userId });
  const { month, day } = lastMonth();
  const { issued } = await createDischargeFollowUpCampaign(
    { ...deps, access: { ...deps.access, userId: clerk.userId, roles: ['STAFF', 'PATIENT_DATA'], isPlatformAdmin: false } },
    {
      surveyId: options.surveyId,
      month,
      patients: [
        {
          medicalRecordNo: `ZY${month.replace('-', '')}0001`,
          name: '张晓明',
          contact: '示范市健康路1号3单元201室',
          department: '心内科',
          dischargedOn: day(3),
        },
        { medicalRecordNo: `ZY${month.replace('-', '')}0002`, name: '李春华', contact: '13800000001', department: '骨科', dischargedOn: day(11) },
        { medicalRecordNo: `ZY${month.replace('-', '')}0003`, name: '王建军', contact: '示范市长江路88号', department: '消化内科', dischargedOn: day(24) },
      ],
    },
  );
  return issued;
};

/**
 * The demo hospital's own data: its service points' rounds of today (the schedule makes the next days'), the
 * cashier window's peak plan (three windows needed 08:00–11:00), and the demo department's own service
 * standard, assessed monthly, with this month's assessment and task.
 */
export const seedHospitalExtras: NonNullable<KindDemo['seedExtras']> = async (deps, context) => {
  const today = await tenantToday(deps, new Date());
  await ensureRoundsForDay(deps, { date: today });
  const cashier = await deps.db.servicePoint.findFirst({ where: { kind: 'CASHIER_WINDOW', isPeakOnly: false }, select: { id: true } });
  if (cashier) {
    const load = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 11 ? 150 : h >= 7 && h < 17 ? 60 : 0));
    await setPeakPlan(deps, { servicePointId: cashier.id, patientsPerWindowHour: 50, expectedLoad: load });
  }
  const template = await createAssessmentTemplate(deps, {
    name: '门诊部服务标准',
    kind: 'SERVICE_STANDARD',
    subjectType: 'DEPARTMENT',
    description: '门诊部自定的服务标准，每月考核。',
    criteria: [points('首问负责，主动引导', 3), points('候诊秩序与等候时间', 2), passFail('一卡通与收费窗口高峰时段增开', 2), points('环境整洁、噪音控制', 1)],
  });
  await publishAssessmentTemplate(deps, template.id);
  await setDepartmentStandard(deps, { departmentId: context.departmentId, templateId: template.id, cadence: 'MONTHLY' });
  await ensureStandardAssessments(deps, { date: today });
};
