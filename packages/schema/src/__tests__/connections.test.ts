// Connection types are named after their node (`VisitConnection`, `VisitEdge`), one per node type whichever
// field pages it, with `nodes` beside `edges`, and `totalCount` on every connection of stored rows.
import { describe, expect, it } from 'vitest';
import { buildSchema, getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import { printSchemas } from '../build-schemas.ts';
import { SUB_GRAPHS } from '../builder.ts';

const printed = printSchemas();
/** Computed per request from an aggregation; see shared/connections.ts. */
const WITHOUT_TOTAL_COUNT = ['SubjectTrendConnection', 'CriterionTrendConnection'];

describe('connection types', () => {
  it.each(SUB_GRAPHS)('%s: every connection is <Node>Connection with <Node>Edge, nodes and pageInfo', (graph) => {
    const schema = buildSchema(printed[graph]);
    const connections = Object.values(schema.getTypeMap()).filter(
      (t): t is GraphQLObjectType => isObjectType(t) && 'pageInfo' in t.getFields() && 'edges' in t.getFields(),
    );
    expect(connections.length).toBeGreaterThan(0);
    for (const connection of connections) {
      const fields = connection.getFields();
      const node = getNamedType(fields.nodes!.type).name;
      const edge = getNamedType(fields.edges!.type) as GraphQLObjectType;
      expect(connection.name, `${graph}: the connection of ${node}`).toBe(`${node}Connection`);
      expect(edge.name).toBe(`${node}Edge`);
      expect(getNamedType(edge.getFields().node!.type).name).toBe(node);
      expect('totalCount' in fields, `${graph}: ${connection.name}.totalCount`).toBe(!WITHOUT_TOTAL_COUNT.includes(connection.name));
    }
    // Nothing is left of the field-named types Pothos would make.
    expect(printed[graph]).not.toMatch(/\b(Query|Visit|TaskBoardColumn|Survey|SurveyCampaign)[A-Z][A-Za-z]*sConnection\b/);
  });

  it('every field paging tasks returns the one TaskConnection (and invitations the one SurveyInvitationConnection)', () => {
    const schema = buildSchema(printed.government);
    const typeOf = (type: string, field: string) => getNamedType((schema.getType(type) as GraphQLObjectType).getFields()[field]!.type).name;
    expect([typeOf('Query', 'tasks'), typeOf('Visit', 'tasks'), typeOf('TaskBoardColumn', 'tasks')]).toEqual([
      'TaskConnection',
      'TaskConnection',
      'TaskConnection',
    ]);
    expect([typeOf('Survey', 'invitations'), typeOf('SurveyCampaign', 'invitations')]).toEqual(['SurveyInvitationConnection', 'SurveyInvitationConnection']);
    expect(typeOf('Query', 'visits')).toBe('VisitConnection');
    expect(buildSchema(printed.public).getType('TenantConnection')).toBeTruthy();
  });
});
