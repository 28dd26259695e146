// The operations measured, as the gateway receives them, and how a response is judged: a response
// counts only if it is HTTP 200, has no `errors`, and carries the object asked for (not only a status).

export const BY_ID = `query ById($id: ID!) { node(id: $id) { ... on Visit { id title status startsAt } } }`;

/** Depth 3: the visit, its tasks (a page of up to 100), each task's assignee. */
export const BOARD = `query Board($id: ID!) { node(id: $id) { ... on Visit { id title tasks(first: 100) { nodes { id title status dueAt assignee { id title roles } } } } } }`;

export const CREATE = `mutation Create($input: CreateTaskInput!) { createTask(input: $input) {
  __typename ... on TaskPayload { task { id } } ... on Error { message } } }`;

export const CREATE_TITLE = '基准任务 bench task';

export const TASK_CHANGED = `subscription { taskChanged { cursor kind task { id title } } }`;

export const UPDATE_TITLE = `mutation Touch($id: ID!, $title: String!) { updateTask(input: { id: $id, title: $title }) {
  __typename ... on TaskPayload { task { id version } } ... on Error { message } } }`;

/** Cheap checks on the text (the load generator must not become the bottleneck): no errors, right object. */
export function goodResponse(status: number, body: string, mustContain: string): boolean {
  return status === 200 && body.startsWith('{"data":') && !body.includes('"errors"') && body.includes(mustContain);
}
