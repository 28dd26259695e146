// Top-level errors (`errors[]`) in the caller's language. Errors returned as data are translated by their
// `message` field (packages/schema, shared/graphql-errors.ts); a top-level error has no resolver, so the
// texts of the codes every client meets (UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED) are swapped here, after
// execution. They often come before the person or tenant is known, so the language is Accept-Language's
// alone (English without it). `extensions.code` never changes.
import { GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { negotiateLanguage, SHARED_ERROR_MESSAGES, type Language } from '@jiedai/schema';

const TRANSLATED = ['UNAUTHENTICATED', 'FORBIDDEN', 'RATE_LIMITED'] as const;
type Translated = (typeof TRANSLATED)[number];

/** The text of a top-level error's code in `language`, or the message as it was (English, or a code we do not translate). */
export function topLevelMessage(code: unknown, message: string, language: Language | null): string {
  if (!language || language === 'en' || !(TRANSLATED as readonly unknown[]).includes(code)) return message;
  return SHARED_ERROR_MESSAGES[language][code as Translated];
}

/** A result's top-level errors in `language`. */
export function localizeResult<R extends ExecutionResult>(result: R, language: Language | null): R {
  if (!language || language === 'en' || !result.errors?.length) return result;
  let changed = false;
  const errors = result.errors.map((error) => {
    const message = topLevelMessage(error.extensions?.code, error.message, language);
    if (message === error.message) return error;
    changed = true;
    return new GraphQLError(message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      originalError: error.originalError,
      extensions: error.extensions,
    });
  });
  return changed ? { ...result, errors } : result;
}

/** Over HTTP (every result yoga sends, the pre-execution ones included); a stream's events are left as they are. */
export function useErrorLanguage(): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      const language = negotiateLanguage(request.headers.get('accept-language'));
      if (!language || language === 'en' || !result || typeof result !== 'object' || Symbol.asyncIterator in result) return;
      setResult(Array.isArray(result) ? result.map((r) => localizeResult(r, language)) : localizeResult(result as ExecutionResult, language));
    },
  };
}
