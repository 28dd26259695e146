// Survey respondents (and other holders of a public link, such as a service point's complaint code:
// packages/schema's shared/public-links.ts) have no account: their token is the permission, and it
// arrives as the `token` argument of the link's root fields (`surveyInvitation`, `complaintIntake`) or
// the `input.token` / `input.code` of its mutation (`submitSurveyResponse`, `submitPublicComplaint`).
// The token's text names its tenant (like an API key's), so before the operation's transaction starts,
// this reads that argument and turns an anonymous caller into a `surveyRespondent` (or `publicLink`)
// credential: the transaction then runs in the token's tenant, under RLS, with no user and no role.
//
// Kept narrow on purpose:
//   * only anonymous callers (a signed-in member stays in their own tenant, where another tenant's
//     token finds nothing);
//   * only when the operation's root fields are fields of one kind of link and __typename — anything else in
//     the same operation would otherwise run with the token's tenant set, so such an operation stays
//     anonymous (no tenant: the respondent fields then answer INVALID_TOKEN);
//   * one token per operation;
//   * the tenant is a selector, not a proof: the resolvers find the invitation by the token's SHA-256
//     inside that tenant's RLS scope, or refuse it like any forged token.
import { getOperationAST, Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';
import { publicLinkKindOf, type Credential } from '@jiedai/schema';

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

  const linked = fields.filter((f) => f.name.value !== '__typename');
  const kind = linked[0] ? publicLinkKindOf(linked[0].name.value) : undefined;
  if (!kind || linked.some((f) => publicLinkKindOf(f.name.value) !== kind)) return null;
  const tokens = new Set<unknown>();
  for (const field of linked) tokens.add(tokenOf(field, variables));
  if (tokens.size !== 1) return null;
  const parsed = kind.parse([...tokens][0]);
  if (!parsed) return null;
  return { type: kind.name === 'survey' ? 'surveyRespondent' : 'publicLink', tenantId: parsed.tenantId, tokenHash: parsed.tokenHash };
}

/** The token a link's field names: its `token` (or `code`) argument (a query), or its input's `token` or `code` (a mutation). */
function tokenOf(field: FieldNode, variables: Record<string, unknown> | null | undefined): unknown {
  const literal = (value: ValueNode | undefined): unknown =>
    value?.kind === Kind.STRING ? value.value : value?.kind === Kind.VARIABLE ? variables?.[value.name.value] : undefined;
  const argument = (name: string) => field.arguments?.find((a) => a.name.value === name)?.value;
  const direct = argument('token') ?? argument('code');
  if (direct) return literal(direct);
  const input = argument('input');
  if (input?.kind === Kind.OBJECT) return literal(input.fields.find((f) => f.name.value === 'token' || f.name.value === 'code')?.value);
  const given = literal(input);
  if (given === null || typeof given !== 'object') return undefined;
  const { token, code } = given as { token?: unknown; code?: unknown };
  return token ?? code;
}
