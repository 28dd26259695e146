import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { serviceDeps } from '../../../context.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { atomically } from '../../../shared/mutation.ts';
import { IDEMPOTENCY_KEY_DESCRIPTION, IdempotencyError, idempotentOnce, keyed } from '../../../shared/idempotency.ts';
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

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreateApiKeySuccess,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { name: t.arg.string({ required: true }), role: t.arg({ type: ApiKeyRoleEnum, required: true }), idempotencyKey: t.arg.string({ required: false, description: IDEMPOTENCY_KEY_DESCRIPTION }) },
    errors: { types: [ValidationError, IdempotencyError], directResult: true, union: { name: 'CreateApiKeyResult' } },
    // The secret is shown once: a retry with the key creates no second key and says so (ALREADY_APPLIED).
    resolve: (_root, { idempotencyKey, ...args }, ctx) =>
      atomically(ctx, () =>
        idempotentOnce(serviceDeps(ctx), idempotencyKey, keyed('createApiKey', args), () => createApiKey(serviceDeps(ctx), args), (r) => r.apiKey.id, 'ApiKey'),
      ),
  }),
  revokeApiKey: t.field({
    type: RevokeApiKeySuccess,
    subGraphs: TENANT_GRAPHS,
    authScopes: { role: 'TENANT_ADMIN' },
    args: { id: t.arg.globalID({ required: true, for: [ApiKeyRef] }) },
    errors: { types: [IdentityError], directResult: true, union: { name: 'RevokeApiKeyResult' } },
    resolve: async (_root, args, ctx) => ({
      apiKey: await atomically(ctx, () => revokeApiKey(serviceDeps(ctx), args.id.id)),
    }),
  }),
}));
