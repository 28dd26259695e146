// Each request gets the schema of its tenant's kind (built once at start); callers without a tenant
// get the public schema. Works for HTTP, SSE and graphql-ws alike (TOOLCHAIN: a yoga `schema`
// function breaks the WebSocket path, `setSchema` in onEnveloped does not).
import type { Plugin } from 'graphql-yoga';
import { SUB_GRAPH_OF_KIND, type Schemas } from '@jiedai/schema';
import { requestStateOf } from '../request-state.ts';

export function useSchemaPerKind(schemas: Schemas): Plugin {
  return {
    onEnveloped({ context, setSchema }) {
      const kind = requestStateOf(context)?.auth.tenantKind;
      setSchema(kind ? schemas[SUB_GRAPH_OF_KIND[kind]] : schemas.public);
    },
  };
}
