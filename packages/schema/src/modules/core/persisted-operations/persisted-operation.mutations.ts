import { getOperationAST, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { IdentityError } from '../identity/identity.errors.ts';
import { ApiKeyRef } from '../identity/api-key.ts';
import { PersistedOperationError } from './persisted-operation.errors.ts';
import { PersistedOperationRef } from './persisted-operation.ts';
import {
  MAX_DOCUMENT_LENGTH,
  MAX_PER_REGISTRATION,
  registerPersistedOperations,
  removePersistedOperation,
  setApiKeyPersistedOperationsOnly,
} from './persisted-operation.service.ts';

const PersistedOperationInput = builder.inputType('PersistedOperationInput', {
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    document: t.string({ required: true, description: `The document's exact text (at most ${MAX_DOCUMENT_LENGTH} characters); its SHA-256 is its hash.` }),
    hash: t.string({ required: false, description: 'The SHA-256 the app will send (hex); when given it must be the one of `document`.' }),
  }),
});

const RegisterPersistedOperationsPayload = builder.objectRef<{ persistedOperations: { id: string }[] }>('RegisterPersistedOperationsPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    persistedOperations: t.field({ type: [PersistedOperationRef], nullable: { list: false, items: false }, resolve: (p) => p.persistedOperations as never }),
  }),
});

const RemovePersistedOperationPayload = builder.objectRef<{ id: string; hash: string }>('RemovePersistedOperationPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    removedPersistedOperationId: t.globalID({ resolve: (p) => ({ type: 'PersistedOperation', id: p.id }) }),
    hash: t.exposeString('hash'),
  }),
});

const ApiKeyPayload = builder.objectRef<{ apiKey: { id: string } }>('ApiKeyPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.apiKey as never }) }),
});

/** At most this many of a document's validation errors are named in the refusal. */
const ERRORS_SHOWN = 3;

/**
 * The document's operation name; refuses text that does not parse, holds no operation, or is not valid against
 * `schema` (the caller's kind's: a document registered here runs against it), naming the first errors.
 */
function operationNameOf(document: string, index: number, schema: GraphQLSchema): string | null {
  let ast: DocumentNode;
  try {
    ast = parse(document, { noLocation: true });
  } catch (error) {
    throw new PersistedOperationError('INVALID_DOCUMENT', `operations[${index}]: ${(error as Error).message}`);
  }
  const operations = ast.definitions.filter((d) => d.kind === 'OperationDefinition');
  if (operations.length === 0) throw new PersistedOperationError('INVALID_DOCUMENT', `operations[${index}]: no operation in the document`);
  const errors = validate(schema, ast, undefined, { maxErrors: ERRORS_SHOWN + 1 });
  if (errors.length > 0) {
    const shown = errors.slice(0, ERRORS_SHOWN).map((e) => e.message);
    throw new PersistedOperationError('INVALID_DOCUMENT', `operations[${index}]: ${shown.join(' ')}${errors.length > ERRORS_SHOWN ? ' …' : ''}`);
  }
  return operations.length === 1 ? (getOperationAST(ast)?.name?.value ?? null) : null;
}

mutationField({
  name: 'registerPersistedOperations',
  payload: RegisterPersistedOperationsPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [PersistedOperationError],
  description:
    `Registers a partner app's documents (at most ${MAX_PER_REGISTRATION} at once) under their SHA-256; registering one again changes nothing. ` +
    "Each is checked against the caller's schema now (INVALID_DOCUMENT names the first errors) and again when it runs.",
  input: (t) => ({
    clientName: t.string({ required: true, description: 'The partner app, e.g. "his-integration@2.3".' }),
    operations: t.field({ type: [PersistedOperationInput], required: true }),
  }),
  run: async (deps, input, _ctx, info) => ({
    persistedOperations: await registerPersistedOperations(deps, {
      clientName: input.clientName,
      operations: input.operations.map((op, i) => ({
        document: op.document,
        hash: op.hash ?? null,
        operationName: op.document.length <= MAX_DOCUMENT_LENGTH ? operationNameOf(op.document, i, info.schema) : null,
      })),
    }),
  }),
});

mutationField({
  name: 'removePersistedOperation',
  payload: RemovePersistedOperationPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [PersistedOperationError],
  input: (t) => ({ id: t.globalID({ required: true, for: [PersistedOperationRef] }) }),
  run: (deps, input) => removePersistedOperation(deps, input.id.id),
});

mutationField({
  name: 'setApiKeyPersistedOperationsOnly',
  payload: ApiKeyPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [IdentityError],
  description: "Holds an API key to the tenant's persisted operations: any other document it sends is refused (PERSISTED_OPERATION_REQUIRED).",
  input: (t) => ({
    id: t.globalID({ required: true, for: [ApiKeyRef] }),
    persistedOperationsOnly: t.boolean({ required: true }),
  }),
  run: async (deps, input) => ({ apiKey: await setApiKeyPersistedOperationsOnly(deps, input.id.id, input.persistedOperationsOnly) }),
});
