import { builder } from '../../builder.ts';

const GOV = ['government'] as const;

export const RankRef = builder.prismaNode('Rank', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: [...GOV],
  description: 'A step of the rank ladder (职级). Level 1 is the highest.',
  fields: (t) => ({
    name: t.exposeString('name'),
    nameEn: t.exposeString('nameEn', { nullable: true }),
    level: t.exposeInt('level'),
    members: t.relation('memberships'),
  }),
});

builder.prismaObjectField('Membership', 'rank', (t) =>
  t.relation('rank', { nullable: true, subGraphs: [...GOV], description: "The member's rank (职级), to match hosts to guests." }),
);

builder.queryFields((t) => ({
  rankLadder: t.prismaField({
    type: ['Rank'],
    subGraphs: [...GOV],
    authScopes: { member: true },
    description: 'The rank ladder, highest first.',
    resolve: (query, _root, _args, ctx) => ctx.db.rank.findMany({ ...query, orderBy: [{ level: 'asc' }, { name: 'asc' }] }),
  }),
}));
