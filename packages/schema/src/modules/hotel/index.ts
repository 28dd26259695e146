// The hotel (酒店) as a kind: its schema, its areas, events with readiness and the go/no-go gate,
// emergency plans and drills, what a new hotel starts with.
import type { KindModule } from '../../shared/kind-module.ts';
import { POST_VISIT_REVIEW } from '../shared/assessments/assessment.templates.ts';
import { HOTEL_AREA_READINESS, HOTEL_DRILL_REVIEW, HOTEL_EVENT_CHECKLIST, HOTEL_GUEST_SURVEY } from './hotel.templates.ts';
import { seedHotelAreas } from './hotel-area.service.ts';
import { seedHotelDemo } from './hotel.demo.ts';
import './hotel-area.ts';
import './hotel-area.mutations.ts';
import './hotel-event.ts';
import './hotel-event.mutations.ts';
import './hotel-event.subscriptions.ts';
import './emergency-plan.ts';
import './emergency-plan.mutations.ts';
import './room-block.ts';
import './room-block.mutations.ts';
import './room-block.subscriptions.ts';
import './coordination.ts';
import './coordination.mutations.ts';
import './event-plan.ts';
import './event-plan.mutations.ts';

export const hotelKind: KindModule = {
  kind: 'HOTEL',
  subGraph: 'hotel',
  seed: seedHotelAreas,
  checklistTemplates: [HOTEL_EVENT_CHECKLIST],
  surveyTemplates: [HOTEL_GUEST_SURVEY],
  assessmentTemplates: [POST_VISIT_REVIEW, HOTEL_AREA_READINESS, HOTEL_DRILL_REVIEW],
  demo: {
    tenant: { slug: 'demo-hotel', name: '示范大酒店 Demo Grand Hotel', domain: 'hotel', department: '前厅部' },
    visit: { title: '两会代表团入住 Conference delegation stay', purpose: 'CONFERENCE', organization: '示范市人大代表团', level: '会议接待' },
    campaign: { name: '上月住店宾客回访', respondentKind: 'HOTEL_GUEST' },
    seedExtras: seedHotelDemo,
  },
};
