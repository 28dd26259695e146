// Breaking changes of the printed schemas against a baseline, each written down once.
//
// schemas/baseline/<kind>.graphql is the printed SDL of every kind as it was when the API contract of issue 11
// was reworked (main at the start of that work). schemas/BREAKING.md records every breaking change between the
// baseline and the schema the code prints now, as graphql-js's `findBreakingChanges` names it, once across all
// kinds, with the kinds it affects and an optional note for client developers under it. The schema-changes test
// fails on any breaking change that is not recorded there (and on a recorded one that no longer happens);
// `pnpm schema:breaking` rewrites the record from the code, keeping the notes already written.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSchema, findBreakingChanges } from 'graphql';
import { SUB_GRAPHS, type SubGraph } from './builder.ts';

export const BREAKING_RECORD_PATH = fileURLToPath(new URL('../schemas/BREAKING.md', import.meta.url));
const baselinePath = (kind: SubGraph) => fileURLToPath(new URL(`../schemas/baseline/${kind}.graphql`, import.meta.url));

/** One breaking change: `TYPE: description` (graphql-js's words) and the kinds whose schema it breaks. */
export interface BreakingChange {
  change: string;
  kinds: SubGraph[];
}

/** The breaking changes from the baseline to `printed` (the SDL of each kind), once each, sorted. */
export function breakingChanges(printed: Record<SubGraph, string>): BreakingChange[] {
  const byChange = new Map<string, SubGraph[]>();
  for (const kind of SUB_GRAPHS) {
    const before = buildSchema(readFileSync(baselinePath(kind), 'utf8'));
    const after = buildSchema(printed[kind]);
    for (const { type, description } of findBreakingChanges(before, after)) {
      const change = `${type}: ${description}`;
      const kinds = byChange.get(change) ?? [];
      if (!kinds.includes(kind)) kinds.push(kind);
      byChange.set(change, kinds);
    }
  }
  return [...byChange.entries()].map(([change, kinds]) => ({ change, kinds })).sort((a, b) => a.change.localeCompare(b.change));
}

/** The line a change has in BREAKING.md. */
export const recordLine = (c: BreakingChange) => `- ${c.change} (${c.kinds.join(', ')})`;

const LINE = /^- ([A-Z_]+: .+) \(([a-z, ]+)\)$/;

/** The changes recorded in BREAKING.md, each with the note written under it (indented lines). */
export function readRecord(text: string): { lines: string[]; notes: Map<string, string[]> } {
  const lines: string[] = [];
  const notes = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    const match = LINE.exec(line);
    if (match) {
      lines.push(line);
      current = [];
      notes.set(match[1]!, current);
    } else if (current && /^ {2}\S/.test(line)) {
      current.push(line);
    } else {
      current = null;
    }
  }
  return { lines, notes };
}

const HEADER = `# Breaking changes of the GraphQL API

Every change below breaks a client written against the schema before it (the baseline, \`schemas/baseline/\`:
the printed SDL of every kind before issue 11 reworked the API contract). Each is listed once, as graphql-js's
\`findBreakingChanges\` names it, with the kinds whose schema it affects; the indented text under a change tells a
client what to use instead (optional, but write one where it is not obvious).

A test (\`packages/schema/src/__tests__/schema-changes.test.ts\`) fails when the schema breaks in a way not listed
here. To record a change: run \`pnpm schema:breaking\` (it rewrites this list from the code and keeps the notes),
then write a note under each new line that needs one.
`;

/** BREAKING.md for these changes, keeping the notes of `previous` (the file as it was). */
export function renderRecord(changes: BreakingChange[], previous: string): string {
  const { notes } = readRecord(previous);
  const body = changes.flatMap((c) => [recordLine(c), ...(notes.get(c.change) ?? [])]);
  return `${HEADER}\n${body.join('\n')}\n`;
}
