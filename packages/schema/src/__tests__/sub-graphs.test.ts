// Sub-graphs are opt-in (builder.ts: `defaultForTypes: []`): a type is in no schema unless it says
// which. These checks catch what that could hide: a type that says none (silently missing from every
// schema), and an error-code enum shown where its error type is not.
import { describe, expect, it } from 'vitest';
import { isEnumType, isObjectType, type GraphQLNamedType } from 'graphql';
import { buildSchemas } from '../build-schemas.ts';
import { builder, SUB_GRAPHS } from '../builder.ts';

const schemas = buildSchemas();
const whole = builder.toSchema();
const own = (t: GraphQLNamedType) => !t.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name);
const graphsOf = (name: string) => SUB_GRAPHS.filter((g) => schemas[g].getType(name));

describe('sub-graphs', () => {
  it('every type of the application is in at least one schema', () => {
    const missing = Object.values(whole.getTypeMap())
      .filter(own)
      .filter((t) => graphsOf(t.name).length === 0)
      .map((t) => t.name);
    expect(missing).toEqual([]);
    // The check sees the types: the application has hundreds.
    expect(Object.values(whole.getTypeMap()).filter(own).length).toBeGreaterThan(200);
  });

  it('an error-code enum is in exactly the schemas of its error type', () => {
    const enums = Object.values(whole.getTypeMap()).filter((t) => isEnumType(t) && (t.extensions as { errorCodes?: boolean }).errorCodes);
    expect(enums.map((e) => e.name)).toEqual(expect.arrayContaining(['VisitErrorCode', 'HospitalErrorCode', 'TenancyErrorCode']));
    for (const codes of enums) {
      const error = codes.name.replace(/Code$/, '');
      expect(isObjectType(whole.getType(error)), error).toBe(true);
      expect(graphsOf(codes.name), codes.name).toEqual(graphsOf(error));
    }
  });

  it('the public schema has no tenant module error, and each kind only its own', () => {
    for (const name of ['VisitErrorCode', 'TaskErrorCode', 'AssessmentErrorCode', 'IdempotencyErrorCode']) {
      expect(graphsOf(name), name).toEqual(['government', 'hospital', 'hotel']);
    }
    expect(graphsOf('GovernmentErrorCode')).toEqual(['government']);
    expect(graphsOf('HospitalErrorCode')).toEqual(['hospital']);
    expect(graphsOf('HotelErrorCode')).toEqual(['hotel']);
    expect(graphsOf('TenancyErrorCode')).toEqual([...SUB_GRAPHS]);
  });
});
