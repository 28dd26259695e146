// Each request gets the schema of its tenant's kind (built once at start); callers without a tenant
// get the public schema. Works for HTTP, SSE and graphql-ws alike (TOOLCHAIN: a yoga `schema`
// function breaks the WebSocket path, `setSchema` in onEnveloped does not).
import type { Plugin } from 'graphql-yoga';
import { SUB_GRAPH_OF_KIND, type Schemas } from '@jiedai/schema';
import type { RequestAuth } from '../auth.ts';

export const authByRequest = new WeakMap<Request, RequestAuth>();

export function useSchemaPerKind(schemas: Schemas): Plugin {
  return {
    onEnveloped({ context, setSchema }) {
      const request = (context as { request?: Request } | undefined)?.request;
      const kind = request ? authByRequest.get(request)?.tenantKind : null;
      setSchema(kind ? schemas[SUB_GRAPH_OF_KIND[kind]] : schemas.public);
    },
  };
}
