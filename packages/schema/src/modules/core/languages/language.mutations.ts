// setPreferredLanguage: the signed-in person's own language for messages.
import { ALL_GRAPHS, builder } from '../../../builder.ts';
import type { Language } from '../../../shared/i18n.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { AccountError } from '../identity/identity.errors.ts';
import { LanguageEnum } from './language.ts';
import { setPreferredLanguage } from './language.service.ts';

const PreferredLanguagePayload = builder.objectRef<{ language: Language | null }>('PreferredLanguagePayload').implement({
  subGraphs: ALL_GRAPHS,
  fields: (t) => ({ language: t.field({ type: LanguageEnum, nullable: true, resolve: (p) => p.language }) }),
});

mutationField({
  name: 'setPreferredLanguage',
  description: "Sets the signed-in person's language for messages (error messages …): it wins over Accept-Language and the tenant's default. null clears it.",
  subGraphs: ALL_GRAPHS,
  payload: PreferredLanguagePayload,
  errors: [AccountError],
  input: (t) => ({ language: t.field({ type: LanguageEnum, required: false }) }),
  run: (deps, input) => setPreferredLanguage(deps, input),
});
