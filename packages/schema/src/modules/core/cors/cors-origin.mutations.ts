import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { CorsError } from './cors.errors.ts';
import { CorsOriginRef } from './cors-origin.ts';
import { addCorsOrigin, removeCorsOrigin } from './cors-origin.service.ts';

const CorsOriginPayload = builder.objectRef<{ corsOrigin: { id: string } }>('CorsOriginPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({ corsOrigin: t.field({ type: CorsOriginRef, resolve: (p) => p.corsOrigin as never }) }),
});

const RemoveCorsOriginPayload = builder.objectRef<{ id: string; origin: string }>('RemoveCorsOriginPayload').implement({
  subGraphs: TENANT_GRAPHS,
  fields: (t) => ({
    removedCorsOriginId: t.globalID({ resolve: (p) => ({ type: 'CorsOrigin', id: p.id }) }),
    origin: t.exposeString('origin'),
  }),
});

mutationField({
  name: 'addCorsOrigin',
  payload: CorsOriginPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [CorsError],
  description: "Allows a partner's browser origin (scheme://host[:port]) to call the API for this tenant (CORS).",
  input: (t) => ({
    origin: t.string({ required: true, description: 'e.g. https://partner.example (https; http only for localhost)' }),
    note: t.string({ required: false }),
  }),
  run: async (deps, input) => ({ corsOrigin: await addCorsOrigin(deps, input) }),
});

mutationField({
  name: 'removeCorsOrigin',
  payload: RemoveCorsOriginPayload,
  subGraphs: TENANT_GRAPHS,
  authScopes: { role: 'TENANT_ADMIN' },
  errors: [CorsError],
  input: (t) => ({ id: t.globalID({ required: true, for: [CorsOriginRef] }) }),
  run: (deps, input) => removeCorsOrigin(deps, input.id.id),
});
