import { domainError } from '../../../shared/errors.ts';

export const PERSISTED_OPERATION_ERROR_CODES = ['INVALID_DOCUMENT', 'HASH_MISMATCH', 'LIMIT_REACHED', 'NOT_FOUND'] as const;
export type PersistedOperationErrorCode = (typeof PERSISTED_OPERATION_ERROR_CODES)[number];
export const PersistedOperationError = domainError(
  'PersistedOperationError',
  PERSISTED_OPERATION_ERROR_CODES,
  "A change of the tenant's persisted operations (trusted documents) was refused.",
  {
    'zh-Hans': {
      INVALID_DOCUMENT: '该文档不是可解析的 GraphQL 操作。',
      HASH_MISMATCH: '给出的哈希与文档的 SHA-256 不符。',
      LIMIT_REACHED: '持久化操作已达上限。',
    },
    en: {
      INVALID_DOCUMENT: 'The document is not a GraphQL operation that parses.',
      HASH_MISMATCH: "The hash given is not the document's SHA-256.",
      LIMIT_REACHED: 'The list of persisted operations is full.',
    },
  },
);
export type PersistedOperationError = InstanceType<typeof PersistedOperationError>;
