// The hospital's monthly discharge follow-up (PATIENT_DATA): imports the records office's list and
// invites every patient not yet invited this month; answers like any campaign of the feedback module.
import { builder } from '../../builder.ts';
import { mutationField } from '../../shared/mutation.ts';
import { FeedbackError } from '../shared/feedback/feedback.errors.ts';
import { CampaignPayload, withLinks } from '../shared/feedback/survey.mutations.ts';
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

mutationField({
  name: 'createDischargeFollowUpCampaign',
  payload: CampaignPayload,
  subGraphs: HOSPITAL,
  authScopes: { role: 'PATIENT_DATA' },
  description:
    "The month's discharged-patient follow-up (以信函形式进行回访出院病人): imports the records office's list (API or CSV) and invites every patient not yet invited this month.",
  errors: [FeedbackError],
  input: (t) => ({
    surveyId: t.globalID({ required: true, for: [SurveyRef] }),
    month: t.string({ required: true, description: 'The month of discharge, YYYY-MM: one campaign per month, importing again adds who is missing.' }),
    patients: t.field({ type: [PatientInput], required: false }),
    csv: t.string({
      required: false,
      description:
        "The records office's list as CSV with a header row: 住院号, 姓名, 联系方式, 科室 (optional), 出院日期 (YYYY-MM-DD); English names medical_record_no, name, contact, department, discharged_on also work.",
    }),
    expiresInDays: t.int({ required: false }),
  }),
  idempotency: { once: { id: (p) => p.campaignId, typename: 'SurveyCampaign' } },
  run: async (deps, input, ctx) => {
    const { campaign, issued, patients } = await createDischargeFollowUpCampaign(deps, {
      surveyId: input.surveyId.id,
      month: input.month,
      patients: input.patients,
      csv: input.csv,
      expiresInDays: input.expiresInDays,
    });
    return { campaignId: campaign.id, issued: withLinks(ctx, issued), patients };
  },
});
