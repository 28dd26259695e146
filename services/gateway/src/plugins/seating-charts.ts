// Seating charts over HTTP (government offices' protocol): GET /charts/meals/<Meal id>/tables/<n>.svg and
// GET /charts/vehicles/<Vehicle id>.svg answer the SVG of a table's or a vehicle's seating, A4, printable.
// Each is the GraphQL field that holds the chart, asked through the gateway itself with the caller's own
// credentials: the same authentication, tenant scope (RLS) and schema per kind as any operation, so a chart is
// served exactly to those who may read it. 404 when the caller cannot see it or it has not been proposed.
import type { Plugin } from 'graphql-yoga';

const MEAL_CHART = /^\/charts\/meals\/([A-Za-z0-9=_-]+)\/tables\/(\d{1,2})\.svg$/;
const VEHICLE_CHART = /^\/charts\/vehicles\/([A-Za-z0-9=_-]+)\.svg$/;

type Fetch = (request: Request, serverContext: Record<string, unknown>) => Promise<Response> | Response;

export function useSeatingCharts(gateway: () => { fetch: Fetch }): Plugin {
  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      const meal = MEAL_CHART.exec(url.pathname);
      const vehicle = meal ? null : VEHICLE_CHART.exec(url.pathname);
      if (!meal && !vehicle) return;
      if (request.method !== 'GET') return endResponse(new Response(null, { status: 405, headers: { allow: 'GET' } }));
      const id = decodeURIComponent((meal ?? vehicle)![1]!);
      const query = meal
        ? 'query($id: ID!) { node(id: $id) { ... on Meal { banquetSeating { tables { number svg } } } } }'
        : 'query($id: ID!) { node(id: $id) { ... on Vehicle { seating { svg } } } }';
      const headers = new Headers({ 'content-type': 'application/json', 'x-graphql-yoga-csrf': '1' });
      for (const name of ['authorization', 'x-tenant-id', 'x-request-id', 'x-forwarded-for']) {
        const value = request.headers.get(name);
        if (value) headers.set(name, value);
      }
      const body = JSON.stringify({ query, variables: { id } });
      headers.set('content-length', String(new TextEncoder().encode(body).length));
      const inner = await gateway().fetch(new Request(new URL('/graphql', url), { method: 'POST', headers, body }), serverContext);
      const result = (await inner.json().catch(() => null)) as {
        data?: { node?: { banquetSeating?: { tables: { number: number; svg: string }[] } | null; seating?: { svg: string } | null } | null };
        errors?: unknown[];
      } | null;
      if (inner.status === 401 || inner.status === 403)
        return endResponse(new Response(JSON.stringify(result), { status: inner.status, headers: { 'content-type': 'application/json' } }));
      const node = result?.data?.node;
      const svg = meal ? node?.banquetSeating?.tables.find((t) => t.number === Number(meal[2]))?.svg : node?.seating?.svg;
      if (!svg)
        return endResponse(
          new Response(JSON.stringify({ errors: [{ message: 'No such chart', extensions: { code: 'NOT_FOUND' } }] }), {
            status: 404,
            headers: { 'content-type': 'application/json' },
          }),
        );
      return endResponse(new Response(svg, { status: 200, headers: { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'private, no-store' } }));
    },
  };
}
