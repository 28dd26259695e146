import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { IdentityError } from './identity.errors.ts';
import { ApiKeyRef } from './api-key.ts';
import { createApiKey, revokeApiKey } from './api-key.service.ts';

const ApiKeyRoleEnum = builder.enumType('ApiKeyRole', {
  values: ['COORDINATOR', 'APPROVER', 'STAFF', 'VIEWER'] as const,
  subGraphs: TENANT_GRAPHS,
});

const CreateApiKeySuccess = builder.objectRef<{ apiKey: { id: string }; secret: string }>('CreateApiKeySuccess').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.apiKey as never }),
    secret: t.exposeString('secret', { description: 'The key itself: shown this once, send it as `Authorization: Bearer <secret>`.' }),
  }),
});

const RevokeApiKeySuccess = builder.objectRef<{ apiKey: { id: string } }>('RevokeApiKeySuccess').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({ apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.apiKey as never }) }),
});

mutationField({
  name: 'createApiKey',
  payload: CreateApiKeySuccess,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [],
  input: (t) => ({ name: t.string({ required: true }), role: t.field({ type: ApiKeyRoleEnum, required: true }) }),
  // The secret is shown once: a retry with the key creates no second key and says so (ALREADY_APPLIED).
  idempotency: { once: { id: (p) => p.apiKey.id, typename: 'ApiKey' } },
  run: (deps, input) => createApiKey(deps, input),
});
mutationField({
  name: 'revokeApiKey',
  payload: RevokeApiKeySuccess,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [IdentityError],
  input: (t) => ({ id: t.globalID({ required: true, for: [ApiKeyRef] }) }),
  run: async (deps, input) => ({ apiKey: await revokeApiKey(deps, input.id.id) }),
});
