// One schema per tenant kind: the printed SDL is checked in and must match the code, and the kinds
// differ exactly where their modules differ.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildSchema, getNullableType, isUnionType, type GraphQLObjectType, type GraphQLUnionType } from 'graphql';
import { printSchemas } from '../build-schemas.ts';
import { SUB_GRAPHS } from '../builder.ts';

const printed = printSchemas();
const checkedIn = (name: string) => readFileSync(fileURLToPath(new URL(`../../schemas/${name}.graphql`, import.meta.url)), 'utf8');
const parsed = Object.fromEntries(SUB_GRAPHS.map((g) => [g, buildSchema(printed[g])]));
const rootFields = (graph: string, root: 'Query' | 'Mutation' | 'Subscription') =>
  Object.keys((parsed[graph]!.getType(root) as GraphQLObjectType | undefined)?.getFields() ?? {});

describe('printed schemas', () => {
  it.each(SUB_GRAPHS)('schemas/%s.graphql matches the code (run `pnpm schema:print` after changing the schema)', (graph) => {
    expect(printed[graph]).toBe(checkedIn(graph));
  });

  it('every tenant kind shares the core modules', () => {
    for (const graph of ['government', 'hospital', 'hotel']) {
      expect(rootFields(graph, 'Query')).toEqual(
        expect.arrayContaining(['node', 'nodes', 'viewer', 'tenant', 'members', 'departments', 'apiKeys', 'auditLog']),
      );
      expect(rootFields(graph, 'Mutation')).toEqual(
        expect.arrayContaining(['signIn', 'addMember', 'updateMember', 'removeMember', 'createApiKey', 'revokeApiKey', 'createDepartment']),
      );
      expect(rootFields(graph, 'Subscription')).toContain('auditLogAppended');
    }
  });

  it("each kind has its own organization structure and no other kind's", () => {
    const own = {
      government: { query: 'rankLadder', mutation: 'defineRank', type: 'Rank' },
      hospital: { query: 'servicePoints', mutation: 'createServicePoint', type: 'ServicePoint' },
      hotel: { query: 'hotelAreas', mutation: 'createHotelArea', type: 'HotelArea' },
    } as const;
    for (const [graph, mine] of Object.entries(own)) {
      for (const [other, theirs] of Object.entries(own)) {
        const present = graph === other;
        expect(rootFields(graph, 'Query').includes(theirs.query), `${graph} has ${theirs.query}`).toBe(present);
        expect(rootFields(graph, 'Mutation').includes(theirs.mutation), `${graph} has ${theirs.mutation}`).toBe(present);
        expect(Boolean(parsed[graph]!.getType(theirs.type)), `${graph} has type ${theirs.type}`).toBe(present);
      }
      expect(mine).toBeDefined();
    }
    // The government rank ladder also shows on members.
    const membership = (g: string) => Object.keys((parsed[g]!.getType('Membership') as GraphQLObjectType).getFields());
    expect(membership('government')).toContain('rank');
    expect(membership('hotel')).not.toContain('rank');
    expect(printed.government).not.toBe(printed.hospital);
    expect(printed.hospital).not.toBe(printed.hotel);
  });

  it("the public schema (no tenant) has sign-in, platform administration, accepting an invitation (audit 18; by its link, issue 15), one's own password, sessions and language, the caller's rate limit, the survey respondent's two fields and the public complaint link's two only", () => {
    expect(rootFields('public', 'Query').sort()).toEqual([
      'complaintIntake',
      'memberInvitation',
      'node',
      'nodes',
      'rateLimit',
      'surveyInvitation',
      'tenants',
      'viewer',
    ]);
    expect(rootFields('public', 'Mutation').sort()).toEqual([
      'acceptMemberInvitation',
      'acceptMemberInvitationByToken',
      'changePassword',
      'createTenant',
      'requestPasswordReset',
      'resetPassword',
      'setPreferredLanguage',
      'signIn',
      'signOut',
      'submitPublicComplaint',
      'submitSurveyResponse',
    ]);
    expect(parsed.public!.getSubscriptionType()).toBeFalsy();
  });

  it('every node type implements Node and mutations return result unions with typed errors', () => {
    for (const graph of SUB_GRAPHS) {
      for (const name of ['Tenant', 'User', 'Membership']) {
        const type = parsed[graph]!.getType(name) as GraphQLObjectType;
        expect(
          type.getInterfaces().map((i) => i.name),
          `${graph}.${name}`,
        ).toContain('Node');
      }
    }
    expect(printed.hotel).toMatch(/union CreateHotelAreaResult = ForbiddenError \| HotelAreaPayload \| HotelError \| IdempotencyError \| ValidationError/);
    expect(printed.public).toMatch(/union SignInResult = ForbiddenError \| SignInError \| SignInSuccess \| ValidationError/);
    // Each module's codes stay as an enum: the documented values of its error's `code`.
    expect(printed.government).toMatch(/enum TenancyErrorCode \{[^}]*SLUG_TAKEN/);
    expect(printed.government).toMatch(/interface Error \{[^}]*code: String![^}]*message: String![^}]*path: \[String!\]/);
  });

  it('every mutation returns a union whose failures implement Error, ForbiddenError among them', () => {
    for (const graph of SUB_GRAPHS) {
      const mutation = parsed[graph]!.getMutationType();
      expect(mutation, graph).toBeTruthy();
      for (const field of Object.values(mutation!.getFields())) {
        const type = getNullableType(field.type);
        expect(isUnionType(type), `${graph} ${field.name}`).toBe(true);
        const members = (type as GraphQLUnionType).getTypes();
        expect(
          members.map((m) => m.name),
          `${graph} ${field.name}`,
        ).toContain('ForbiddenError');
        const failures = members.filter((m) => /Error$/.test(m.name));
        expect(failures.length, `${graph} ${field.name}`).toBeGreaterThan(0);
        for (const failure of failures)
          expect(
            failure.getInterfaces().map((i) => i.name),
            `${graph} ${failure.name}`,
          ).toContain('Error');
      }
    }
  });
});
