// The hospital's monthly discharge follow-up (PATIENT_DATA): imports the records office's list and
// invites every patient not yet invited this month; answers like any campaign of the feedback module.
import { builder } from '../../builder.ts';
import { serviceDeps } from '../../context.ts';
import { atomically } from '../../shared/mutation.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, idempotentOnce, keyed } from '../../shared/idempotency.ts';
import { CampaignPayload, createErrors, withLinks } from '../shared/feedback/survey.mutations.ts';
import { SurveyRef } from '../shared/feedback/survey.ts';
import { createDischargeFollowUpCampaign } from './discharge-follow-up.service.ts';
import { HOSPITAL } from './service-point.ts';

const PatientInput = builder.inputType('DischargedPatientInput', {
  subGraphs: HOSPITAL,
  fields: (t) => ({
    medicalRecordNo: t.string({ required: true, description: '住院号' }),
    name: t.string({ required: true }),
    contact: t.string({ required: true, description: 'Postal address or phone for the letter.' }),
    department: t.string({ required: false }),
    dischargedOn: t.string({ required: true, description: 'YYYY-MM-DD' }),
  }),
});
const DischargeInput = builder.inputType('DischargeFollowUpInput', {
  subGraphs: HOSPITAL,
  fields: (t) => ({
    surveyId: t.globalID({ required: true, for: [SurveyRef] }),
    month: t.string({ required: true, description: 'The month of discharge, YYYY-MM: one campaign per month, importing again adds who is missing.' }),
    patients: t.field({ type: [PatientInput], required: false }),
    csv: t.string({
      required: false,
      description: 'The records office\'s list as CSV with a header row: 住院号, 姓名, 联系方式, 科室 (optional), 出院日期 (YYYY-MM-DD); English names medical_record_no, name, contact, department, discharged_on also work.',
    }),
    expiresInDays: t.int({ required: false }),
  }),
});

builder.mutationFields((t) => ({
  createDischargeFollowUpCampaign: t.field({
    type: CampaignPayload,
    subGraphs: HOSPITAL,
    authScopes: { role: 'PATIENT_DATA' },
    description:
      "The month's discharged-patient follow-up (以信函形式进行回访出院病人): imports the records office's list (API or CSV) and invites every patient not yet invited this month.",
    args: { input: t.arg({ type: DischargeInput, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: createErrors('CreateDischargeFollowUpCampaignResult'),
    resolve: async (_root, { input, idempotencyKey }, ctx) => {
      const { campaign, issued, patients } = await atomically(ctx, () =>
        idempotentOnce(
          serviceDeps(ctx),
          idempotencyKey,
          keyed('createDischargeFollowUpCampaign', input),
          () =>
            createDischargeFollowUpCampaign(serviceDeps(ctx), {
              surveyId: input.surveyId.id,
              month: input.month,
              patients: input.patients,
              csv: input.csv,
              expiresInDays: input.expiresInDays,
            }),
          (r) => r.campaign.id,
          'SurveyCampaign',
        ),
      );
      return { campaignId: campaign.id, issued: withLinks(ctx, issued), patients };
    },
  }),
}));
