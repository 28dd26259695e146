// The demo hospital's complaints and suggestions, in several states (new from the guide desk's public
// link, acknowledged and assigned, answered, closed with the complainant's satisfaction, one overdue and
// escalated), and its open green-channel case. Seeded once, with the demo tenant.
import type { ServiceDeps } from '../../context.ts';
import type { KindDemo } from '../../shared/kind-module.ts';
import {
  acknowledgeComplaint,
  assignComplaint,
  closeComplaint,
  createComplaint,
  escalateOverdueComplaints,
  insertComplaint,
  respondToComplaint,
} from './complaint.service.ts';
import { createComplaintIntakeLink } from './complaint-intake.service.ts';
import { openGreenChannelCase, startGreenChannelTreatment } from './green-channel.service.ts';

const HOUR = 3600_000;

export const seedHospitalDemoExtras: NonNullable<KindDemo['seedExtras']> = async (given, { departmentId }) => {
  // The seed acts as the platform admin inside the tenant: handle complaints as its administrator would.
  const deps: ServiceDeps = { ...given, access: { ...given.access, roles: ['TENANT_ADMIN'] } };
  const now = Date.now();
  // (Filtered here: `roles: { has }` is not understood by the embedded database's adapter.)
  const staff = (await deps.db.membership.findMany({ select: { id: true, roles: true }, orderBy: { createdAt: 'asc' } })).find((m) =>
    m.roles.includes('STAFF'),
  );

  // A public link at the guide desk, and a suggestion a patient left through it.
  const guideDesk = await deps.db.servicePoint.findFirst({ where: { kind: 'GUIDE_DESK' }, select: { id: true } });
  if (guideDesk) {
    const { link } = await createComplaintIntakeLink(deps, { servicePointId: guideDesk.id, label: '门诊导医台 扫码投诉与建议' });
    await insertComplaint(deps, {
      kind: 'SUGGESTION',
      category: 'ENVIRONMENT',
      severity: 'LOW',
      summary: '候诊区饮水机前常排长队，建议再加一台。',
      servicePointId: guideDesk.id,
      intakeLinkId: link.id,
      channel: 'PUBLIC_LINK',
      receivedAt: new Date(now - 2 * HOUR),
    });
  }

  const acknowledged = await createComplaint(deps, {
    category: 'WAITING_TIME',
    severity: 'MEDIUM',
    summary: '上午专家号候诊超过两小时，无人解释原因。',
    departmentId,
    complainantName: '陈女士',
    complainantContact: '13800000011',
    receivedAt: new Date(now - 5 * HOUR),
  });
  await acknowledgeComplaint(deps, { id: acknowledged.id }, new Date(now - 4 * HOUR));
  if (staff) await assignComplaint(deps, { id: acknowledged.id, assigneeMembershipId: staff.id }, new Date(now - 4 * HOUR));

  const responded = await createComplaint(deps, {
    category: 'FEES',
    severity: 'HIGH',
    summary: '出院结算时检查费重复收取。',
    departmentId,
    complainantName: '周先生',
    complainantContact: '13800000012',
    receivedAt: new Date(now - 30 * HOUR),
  });
  await respondToComplaint(
    deps,
    { id: responded.id, response: '经核查确属重复收费，已原路退回，并向您致歉。', responseChannel: 'PHONE' },
    new Date(now - 20 * HOUR),
  );

  const closed = await createComplaint(deps, {
    category: 'SERVICE_ATTITUDE',
    severity: 'MEDIUM',
    summary: '分诊台护士语气生硬。',
    departmentId,
    receivedAt: new Date(now - 6 * 24 * HOUR),
  });
  await respondToComplaint(
    deps,
    { id: closed.id, response: '已约谈当事护士并组织服务礼仪培训。', responseChannel: 'IN_PERSON' },
    new Date(now - 5 * 24 * HOUR),
  );
  await closeComplaint(deps, { id: closed.id, satisfaction: 4, closingNote: '患者表示满意' }, new Date(now - 4 * 24 * HOUR));

  // Received three days ago and not yet acknowledged: overdue on both deadlines, escalated.
  await createComplaint(deps, {
    category: 'COMMUNICATION',
    severity: 'HIGH',
    summary: '检查结果出来后医生未解释，电话无人接听。',
    departmentId,
    receivedAt: new Date(now - 3 * 24 * HOUR),
  });
  await escalateOverdueComplaints(deps);

  // One open green-channel case: an ambulance arrival twelve minutes ago, in treatment after four.
  const arrivedAt = new Date(now - 12 * 60_000);
  const c = await openGreenChannelCase(deps, { arrivalMode: 'AMBULANCE', triageLevel: 1, arrivedAt });
  await startGreenChannelTreatment(deps, { id: c.id, at: new Date(arrivedAt.getTime() + 4 * 60_000) });
};
