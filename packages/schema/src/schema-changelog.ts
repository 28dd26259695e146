// The schema changelog (schemas/CHANGELOG.md), generated from the printed SDL: `pnpm schema:print` compares the
// schemas the code builds with the printed SDL on disk (the schema as last printed and committed) and, when they
// differ, puts an entry at the top of the changelog listing what was added, deprecated, changed and removed (with
// the kinds each change concerns; breaking ones marked), then writes the new SDL. The changelog's header holds the
// SHA-256 of the printed SDL it describes; a test fails when the schema changed and the changelog was not
// regenerated. Graphql-js's findBreakingChanges only knows what breaks; additions and deprecations are found here.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  findBreakingChanges,
  findDangerousChanges,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import type { SubGraph } from './builder.ts';

export const CHANGELOG_PATH = fileURLToPath(new URL('../schemas/CHANGELOG.md', import.meta.url));

export type Printed = Partial<Record<SubGraph, string>>;

/** The SHA-256 of every kind's printed SDL, in a fixed order: what the changelog says it is up to date with. */
export function printedHash(printed: Printed): string {
  const hash = createHash('sha256');
  for (const kind of Object.keys(printed).sort()) hash.update(`${kind}\n${printed[kind as SubGraph]}\n`);
  return hash.digest('hex');
}

const HASH_LINE = /^<!-- printed SDL sha256: ([0-9a-f]{64}) -->$/m;

export function recordedHash(changelog: string): string | null {
  return HASH_LINE.exec(changelog)?.[1] ?? null;
}

type Section = 'Added' | 'Deprecated' | 'Changed' | 'Removed';

const isBuiltIn = (name: string) => name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(name);

function fieldsOf(type: GraphQLNamedType): Map<string, { type: string; deprecation?: string | null | undefined; args?: string }> {
  const out = new Map<string, { type: string; deprecation?: string | null | undefined; args?: string }>();
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const f of Object.values(type.getFields())) {
      out.set(f.name, { type: String(f.type), deprecation: f.deprecationReason, args: f.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ') });
    }
  } else if (isInputObjectType(type)) {
    for (const f of Object.values(type.getFields())) out.set(f.name, { type: String(f.type), deprecation: f.deprecationReason });
  } else if (isEnumType(type)) {
    for (const v of type.getValues()) out.set(v.name, { type: 'value', deprecation: v.deprecationReason });
  } else if (isUnionType(type)) {
    for (const m of type.getTypes()) out.set(m.name, { type: 'member' });
  }
  return out;
}

const kindOfType = (type: GraphQLNamedType) =>
  isObjectType(type)
    ? 'type'
    : isInterfaceType(type)
      ? 'interface'
      : isInputObjectType(type)
        ? 'input'
        : isEnumType(type)
          ? 'enum'
          : isUnionType(type)
            ? 'union'
            : 'scalar';

/** What changed between two versions of one schema, as lines per section. */
function diffSchema(before: GraphQLSchema, after: GraphQLSchema): { section: Section; line: string }[] {
  const out: { section: Section; line: string }[] = [];
  const oldTypes = before.getTypeMap();
  const newTypes = after.getTypeMap();
  for (const [name, type] of Object.entries(newTypes)) {
    if (isBuiltIn(name)) continue;
    const old = oldTypes[name];
    if (!old) {
      out.push({ section: 'Added', line: `${kindOfType(type)} \`${name}\`` });
      continue;
    }
    const was = fieldsOf(old);
    const now = fieldsOf(type);
    const member = isEnumType(type) ? 'value' : isUnionType(type) ? 'member' : 'field';
    for (const [field, spec] of now) {
      const prior = was.get(field);
      if (!prior) {
        out.push({ section: 'Added', line: `${member} \`${name}.${field}\`${spec.type !== 'value' && spec.type !== 'member' ? `: \`${spec.type}\`` : ''}` });
        continue;
      }
      if (spec.deprecation && !prior.deprecation) out.push({ section: 'Deprecated', line: `${member} \`${name}.${field}\`: ${spec.deprecation}` });
      if (prior.type !== spec.type) out.push({ section: 'Changed', line: `${member} \`${name}.${field}\`: \`${prior.type}\` → \`${spec.type}\`` });
      if ((prior.args ?? '') !== (spec.args ?? ''))
        out.push({ section: 'Changed', line: `arguments of \`${name}.${field}\`: (${prior.args}) → (${spec.args})` });
    }
    for (const field of was.keys()) if (!now.has(field)) out.push({ section: 'Removed', line: `${member} \`${name}.${field}\`` });
  }
  for (const name of Object.keys(oldTypes))
    if (!isBuiltIn(name) && !newTypes[name]) out.push({ section: 'Removed', line: `${kindOfType(oldTypes[name]!)} \`${name}\`` });
  for (const b of findBreakingChanges(before, after)) out.push({ section: 'Changed', line: `**breaking** ${b.type}: ${b.description}` });
  for (const d of findDangerousChanges(before, after)) out.push({ section: 'Changed', line: `**dangerous** ${d.type}: ${d.description}` });
  return out;
}

/** The lines of a changelog entry (per section, each with the kinds it concerns), or none when nothing changed. */
export function changelogEntry(before: Printed, after: Printed): string[] {
  const byLine = new Map<string, { section: Section; kinds: string[] }>();
  for (const kind of Object.keys(after) as SubGraph[]) {
    const a = after[kind];
    const b = before[kind];
    if (!a || a === b) continue;
    const changes = diffSchema(buildSchema(b ?? 'type Query { _: Boolean }'), buildSchema(a));
    for (const { section, line } of changes) {
      const key = `${section}\u0000${line}`;
      const entry = byLine.get(key) ?? { section, kinds: [] };
      entry.kinds.push(kind);
      byLine.set(key, entry);
    }
  }
  const lines: string[] = [];
  for (const section of ['Added', 'Deprecated', 'Changed', 'Removed'] as const) {
    const items = [...byLine.entries()].filter(([, v]) => v.section === section).map(([key, v]) => `- ${key.split('\u0000')[1]} (${v.kinds.join(', ')})`);
    if (items.length === 0) continue;
    lines.push(`### ${section}`, '', ...items.sort(), '');
  }
  return lines;
}

const HEADER = `# Schema changelog

What changed in the GraphQL API, newest first, generated from the printed SDL (\`packages/schema/schemas/*.graphql\`)
by \`pnpm schema:print\`: each entry is the difference between the schema as last printed and the schema the code
builds, per kind (\`public\`, \`government\`, \`hospital\`, \`hotel\`). Breaking changes are also recorded, with what to
use instead, in [BREAKING.md](BREAKING.md). Do not edit entries by hand; a title line may be rewritten.
`;

/** The changelog with a new entry on top (when the schema changed) and the hash of `after`. */
export function renderChangelog(previous: string, before: Printed, after: Printed, title: string): string {
  const entry = changelogEntry(before, after);
  const body = previous.includes('\n## ') ? previous.slice(previous.indexOf('\n## ') + 1) : '';
  const top = entry.length > 0 ? `## ${title}\n\n${entry.join('\n')}\n` : '';
  return `${HEADER}\n<!-- printed SDL sha256: ${printedHash(after)} -->\n\n${top}${body}`.replace(/\n{3,}/g, '\n\n');
}
