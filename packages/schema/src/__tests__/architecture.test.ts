// The module architecture, read off the source: core and shared code imports no kind module, and no
// kind imports another kind. A kind reaches the rest of the application only through its definition
// (shared/kind-module.ts), registered by the composition root (modules/index.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SUB_GRAPH_OF_KIND } from '../build-schemas.ts';
import { TENANT_GRAPHS } from '../builder.ts';
import { KINDS as KIND_MODULES } from '../modules/index.ts';
import { TENANT_KINDS } from '../modules/core/tenancy/tenant.service.ts';
import { kindModule } from '../shared/kind-module.ts';

const src = fileURLToPath(new URL('..', import.meta.url));
const KINDS = ['government', 'hospital', 'hotel'] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === '__tests__' || name === 'generated' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every module a file imports (static, side-effect, re-export and dynamic), resolved to a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) =>
      relative(src, resolve(dirname(file), s))
        .split(sep)
        .join('/'),
    );
}

/** The kind a path under src/ belongs to, if any. */
const kindOf = (path: string) => KINDS.find((k) => path === `modules/${k}` || path.startsWith(`modules/${k}/`));

const rel = (file: string) => relative(src, file).split(sep).join('/');

describe('module architecture', () => {
  it('finds the imports it checks (the scanner is not blind)', () => {
    // A kind's definition imports its own files and shared ones: the scanner must see both.
    const government = importsOf(join(src, 'modules/government/index.ts'));
    expect(government).toContain('modules/government/rank.service.ts');
    expect(government).toContain('modules/shared/assessments/assessment.templates.ts');
    // The composition root is the one place that imports every kind.
    const root = importsOf(join(src, 'modules/index.ts'));
    expect(KINDS.every((k) => root.some((p) => kindOf(p) === k))).toBe(true);
    expect(sourceFiles(join(src, 'modules/shared')).length).toBeGreaterThan(30);
  });

  it('core and shared modules (and the shared core code) import no kind module', () => {
    const files = [...sourceFiles(join(src, 'modules/core')), ...sourceFiles(join(src, 'modules/shared')), ...sourceFiles(join(src, 'shared'))];
    const offending = files.flatMap((file) =>
      importsOf(file)
        .filter((p) => kindOf(p))
        .map((p) => `${rel(file)} imports ${p}`),
    );
    expect(offending).toEqual([]);
  });

  it('no kind imports another kind', () => {
    const offending = KINDS.flatMap((kind) =>
      sourceFiles(join(src, 'modules', kind)).flatMap((file) =>
        importsOf(file)
          .filter((p) => kindOf(p) && kindOf(p) !== kind)
          .map((p) => `${rel(file)} imports ${p}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('every tenant kind has one definition, registered by the composition root, serving its own tenant schema', () => {
    expect(KIND_MODULES.map((k) => k.kind).sort()).toEqual([...TENANT_KINDS].sort());
    for (const kind of TENANT_KINDS) {
      const definition = kindModule(kind);
      expect(KIND_MODULES).toContain(definition);
      expect(TENANT_GRAPHS).toContain(definition.subGraph);
      expect(SUB_GRAPH_OF_KIND[kind]).toBe(definition.subGraph);
      expect(definition.checklistTemplates.length, kind).toBeGreaterThan(0);
      expect(definition.surveyTemplates.length, kind).toBeGreaterThan(0);
      expect(definition.assessmentTemplates.length, kind).toBeGreaterThan(0);
    }
    expect(new Set(KIND_MODULES.map((k) => k.subGraph)).size).toBe(KIND_MODULES.length);
  });
});
