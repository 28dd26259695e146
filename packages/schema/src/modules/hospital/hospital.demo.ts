// The hospital's demo invitations: its records office (病案室) member, holding PATIENT_DATA, imports
// last month's discharged patients for the monthly follow-up letters (以信函形式进行回访出院病人).
import { setScope } from '@jiedai/db';
import type { KindDemo } from '../../shared/kind-module.ts';
import { provisionMember } from '../core/identity/user.service.ts';
import { createDischargeFollowUpCampaign } from './discharge-follow-up.service.ts';

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
