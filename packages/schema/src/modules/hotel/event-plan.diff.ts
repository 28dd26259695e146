// The event plan (接待方案) as sections, and what changed between two versions. Pure.

export interface PlanSection {
  heading: string;
  body: string;
}

export interface SectionDiff {
  added: PlanSection[];
  removed: PlanSection[];
  changed: { heading: string; before: string; after: string }[];
}

/** Sections are matched by heading; a section whose body differs is changed. Order: the later version's, then removed ones in the earlier's. */
export function diffSections(before: readonly PlanSection[], after: readonly PlanSection[]): SectionDiff {
  const old = new Map(before.map((s) => [s.heading, s]));
  const now = new Set(after.map((s) => s.heading));
  const diff: SectionDiff = { added: [], removed: [], changed: [] };
  for (const section of after) {
    const was = old.get(section.heading);
    if (!was) diff.added.push(section);
    else if (was.body !== section.body) diff.changed.push({ heading: section.heading, before: was.body, after: section.body });
  }
  for (const section of before) if (!now.has(section.heading)) diff.removed.push(section);
  return diff;
}
