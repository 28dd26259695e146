// A person's own language: set or cleared by themselves (a SECURITY DEFINER function: the app role writes no
// user row, 0021_languages.sql). The tenant's default is `Tenant.locale` (updateTenant, tenant admins).
import { z } from 'zod';
import type { ServiceDeps } from '../../../context.ts';
import { parseInput } from '../../../shared/errors.ts';
import { LANGUAGES, type Language } from '../../../shared/i18n.ts';
import { AccountError } from '../identity/identity.errors.ts';

export async function setPreferredLanguage(deps: ServiceDeps, input: { language?: string | null }): Promise<{ language: Language | null }> {
  if (!deps.access.userId) throw new AccountError('NOT_SIGNED_IN', 'Sign in with your own account (not an API key) first');
  const { language } = parseInput(z.object({ language: z.enum(LANGUAGES).nullish() }), input);
  await deps.db.$executeRaw`SELECT auth_set_own_preferred_language(${language ?? null})`;
  return { language: language ?? null };
}
