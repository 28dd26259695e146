// The rank ladder (职级) of a government office. Level 1 is the highest; host leaders are matched to
// the principal guest's rank (与客人身份、职务相当) by comparing levels.
import { z } from 'zod';
import type { ServiceDeps } from '../../context.ts';
import { isForeignKeyViolation, isUniqueViolation, parseInput } from '../../shared/errors.ts';
import { recordAudit } from '../core/audit/audit.service.ts';
import { GovernmentError } from './government.errors.ts';

/** The civil-service ladder of the PRC (公务员职级), highest first. */
export const DEFAULT_RANK_LADDER: ReadonlyArray<{ name: string; nameEn: string }> = [
  { name: '国家级正职', nameEn: 'State level, principal' },
  { name: '国家级副职', nameEn: 'State level, deputy' },
  { name: '省部级正职', nameEn: 'Provincial/ministerial level, principal' },
  { name: '省部级副职', nameEn: 'Provincial/ministerial level, deputy' },
  { name: '厅局级正职', nameEn: 'Department/bureau level, principal' },
  { name: '厅局级副职', nameEn: 'Department/bureau level, deputy' },
  { name: '县处级正职', nameEn: 'County/division level, principal' },
  { name: '县处级副职', nameEn: 'County/division level, deputy' },
  { name: '乡科级正职', nameEn: 'Township/section level, principal' },
  { name: '乡科级副职', nameEn: 'Township/section level, deputy' },
  { name: '科员', nameEn: 'Section member' },
  { name: '办事员', nameEn: 'Clerk' },
];

export async function seedRankLadder(deps: ServiceDeps) {
  await deps.db.rank.createMany({
    data: DEFAULT_RANK_LADDER.map((r, i) => ({ tenantId: deps.access.tenantId!, name: r.name, nameEn: r.nameEn, level: i + 1 })),
  });
}

const rankInput = z.object({
  name: z.string().trim().min(1).max(100),
  nameEn: z.string().trim().max(100).nullish(),
  level: z.number().int().min(1).max(100),
});

export async function defineRank(deps: ServiceDeps, input: z.input<typeof rankInput>) {
  const data = parseInput(rankInput, input);
  const rank = await deps.db.rank
    .create({ data: { tenantId: deps.access.tenantId!, name: data.name, nameEn: data.nameEn ?? null, level: data.level } })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new GovernmentError('NAME_TAKEN', `A rank named "${data.name}" exists`);
      throw error;
    });
  await recordAudit(deps, { action: 'rank.defined', targetType: 'Rank', targetId: rank.id, data });
  return rank;
}

export async function deleteRank(deps: ServiceDeps, id: string) {
  const rank = await deps.db.rank.findUnique({ where: { id } });
  if (!rank) throw new GovernmentError('NOT_FOUND', 'No such rank');
  await deps.db.rank.delete({ where: { id } }).catch((error) => {
    if (isForeignKeyViolation(error)) throw new GovernmentError('IN_USE', 'Members still hold this rank');
    throw error;
  });
  await recordAudit(deps, { action: 'rank.deleted', targetType: 'Rank', targetId: id, data: { name: rank.name } });
  return rank;
}

export async function assignRank(deps: ServiceDeps, membershipId: string, rankId: string | null) {
  const membership = await deps.db.membership.findUnique({ where: { id: membershipId } });
  if (!membership) throw new GovernmentError('NOT_FOUND', 'No such member');
  if (rankId && !(await deps.db.rank.findUnique({ where: { id: rankId } }))) {
    throw new GovernmentError('NOT_FOUND', 'No such rank');
  }
  const updated = await deps.db.membership.update({ where: { id: membershipId }, data: { rankId } });
  await recordAudit(deps, { action: 'member.rank_assigned', targetType: 'Membership', targetId: membershipId, data: { rankId } });
  return updated;
}
