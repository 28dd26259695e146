// The government office (政府部门) as a kind: its schema, its rank ladder, what a new office starts with.
import type { KindModule } from '../../shared/kind-module.ts';
import { POST_VISIT_REVIEW } from '../shared/assessments/assessment.templates.ts';
import { GOVERNMENT_POST_VISIT_SURVEY, GOVERNMENT_RECEPTION_CHECKLIST } from './government.templates.ts';
import { seedGovernmentDemo } from './government.demo.ts';
import { assignRank, seedRankLadder } from './rank.service.ts';
import './rank.ts';
import './rank.mutations.ts';
import './reception-standard.ts';
import './reception-standard.mutations.ts';
import './seating.ts';
import './seating.mutations.ts';
import './seating.subscriptions.ts';

export const governmentKind: KindModule = {
  kind: 'GOVERNMENT_OFFICE',
  subGraph: 'government',
  seed: seedRankLadder,
  checklistTemplates: [GOVERNMENT_RECEPTION_CHECKLIST],
  surveyTemplates: [GOVERNMENT_POST_VISIT_SURVEY],
  assessmentTemplates: [POST_VISIT_REVIEW],
  demo: {
    tenant: { slug: 'demo-gov', name: '示范市政府办公室 Demo City Government Office', domain: 'gov', department: '接待办公室' },
    visit: {
      title: '省卫健委调研组来访 Provincial Health Commission work inspection',
      purpose: 'WORK_INSPECTION',
      organization: '省卫生健康委员会',
      level: '厅局级',
    },
    // The host leader holds a rank, matched to the principal guest's (与客人身份、职务相当).
    async prepareHost(deps, host) {
      const rank = await deps.db.rank.findFirst({ where: { level: 5 } });
      if (rank) await assignRank(deps, host.membershipId, rank.id);
    },
    // Reception standards, the banquet's seating and the car seating of the demo visit.
    seedExtras: seedGovernmentDemo,
  },
};
