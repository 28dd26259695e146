// Connection types are named after their node (`VisitConnection` with `VisitEdge`, as GitHub's API names them),
// never after the field that returns them (Pothos's default, `QueryVisitsConnection`): a client has one connection
// type per node, whichever field pages it.
//
// A node paged by one field passes `connectionNamed('Visit')` and `edgeNamed('Visit')` as the connection and edge
// options of that field; a node paged by several fields shares one `nodeConnection` object between them
// (`TaskConnection`: Query.tasks, Visit.tasks, TaskBoardColumn.tasks).
//
// Every connection of stored rows has `totalCount` (one COUNT, run only when selected); the computed trend
// connections (`SubjectTrendConnection`, `CriterionTrendConnection`) have none, as counting their groups would run
// the whole aggregation again.
import type { ObjectRef } from '@pothos/core';
import { builder, type SubGraph } from '../builder.ts';

export const connectionNamed = (node: string) => ({ name: `${node}Connection` });
export const edgeNamed = (node: string) => ({ name: `${node}Edge` });

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;
type TotalCount = number | (() => number | Promise<number>) | undefined;

/**
 * The one connection type (`<node>Connection`, `<node>Edge`) of a node paged by several fields, with `totalCount`:
 * plugin-prisma hands a prismaConnection's count as a function and a relatedConnection's as a number; a field that
 * pages an array gives `totalCount` itself.
 */
export function nodeConnection<Shape extends object>(ref: ObjectRef<Types, Shape>, node: string, subGraphs?: SubGraph[]) {
  return builder.connectionObject(
    {
      type: ref,
      name: `${node}Connection`,
      ...(subGraphs ? { subGraphs } : {}),
      fields: (t) => ({
        totalCount: t.int({
          // plugin-prisma skips loading the page when a query selects nothing but fields so marked.
          extensions: { pothosPrismaTotalCount: true },
          resolve: (connection) => {
            const { totalCount } = connection as { totalCount?: TotalCount };
            if (totalCount === undefined) throw new Error(`${node}Connection resolved without a totalCount`);
            return typeof totalCount === 'function' ? totalCount() : totalCount;
          },
        }),
      }),
    },
    { name: `${node}Edge`, ...(subGraphs ? { subGraphs } : {}) },
  );
}
