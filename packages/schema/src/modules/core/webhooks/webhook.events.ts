// The public event types of webhooks: the tenant's event log (modules/core/events) as stable names a partner
// subscribes to. The log's own topics and types are internal and may change; these names may not (a renamed
// source keeps its public name here). Each entry names the log's topic (and types, when only some of them
// count) by their text: this module imports no kind (architecture.test.ts), the kinds' topics are strings.
// Events with no entry (access changes, …) are never sent.
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { TenantKind } from '@jiedai/db';

export interface WebhookEventTypeDefinition {
  /** The GraphQL enum value. */
  value: string;
  /** The name in the payload's `type`, e.g. `task.changed`. */
  name: string;
  description: string;
  topic: string;
  /** Only these types of the topic (all when absent). */
  types?: readonly string[];
  /** Only tenants of these kinds send it (all when absent). */
  kinds?: readonly TenantKind[];
  /** The node type of the event's subject (`data.subjectId`). */
  subjectType?: string;
  /** The node type of `id` fields inside the payload's objects (e.g. the task of a task event). */
  objectIdTypes?: Record<string, string>;
}

export const WEBHOOK_EVENT_TYPES = [
  {
    value: 'TASK_CHANGED',
    name: 'task.changed',
    description: 'A task was created, updated, changed status or was deleted (`data.change`: CREATED, UPDATED, STATUS_CHANGED, DELETED; `data.task`).',
    topic: 'task',
    subjectType: 'Visit',
    objectIdTypes: { task: 'Task' },
  },
  {
    value: 'VISIT_STATUS_CHANGED',
    name: 'visit.status_changed',
    description: "A visit's status changed (`data.from`, `data.to`, `data.reason`).",
    topic: 'visit',
    types: ['visit.status_changed'],
    subjectType: 'Visit',
  },
  {
    value: 'VISIT_PLAN_CHANGED',
    name: 'visit.plan_changed',
    description: 'An approved plan changed materially and went back for approval (`data.version`, `data.approvedVersion`, counts added/removed/changed).',
    topic: 'visit',
    types: ['visit.plan_changed_after_approval'],
    subjectType: 'Visit',
  },
  {
    value: 'VISIT_PLAN_DECIDED',
    name: 'visit.plan_decided',
    description: 'A plan version was approved or rejected (`data.change`: visit.plan_approved or visit.plan_rejected).',
    topic: 'visit',
    types: ['visit.plan_approved', 'visit.plan_rejected'],
    subjectType: 'Visit',
  },
  {
    value: 'VISIT_TRAVEL_PROGRESS',
    name: 'visit.travel_progress',
    description: "A travel leg's live progress was recorded (departure, expected arrival).",
    topic: 'visit',
    types: ['visit.travel_progress'],
    subjectType: 'Visit',
  },
  {
    value: 'PLAN_ISSUES_RAISED',
    name: 'visit.plan_issues_raised',
    description:
      "A change of a visit brought plan issues it did not have before (`data.issues`: code, severity, message, recordIds; `data.blockers`, `data.warnings`: the plan's counts now).",
    topic: 'visit',
    types: ['visit.plan_issues_raised'],
    subjectType: 'Visit',
  },
  {
    value: 'VISIT_PHOTO_ADDED',
    name: 'visit.photo_added',
    description: 'A photo was added to a visit (`data.photoId`, `data.fileId`, `data.contentType`, `data.caption`; the file itself through the API).',
    topic: 'visit',
    types: ['visit.photo_added'],
    subjectType: 'Visit',
  },
  {
    value: 'SURVEY_RESPONSE_RECEIVED',
    name: 'survey.response_received',
    description:
      'A respondent answered a survey (`data.responseId`, `surveyId`, `version`, `campaignId`, `visitId`, `negative`, `complaint`, `followUpTaskId`; never the answers nor who answered).',
    topic: 'survey',
    types: ['survey.response_submitted'],
    subjectType: 'Survey',
  },
  {
    value: 'COMPLAINT_CHANGED',
    name: 'complaint.changed',
    description: 'Hospitals: a complaint was received, acknowledged, assigned, answered, closed, escalated or turned into a finding (`data.change`).',
    topic: 'complaint',
    kinds: ['HOSPITAL'],
    subjectType: 'Complaint',
  },
  {
    value: 'GREEN_CHANNEL_CHANGED',
    name: 'green_channel.changed',
    description: 'Hospitals: an emergency green-channel case opened, started treatment or closed (`data.change`).',
    topic: 'green_channel',
    kinds: ['HOSPITAL'],
    subjectType: 'GreenChannelCase',
  },
  {
    value: 'HOSPITAL_ROUNDS_CHANGED',
    name: 'hospital_routine.rounds_changed',
    description: "Hospitals: a day's service-point rounds were created, or a round was missed (`data.change`: ROUNDS_CREATED, ROUND_MISSED).",
    topic: 'service_point_round',
    kinds: ['HOSPITAL'],
  },
  {
    value: 'HOSPITAL_PEAK_WINDOWS_SHORT',
    name: 'hospital_routine.windows_short',
    description: 'Hospitals: a peak hour has too few windows open.',
    topic: 'service_point_peak',
    kinds: ['HOSPITAL'],
  },
  {
    value: 'DEPARTMENT_ASSESSMENT_SCHEDULED',
    name: 'department_standard.assessment_scheduled',
    description: "Hospitals: a department's periodic assessment against its standard was scheduled.",
    topic: 'department_standard',
    kinds: ['HOSPITAL'],
  },
  {
    value: 'READINESS_GATE_CHANGED',
    name: 'hotel_event.readiness_changed',
    description: "Hotels: an event's readiness (and so its go/no-go gate) changed (`data.change`).",
    topic: 'hotel',
    types: ['READINESS_CHANGED'],
    kinds: ['HOTEL'],
    subjectType: 'HotelEvent',
  },
  {
    value: 'HOTEL_ARRIVALS_CHANGED',
    name: 'hotel.arrivals_changed',
    description: 'Hotels: room blocks or the rooming list changed (`data.change`).',
    topic: 'hotel',
    types: ['ARRIVALS_CHANGED'],
    kinds: ['HOTEL'],
  },
  {
    value: 'PROTOCOL_SEATING_CHANGED',
    name: 'protocol.seating_changed',
    description: 'Government offices: a banquet or car seating was proposed or changed (`data.change`).',
    topic: 'protocol',
    kinds: ['GOVERNMENT_OFFICE'],
  },
] as const satisfies readonly WebhookEventTypeDefinition[];

export type WebhookEventTypeValue = (typeof WEBHOOK_EVENT_TYPES)[number]['value'];
export const WEBHOOK_EVENT_TYPE_VALUES = WEBHOOK_EVENT_TYPES.map((t) => t.value) as [WebhookEventTypeValue, ...WebhookEventTypeValue[]];

const byValue = new Map<string, WebhookEventTypeDefinition>(WEBHOOK_EVENT_TYPES.map((t) => [t.value, t]));

export function eventTypeDefinition(value: string): WebhookEventTypeDefinition | undefined {
  return byValue.get(value);
}

/** Whether tenants of `kind` ever send this type. */
export function availableTo(value: string, kind: TenantKind | null): boolean {
  const def = byValue.get(value);
  return !!def && (!def.kinds || (kind !== null && (def.kinds as readonly string[]).includes(kind)));
}

/** The public type of a log event, or undefined when the event is never sent. */
export function publicEventType(topic: string, type: string): WebhookEventTypeDefinition | undefined {
  return WEBHOOK_EVENT_TYPES.find((d: WebhookEventTypeDefinition) => d.topic === topic && (!d.types || d.types.includes(type)));
}

/** The event's id: the `webhook-id` header and `data.id` — the same for every attempt and every endpoint. */
export function webhookEventId(tenantId: string, seq: bigint | string): string {
  return `evt_${tenantId.replaceAll('-', '')}_${String(seq)}`;
}

export interface LoggedEvent {
  tenantId: string;
  seq: bigint;
  topic: string;
  type: string;
  subjectId: string | null;
  actorUserId: string | null;
  payload: unknown;
  createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Node types of id-valued keys found in event payloads (anything else is left as it is). */
const ID_KEYS: Record<string, string> = {
  visitId: 'Visit',
  taskId: 'Task',
  photoId: 'VisitPhoto',
  fileId: 'EvidenceFile',
  departmentId: 'Department',
  complaintId: 'Complaint',
  servicePointId: 'ServicePoint',
  surveyId: 'Survey',
  responseId: 'SurveyResponse',
  campaignId: 'SurveyCampaign',
  followUpTaskId: 'Task',
  assessmentId: 'Assessment',
  findingId: 'Finding',
  membershipId: 'Membership',
  assigneeMembershipId: 'Membership',
  responsibleMembershipId: 'Membership',
  completedById: 'User',
  userId: 'User',
  actorUserId: 'User',
};

function withGlobalIds(value: unknown, objectIdType?: string, objectIdTypes?: Record<string, string>): unknown {
  if (Array.isArray(value)) {
    return value.map((v) =>
      typeof v === 'string' && objectIdType && UUID.test(v) ? encodeGlobalID(objectIdType, v) : withGlobalIds(v, undefined, objectIdTypes),
    );
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string' && UUID.test(v)) {
      const type = key === 'id' ? objectIdType : (ID_KEYS[key] ?? (key.endsWith('MembershipId') ? 'Membership' : undefined));
      out[key] = type ? encodeGlobalID(type, v) : v;
    } else if (key.endsWith('MembershipIds') && Array.isArray(v)) {
      out[key] = withGlobalIds(v, 'Membership', objectIdTypes);
    } else {
      out[key] = withGlobalIds(v, objectIdTypes?.[key], objectIdTypes);
    }
  }
  return out;
}

/**
 * The body of one delivery: `{ type, timestamp, data: { id, seq, tenantId, change, subjectId, actorId, …payload } }`,
 * ids as GraphQL global IDs where their type is known. The same bytes for every attempt (only the headers' timestamp and
 * signature change).
 */
export function webhookPayload(event: LoggedEvent, def: WebhookEventTypeDefinition): string {
  const payload = withGlobalIds(event.payload ?? {}, undefined, def.objectIdTypes) as Record<string, unknown>;
  return JSON.stringify({
    type: def.name,
    timestamp: event.createdAt.toISOString(),
    data: {
      id: webhookEventId(event.tenantId, event.seq),
      seq: String(event.seq),
      tenantId: encodeGlobalID('Tenant', event.tenantId),
      change: event.type,
      subjectId: event.subjectId ? (def.subjectType ? encodeGlobalID(def.subjectType, event.subjectId) : event.subjectId) : null,
      actorId: event.actorUserId ? encodeGlobalID('User', event.actorUserId) : null,
      ...payload,
    },
  });
}
