// The discharged patients of a hospital (PATIENT_DATA only, enforced by RLS below this code): their
// type, the month's list, and an invitation's patient.
import { GraphQLError } from 'graphql';
import { builder } from '../../builder.ts';
import { isoMonth } from '../../shared/dates.ts';
import '../shared/feedback/survey.ts';
import { HOSPITAL } from './service-point.ts';

export const DischargedPatientRef = builder.prismaNode('DischargedPatient', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: HOSPITAL,
  // Declared here and enforced below: without PATIENT_DATA, RLS hides every row.
  authScopes: { role: 'PATIENT_DATA' },
  description: "A discharged patient from the records office's list: personal health data, for PATIENT_DATA holders only.",
  fields: (t) => ({
    medicalRecordNo: t.exposeString('medicalRecordNo', { description: '住院号' }),
    name: t.exposeString('name'),
    contact: t.exposeString('contact', { description: 'Postal address or phone for the follow-up letter.' }),
    department: t.exposeString('department', { nullable: true, description: '科室' }),
    dischargedOn: t.string({ resolve: (p) => p.dischargedOn.toISOString().slice(0, 10) }),
    invitations: t.relation('invitations', { query: { orderBy: { createdAt: 'asc' } } }),
  }),
});

// The survey invitation (a shared type) names its patient in the hospital's schema only.
builder.prismaObjectField('SurveyInvitation', 'patient', (t) =>
  t.relation('patient', { nullable: true, subGraphs: HOSPITAL, description: 'Null without PATIENT_DATA.' }),
);

builder.queryFields((t) => ({
  dischargedPatients: t.prismaField({
    type: ['DischargedPatient'],
    subGraphs: HOSPITAL,
    authScopes: { role: 'PATIENT_DATA' },
    description: 'Discharged patients of one month (YYYY-MM), from the imported lists.',
    args: { month: t.arg.string({ required: true }) },
    resolve: (query, _root, args, ctx) => {
      // A malformed or out-of-range month is refused (BAD_USER_INPUT), not read as year 0.
      const month = isoMonth.safeParse(args.month);
      if (!month.success) throw new GraphQLError(`month: ${month.error.issues[0]?.message}`, { extensions: { code: 'BAD_USER_INPUT' } });
      const from = new Date(`${args.month}-01T00:00:00Z`);
      const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
      return ctx.db.dischargedPatient.findMany({
        ...query,
        where: { dischargedOn: { gte: from, lt: to } },
        orderBy: [{ dischargedOn: 'asc' }, { medicalRecordNo: 'asc' }],
      });
    },
  }),
}));
