// prisma/schema.prisma (what the Prisma client believes) and the migrated database (what the SQL
// migrations built) must describe the same tables. This test reads Prisma's full DMMF straight from
// schema.prisma with the schema wasm that ships in the `prisma` CLI package (offline, no engine
// download, no @prisma/internals), reads pg_catalog of the run's migrated database as the superuser,
// and compares: tables, columns (type, nullability, list-ness, no extras), primary keys, uniques,
// indexes and foreign keys, in both directions where it matters. One difference is allowed: a tenant table's
// primary key is (tenant_id, …) where Prisma's @id / @@id leaves tenant_id out (migration 0026, schema.prisma).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Prisma } from '../generated/prisma/client.ts';
import * as generatedEnums from '../generated/prisma/enums.ts';

// ── Prisma's type → PostgreSQL type (pg_type.typname) ────────────────────────────────────────────
// Key: the Prisma scalar type, or "Type @db.Native" when the field has a native type attribute.
// A field whose key is missing here fails the test: extend the table deliberately.
const PG_TYPE_FOR: Record<string, string> = {
  String: 'text',
  'String @db.Text': 'text',
  'String @db.Char': 'bpchar',
  'String @db.VarChar': 'varchar',
  'String @db.Uuid': 'uuid',
  Int: 'int4',
  'Int @db.Integer': 'int4',
  'Int @db.SmallInt': 'int2',
  BigInt: 'int8',
  Float: 'float8',
  Decimal: 'numeric',
  'Decimal @db.Decimal': 'numeric',
  Boolean: 'bool',
  DateTime: 'timestamp',
  'DateTime @db.Timestamp': 'timestamp',
  'DateTime @db.Timestamptz': 'timestamptz',
  'DateTime @db.Date': 'date',
  Json: 'jsonb',
  'Json @db.Json': 'json',
  Bytes: 'bytea',
};
/** Types whose unspecified precision (typmod -1) equals precision 6. */
const DEFAULT_PRECISION_6 = new Set(['timestamp', 'timestamptz', 'time', 'timetz']);

// Prisma referential action → pg_constraint.confdeltype
const PG_ACTION_FOR: Record<string, string> = {
  Cascade: 'c',
  Restrict: 'r',
  NoAction: 'a',
  SetNull: 'n',
  SetDefault: 'd',
};

// ── Prisma DMMF (the subset this test reads) ────────────────────────────────────────────────────
interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType?: [string, string[]] | null;
  relationName?: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  schema?: string | null;
  fields: DmmfField[];
}
interface DmmfEnum {
  name: string;
  dbName?: string | null;
  values: { name: string; dbName?: string | null }[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}
interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: DmmfEnum[]; indexes: DmmfIndex[] };
}

const schemaPath = fileURLToPath(new URL('../../../../prisma/schema.prisma', import.meta.url));

/**
 * Calls `get_dmmf` of prisma_schema_build_bg.wasm (the same wasm `prisma generate` uses; it ships
 * in node_modules/prisma/build). The wasm-bindgen glue is bundled inside the CLI and not exported,
 * so this is a minimal glue: four imports, strings passed through linear memory, errors as externrefs.
 */
function loadDmmf(schemaText: string): Dmmf {
  const require = createRequire(import.meta.url);
  const buildDir = path.join(path.dirname(require.resolve('prisma/package.json')), 'build');
  const module = new WebAssembly.Module(readFileSync(path.join(buildDir, 'prisma_schema_build_bg.wasm')));
  interface Exports {
    memory: WebAssembly.Memory;
    __wbindgen_externrefs: WebAssembly.Table;
    __wbindgen_malloc(size: number, align: number): number;
    __wbindgen_free(ptr: number, size: number, align: number): void;
    __externref_table_dealloc(index: number): void;
    __wbindgen_start(): void;
    get_dmmf(ptr: number, len: number): [number, number, number, number];
  }
  let wasm: Exports | undefined;
  let panicMessage: string | undefined;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const readString = (ptr: number, len: number) => decoder.decode(new Uint8Array(wasm!.memory.buffer, ptr >>> 0, len));
  const imports: Record<string, Record<string, (...args: number[]) => unknown>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    let fn: (...args: number[]) => unknown;
    if (imp.name.includes('init_externref_table')) {
      fn = () => {
        const table = wasm!.__wbindgen_externrefs;
        const offset = table.grow(4);
        table.set(0, undefined);
        table.set(offset + 0, undefined);
        table.set(offset + 1, null);
        table.set(offset + 2, true);
        table.set(offset + 3, false);
      };
    } else if (imp.name.includes('wbindgen_throw')) {
      fn = (ptr, len) => {
        throw new Error(readString(ptr!, len!));
      };
    } else if (imp.name.includes('set_message')) {
      fn = (ptr, len) => {
        panicMessage = readString(ptr!, len!);
      };
    } else if (imp.name.includes('Error')) {
      fn = (ptr, len) => new Error(readString(ptr!, len!));
    } else {
      throw new Error(`prisma_schema_build wasm wants an unknown import ${imp.module}.${imp.name}; update loadDmmf`);
    }
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  wasm = new WebAssembly.Instance(module, imports as WebAssembly.Imports).exports as unknown as Exports;
  wasm.__wbindgen_start();

  const input = new TextEncoder().encode(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]], noColor: true }));
  const ptr = wasm.__wbindgen_malloc(input.length, 1) >>> 0;
  new Uint8Array(wasm.memory.buffer, ptr, input.length).set(input);
  let result: [number, number, number, number];
  try {
    result = wasm.get_dmmf(ptr, input.length);
  } catch (error) {
    throw new Error(`get_dmmf panicked: ${panicMessage ?? (error as Error).message}`);
  }
  const [outPtr, outLen, errIndex, isErr] = result;
  if (isErr) {
    const error = wasm.__wbindgen_externrefs.get(errIndex) as Error;
    wasm.__externref_table_dealloc(errIndex);
    throw new Error(`schema.prisma does not validate: ${error?.message ?? String(error)}`);
  }
  const json = readString(outPtr, outLen);
  wasm.__wbindgen_free(outPtr, outLen, 1);
  return JSON.parse(json) as Dmmf;
}

const dmmf = loadDmmf(readFileSync(schemaPath, 'utf8'));
const models = dmmf.datamodel.models;
const enums = dmmf.datamodel.enums;
const modelByName = new Map(models.map((m) => [m.name, m]));
const enumByName = new Map(enums.map((e) => [e.name, e]));

const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
const columnOf = (f: DmmfField) => f.dbName ?? f.name;
const enumTypeOf = (e: DmmfEnum) => e.dbName ?? e.name;
const columnFields = (m: DmmfModel) => m.fields.filter((f) => f.kind === 'scalar' || f.kind === 'enum');
function columnsOf(m: DmmfModel, fieldNames: string[]): string[] {
  return fieldNames.map((name) => {
    const field = m.fields.find((f) => f.name === name);
    if (!field) throw new Error(`${m.name} has no field ${name}`);
    return columnOf(field);
  });
}
const sorted = (xs: string[]) => [...xs].sort();
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
/**
 * Whether a primary key of the database is the one of Prisma's @id / @@id columns: on the same columns, or on
 * tenant_id and then those (tenant tables since migration 0026; Prisma keeps the id without tenant_id, see the
 * schema.prisma banner).
 */
const isPrimaryKeyOf = (pk: { is_primary: boolean; columns: string[] }, cols: string[]) =>
  pk.is_primary &&
  (same(sorted(pk.columns), sorted(cols)) || (pk.columns[0] === 'tenant_id' && !cols.includes('tenant_id') && same(sorted(pk.columns.slice(1)), sorted(cols))));

// ── the database's side ─────────────────────────────────────────────────────────────────────────
interface DbColumn {
  table: string;
  column: string;
  not_null: boolean;
  typname: string;
  typtype: string;
  is_array: boolean;
  elem_typname: string | null;
  elem_typtype: string | null;
  formatted: string;
}
interface DbIndex {
  table: string;
  name: string;
  is_unique: boolean;
  is_primary: boolean;
  is_partial: boolean;
  has_expressions: boolean;
  columns: string[];
}
interface DbForeignKey {
  name: string;
  table: string;
  ref_table: string;
  columns: string[];
  ref_columns: string[];
  on_delete: string;
}

let client: pg.Client;
let tables: Set<string>;
let columns: Map<string, DbColumn[]>;
let indexes: DbIndex[];
let foreignKeys: DbForeignKey[];
let enumLabels: Map<string, string[]>;

beforeAll(async () => {
  client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();

  const t = await client.query<{ table: string }>(
    `SELECT c.relname AS table FROM pg_class c
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')`,
  );
  tables = new Set(t.rows.map((r) => r.table));

  const c = await client.query<DbColumn>(
    `SELECT c.relname AS table, a.attname AS column, a.attnotnull AS not_null,
            t.typname, t.typtype, t.typcategory = 'A' AS is_array,
            et.typname AS elem_typname, et.typtype AS elem_typtype,
            format_type(a.atttypid, a.atttypmod) AS formatted
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
      WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
        AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
  );
  columns = new Map();
  for (const row of c.rows) {
    if (!columns.has(row.table)) columns.set(row.table, []);
    columns.get(row.table)!.push(row);
  }

  const i = await client.query<DbIndex>(
    `SELECT c.relname AS table, ic.relname AS name, x.indisunique AS is_unique, x.indisprimary AS is_primary,
            x.indpred IS NOT NULL AS is_partial, x.indexprs IS NOT NULL AS has_expressions,
            array(SELECT a.attname::text
                    FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                   ORDER BY k.ord) AS columns
       FROM pg_index x
       JOIN pg_class c ON c.oid = x.indrelid
       JOIN pg_class ic ON ic.oid = x.indexrelid
      WHERE c.relnamespace = 'public'::regnamespace`,
  );
  indexes = i.rows;

  const f = await client.query<DbForeignKey>(
    `SELECT con.conname AS name, c.relname AS table, fc.relname AS ref_table, con.confdeltype AS on_delete,
            array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
            array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_class fc ON fc.oid = con.confrelid
      WHERE con.contype = 'f' AND c.relnamespace = 'public'::regnamespace`,
  );
  foreignKeys = f.rows;

  const e = await client.query<{ typname: string; labels: string[] }>(
    `SELECT t.typname, array(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
                              ORDER BY e.enumsortorder) AS labels
       FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace AND t.typtype = 'e'`,
  );
  enumLabels = new Map(e.rows.map((r) => [r.typname, r.labels]));
});

afterAll(async () => {
  await client?.end();
});

/** Pairs (column → referenced column), order-independent, as one comparable key. */
function pairKey(from: string[], to: string[]): string {
  return sorted(from.map((c, i) => `${c}->${to[i]}`)).join(',');
}

/** Disagreements between one Prisma field and its database column; [] when they agree. */
function fieldProblems(model: DmmfModel, field: DmmfField, col: DbColumn | undefined): string[] {
  const where = `${model.name}.${field.name} (${tableOf(model)}.${columnOf(field)})`;
  if (!col) return [`${where}: column does not exist`];
  const problems: string[] = [];
  if (field.isRequired !== col.not_null) {
    problems.push(`${where}: Prisma says ${field.isRequired ? 'required' : 'optional'}, column is ${col.not_null ? 'NOT NULL' : 'nullable'}`);
  }
  if (field.isList !== col.is_array) {
    problems.push(`${where}: Prisma says ${field.isList ? 'list' : 'not a list'}, column type is ${col.formatted}`);
  }
  const base = col.is_array ? { typname: col.elem_typname, typtype: col.elem_typtype } : col;
  if (field.kind === 'enum') {
    const prismaEnum = enumByName.get(field.type)!;
    if (base.typtype !== 'e' || base.typname !== enumTypeOf(prismaEnum)) {
      problems.push(`${where}: expected enum type ${enumTypeOf(prismaEnum)}, column type is ${col.formatted}`);
    }
    return problems;
  }
  const native = field.nativeType ?? null;
  const key = native ? `${field.type} @db.${native[0]}` : field.type;
  const expected = PG_TYPE_FOR[key];
  if (!expected) return [...problems, `${where}: no expected PostgreSQL type for "${key}" in PG_TYPE_FOR`];
  if (base.typname !== expected) {
    problems.push(`${where}: "${key}" expects ${expected}, column type is ${col.formatted}`);
  } else if (native) {
    // Modifiers: @db.Char(3) ⇔ character(3), @db.Timestamptz(6) ⇔ timestamp(6) with time zone.
    const wanted = native[1].join(',');
    const actual = /\(([^)]*)\)/.exec(col.formatted)?.[1]?.replace(/\s+/g, '') ?? '';
    const equivalent = actual === '' && wanted === '6' && DEFAULT_PRECISION_6.has(expected);
    if (actual !== wanted && !equivalent) {
      problems.push(`${where}: @db.${native[0]}(${wanted}) but column type is ${col.formatted}`);
    }
  }
  return problems;
}

describe('schema.prisma and the migrated database agree', () => {
  it('reads a non-trivial data model from schema.prisma', () => {
    expect(models.length).toBeGreaterThanOrEqual(5);
    expect(enums.length).toBeGreaterThanOrEqual(1);
    expect(models.every((m) => !m.schema || m.schema === 'public')).toBe(true);
  });

  it('the generated Prisma client is generated from this schema.prisma (same models and enums)', () => {
    expect(sorted(Object.values(Prisma.ModelName))).toEqual(sorted(models.map((m) => m.name)));
    const clientEnums = generatedEnums as unknown as Record<string, Record<string, string>>;
    for (const e of enums) {
      expect(clientEnums[e.name], `enum ${e.name} in the generated client`).toBeDefined();
      expect(Object.values(clientEnums[e.name]!)).toEqual(e.values.map((v) => v.name));
    }
  });

  it('every model has its table, and every table in public (but the migrations ledger) is a model', () => {
    const modelTables = models.map(tableOf);
    expect(modelTables.filter((t) => !tables.has(t))).toEqual([]);
    expect([...tables].filter((t) => t !== 'jiedai_migrations' && !modelTables.includes(t)).sort()).toEqual([]);
  });

  it('every enum is a PostgreSQL enum with the same labels in the same order, and no other enum types exist', () => {
    for (const e of enums) {
      expect(enumLabels.get(enumTypeOf(e)), `labels of ${enumTypeOf(e)} (enum ${e.name})`).toEqual(e.values.map((v) => v.dbName ?? v.name));
    }
    expect([...enumLabels.keys()].sort()).toEqual(sorted(enums.map(enumTypeOf)));
  });

  describe.each(models.map((m) => [m.name, m] as const))('%s', (_name, model) => {
    const table = tableOf(model);

    it(`every scalar field has a column of a matching type and nullability, and ${table} has no other column`, () => {
      const dbColumns = columns.get(table) ?? [];
      const problems = columnFields(model).flatMap((field) =>
        fieldProblems(
          model,
          field,
          dbColumns.find((c) => c.column === columnOf(field)),
        ),
      );
      const known = new Set(columnFields(model).map(columnOf));
      for (const col of dbColumns) {
        if (!known.has(col.column)) problems.push(`${table}.${col.column} (${col.formatted}) is not in model ${model.name}`);
      }
      expect(dbColumns.length).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });

    it('@id, @unique / @@unique and @@index exist in the database on exactly those columns', () => {
      const tableIndexes = indexes.filter((i) => i.table === table && !i.is_partial && !i.has_expressions);
      const problems: string[] = [];
      for (const idx of dmmf.datamodel.indexes.filter((i) => i.model === model.name)) {
        const cols = columnsOf(
          model,
          idx.fields.map((f) => f.name),
        );
        const found =
          idx.type === 'id'
            ? tableIndexes.some((i) => isPrimaryKeyOf(i, cols))
            : idx.type === 'unique'
              ? tableIndexes.some((i) => i.is_unique && same(sorted(i.columns), sorted(cols)))
              : tableIndexes.some((i) => same(i.columns, cols));
        if (!found) problems.push(`${model.name}: no ${idx.type === 'id' ? 'primary key' : `${idx.type} index`} on ${table} (${cols.join(', ')})`);
      }
      expect(problems).toEqual([]);
    });

    it('every unique constraint/index of the table is known to Prisma as @id, @unique or @@unique', () => {
      const keys = dmmf.datamodel.indexes
        .filter((i) => i.model === model.name && (i.type === 'id' || i.type === 'unique'))
        .map((i) => ({
          type: i.type,
          cols: columnsOf(
            model,
            i.fields.map((f) => f.name),
          ),
        }));
      const known = keys.map((k) => sorted(k.cols).join(','));
      const ids = keys.filter((k) => k.type === 'id').map((k) => k.cols);
      const unknown = indexes
        .filter((i) => i.table === table && i.is_unique && !i.is_partial && !i.has_expressions)
        .filter((i) => !known.includes(sorted(i.columns).join(',')) && !ids.some((cols) => isPrimaryKeyOf(i, cols)))
        .map((i) => `${i.name} (${i.columns.join(', ')})`);
      expect(unknown).toEqual([]);
    });

    it('every relation with fields/references has a foreign key on exactly those columns', () => {
      const problems: string[] = [];
      for (const field of model.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)) {
        const target = modelByName.get(field.type)!;
        const from = columnsOf(model, field.relationFromFields!);
        const to = columnsOf(target, field.relationToFields!);
        const fk = foreignKeys.find((k) => k.table === table && k.ref_table === tableOf(target) && pairKey(k.columns, k.ref_columns) === pairKey(from, to));
        const what = `${model.name}.${field.name}: ${table} (${from.join(', ')}) → ${tableOf(target)} (${to.join(', ')})`;
        if (!fk) {
          problems.push(`${what}: no such foreign key`);
        } else if (field.relationOnDelete && fk.on_delete !== PG_ACTION_FOR[field.relationOnDelete]) {
          problems.push(`${what}: onDelete ${field.relationOnDelete} but ${fk.name} has confdeltype '${fk.on_delete}'`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('every foreign key of the table is a relation of the model', () => {
      const relations = model.fields
        .filter((f) => f.kind === 'object' && f.relationFromFields?.length)
        .map((f) => {
          const target = modelByName.get(f.type)!;
          return `${tableOf(target)}:${pairKey(columnsOf(model, f.relationFromFields!), columnsOf(target, f.relationToFields!))}`;
        });
      const unknown = foreignKeys
        .filter((k) => k.table === table)
        .filter((k) => !relations.includes(`${k.ref_table}:${pairKey(k.columns, k.ref_columns)}`))
        .map((k) => `${k.name}: ${table} (${k.columns.join(', ')}) → ${k.ref_table} (${k.ref_columns.join(', ')})`);
      expect(unknown).toEqual([]);
    });
  });

  it('the checks above are not vacuous: relations and foreign keys were found on both sides', () => {
    const relationCount = models.flatMap((m) => m.fields.filter((f) => f.kind === 'object' && f.relationFromFields?.length)).length;
    const modelTables = new Set(models.map(tableOf));
    const fkCount = foreignKeys.filter((k) => modelTables.has(k.table)).length;
    expect(relationCount).toBeGreaterThan(0);
    expect(fkCount).toBe(relationCount);
  });
});
