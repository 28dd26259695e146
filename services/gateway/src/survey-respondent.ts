// Survey respondents have no account: their personal token is the permission, and it arrives as the
// `token` argument of `surveyInvitation` / the `input.token` of `submitSurveyResponse`. The token's text names its tenant
// (like an API key's), so before the operation's transaction starts, this reads that argument and
// turns an anonymous caller into a `surveyRespondent` credential: the transaction then runs in the
// token's tenant, under RLS, with no user and no role.
//
// Kept narrow on purpose:
//   * only anonymous callers (a signed-in member stays in their own tenant, where another tenant's
//     token finds nothing);
//   * only when the operation's root fields are respondent fields and __typename — anything else in
//     the same operation would otherwise run with the token's tenant set, so such an operation stays
//     anonymous (no tenant: the respondent fields then answer INVALID_TOKEN);
//   * one token per operation;
//   * the tenant is a selector, not a proof: the resolvers find the invitation by the token's SHA-256
//     inside that tenant's RLS scope, or refuse it like any forged token.
import { getOperationAST, Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { parseSurveyToken, SURVEY_RESPONDENT_FIELDS, type Credential } from '@jiedai/schema';

export function surveyRespondentCredential(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  current: Credential,
): Credential | null {
  if (current.type !== 'anonymous') return null;
  const operation = getOperationAST(document, operationName);
  if (!operation || operation.operation === 'subscription') return null;
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const fields: FieldNode[] = [];
  const collect = (set: SelectionSetNode, seen: Set<string>) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) fields.push(selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, seen);
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) collect(fragment.selectionSet, seen);
      }
    }
  };
  collect(operation.selectionSet, new Set());

  const respondent = fields.filter((f) => SURVEY_RESPONDENT_FIELDS.includes(f.name.value));
  if (respondent.length === 0) return null;
  if (fields.some((f) => f.name.value !== '__typename' && !SURVEY_RESPONDENT_FIELDS.includes(f.name.value))) return null;
  const tokens = new Set<unknown>();
  for (const field of respondent) tokens.add(tokenOf(field, variables));
  if (tokens.size !== 1) return null;
  const parsed = parseSurveyToken([...tokens][0]);
  return parsed ? { type: 'surveyRespondent', tenantId: parsed.tenantId, tokenHash: parsed.tokenHash } : null;
}

/** The token a respondent field names: its `token` argument (a query), or its input's `token` (a mutation). */
function tokenOf(field: FieldNode, variables: Record<string, unknown> | null | undefined): unknown {
  const valueOf = (value: ValueNode | undefined): unknown =>
    value?.kind === Kind.STRING ? value.value : value?.kind === Kind.VARIABLE ? variables?.[value.name.value] : undefined;
  const argument = (name: string) => field.arguments?.find((a) => a.name.value === name)?.value;
  const token = argument('token');
  if (token) return valueOf(token);
  const input = argument('input');
  if (input?.kind === Kind.OBJECT) return valueOf(input.fields.find((f) => f.name.value === 'token')?.value);
  const given = valueOf(input);
  return given !== null && typeof given === 'object' ? (given as { token?: unknown }).token : undefined;
}
