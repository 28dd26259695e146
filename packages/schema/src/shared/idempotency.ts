// Idempotency keys for mutations (first written for visits): a retried mutation with the same key
// returns the first result and creates nothing twice. The key row is written first: a concurrent
// retry waits on it, then reads the stored result. Keys live per tenant (`idempotency_keys`).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Prisma } from '@jiedai/db';
import type { ServiceDeps } from '../context.ts';
import { domainError, parseInput } from './errors.ts';

export const IDEMPOTENCY_ERROR_CODES = [
  /** The key was used for another operation, or for this one with other input. */
  'IDEMPOTENCY_KEY_REUSED',
  /** The key's first request succeeded, and its result held a secret shown once: it is not shown again. */
  'ALREADY_APPLIED',
] as const;
export type IdempotencyErrorCode = (typeof IDEMPOTENCY_ERROR_CODES)[number];

export const IdempotencyError = domainError(
  'IdempotencyError',
  IDEMPOTENCY_ERROR_CODES,
  'A retry with an idempotency key that cannot be answered with the first result; nothing was changed.',
  {
    'zh-Hans': { IDEMPOTENCY_KEY_REUSED: '该幂等键已用于其他请求或不同的输入。', ALREADY_APPLIED: '该请求已执行过，其结果含一次性显示的密钥，不再显示。' },
    en: {
      IDEMPOTENCY_KEY_REUSED: 'This idempotency key was used for another request or other input.',
      ALREADY_APPLIED: 'This request was applied already; its result held a secret shown once, not shown again.',
    },
  },
);
export type IdempotencyError = InstanceType<typeof IdempotencyError>;

/**
 * The operation a key is stored with: its name and a hash of its input (as the IETF Idempotency-Key draft and
 * Stripe do), so the same key with other input is refused (IDEMPOTENCY_KEY_REUSED) instead of replaying a
 * result that does not fit it. GraphQL coerces arguments in the schema's field order: the JSON is stable.
 */
export function keyed(operation: string, input: unknown): string {
  const { idempotencyKey: _key, ...rest } = (input ?? {}) as Record<string, unknown>;
  return `${operation}#${createHash('sha256').update(JSON.stringify(rest)).digest('base64url').slice(0, 32)}`;
}

/** The length limits of an idempotency key (a UUID fits). */
export const IDEMPOTENCY_KEY_MIN_LENGTH = 8;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
const keySchema = z.object({ idempotencyKey: z.string().min(IDEMPOTENCY_KEY_MIN_LENGTH).max(IDEMPOTENCY_KEY_MAX_LENGTH) });

const reusedKey = () => new IdempotencyError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for another operation');

/** Runs `fn` once per (tenant, key); a retry with the key gets the first result back (stored as JSON). */
export async function idempotent<T extends Prisma.InputJsonValue>(
  deps: ServiceDeps,
  key: string | null | undefined,
  operation: string,
  fn: () => Promise<T>,
  reused: () => Error = reusedKey,
): Promise<T> {
  if (!key) return fn();
  // Services report paths relative to their input: the key is the input's `idempotencyKey`.
  const parsedKey = parseInput(keySchema, { idempotencyKey: key }).idempotencyKey;
  const tenantId = deps.access.tenantId!;
  const inserted = await deps.db.$queryRaw<{ key: string }[]>`
    INSERT INTO idempotency_keys (tenant_id, key, operation) VALUES (${tenantId}::uuid, ${parsedKey}, ${operation})
    ON CONFLICT (tenant_id, key) DO NOTHING RETURNING key`;
  if (inserted.length === 0) {
    const existing = await deps.db.idempotencyKey.findUniqueOrThrow({ where: { tenantId_key: { tenantId, key: parsedKey } } });
    if (existing.operation !== operation || existing.result === null) throw reused();
    return existing.result as T;
  }
  const result = await fn();
  await deps.db.idempotencyKey.update({ where: { tenantId_key: { tenantId, key: parsedKey } }, data: { result } });
  return result;
}

/**
 * A create that returns its record: the key stores the record's id, and a retry loads the record
 * again. Without a key nothing more than the create runs.
 */
export async function idempotentCreate<R extends { id: string }>(
  deps: ServiceDeps,
  key: string | null | undefined,
  operation: string,
  create: () => Promise<R>,
  load: (id: string) => Promise<R>,
): Promise<R> {
  if (!key) return create();
  let created: R | undefined;
  const { id } = await idempotent(deps, key, operation, async () => {
    created = await create();
    return { id: created.id };
  });
  return created ?? load(id);
}

/**
 * A create whose result holds a secret shown once (an API key, respondent links): a retry with the
 * key creates nothing and is told so (ALREADY_APPLIED, naming what the first request created),
 * since the secret is not stored to be shown again.
 */
export async function idempotentOnce<R>(
  deps: ServiceDeps,
  key: string | null | undefined,
  operation: string,
  create: () => Promise<R>,
  idOf: (result: R) => string,
  /** The GraphQL type of what was created, to name it by its global id. */
  typename: string,
): Promise<R> {
  if (!key) return create();
  let created: { value: R } | undefined;
  const { id } = await idempotent(deps, key, operation, async () => {
    const value = await create();
    created = { value };
    return { id: idOf(value) };
  });
  if (created) return created.value;
  const globalId = Buffer.from(`${typename}:${id}`).toString('base64');
  throw new IdempotencyError('ALREADY_APPLIED', `This key already created ${typename} ${globalId}; its secret was shown once and is not shown again`);
}

export const IDEMPOTENCY_KEY_DESCRIPTION =
  `Optional, ${IDEMPOTENCY_KEY_MIN_LENGTH} to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters (a UUID fits); a shorter or longer key is refused ` +
  'as a ValidationError naming ["input", "idempotencyKey"]. Retrying with the same key and the same input returns the first result ' +
  'and changes nothing twice; the same key with other input is refused (IdempotencyError IDEMPOTENCY_KEY_REUSED).';
