// Languages on the schema: the viewer's preferred language and the language enum.
import { ALL_GRAPHS, builder } from '../../../builder.ts';
import { LANGUAGES, type Language } from '../../../shared/i18n.ts';
import { UserRef } from '../identity/user.ts';

export const LanguageEnum = builder.enumType('Language', {
  subGraphs: ALL_GRAPHS,
  description: 'A language messages are written in (error messages, task texts of templates).',
  values: Object.fromEntries(LANGUAGES.map((l) => [l.replace('-', '_').toUpperCase(), { value: l }])) as Record<string, { value: Language }>,
});

builder.objectField(UserRef, 'preferredLanguage', (t) =>
  t.field({
    type: LanguageEnum,
    nullable: true,
    description: "The language this person wants messages in (setPreferredLanguage); null: the request's Accept-Language, else the tenant's.",
    resolve: (user) => (user.preferredLanguage as Language | null) ?? null,
  }),
);
