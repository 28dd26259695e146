// Text that PostgreSQL cannot store is refused where it enters: every argument of every field
// (String and ID arguments, String fields of input objects at any depth, lists, JSON values; literal
// or variable alike) is checked before the resolver runs, as BAD_USER_INPUT. PostgreSQL's text
// cannot hold NUL (U+0000, SQLSTATE 22021), and a lone UTF-16 surrogate would be silently replaced
// by U+FFFD on the way to UTF-8. graphql-js cannot replace the built-in String scalar (the
// introspection types hold their own), so this is a Pothos plugin: one place for every input.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';

// A NUL, or a surrogate half without its other half.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point (PostgreSQL text cannot hold it).
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string in `value` that PostgreSQL cannot store, or null. */
export function findUnstorableText(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, v] of Object.entries(value)) {
      const found = findUnstorableText(v, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

export class UnstorableTextError extends GraphQLError {
  constructor(path: (string | number)[]) {
    super(`Text at "${path.join('.')}" contains a character that cannot be stored (NUL U+0000 or a lone surrogate)`, {
      extensions: { code: 'BAD_USER_INPUT', argumentPath: path },
    });
  }
}

function assertStorable(args: object) {
  const found = findUnstorableText(args);
  if (found) throw new UnstorableTextError(found);
}

export class TextInputPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (Object.keys(fieldConfig.args).length === 0) return resolver;
    return (parent, args, ctx, info) => {
      assertStorable(args);
      return resolver(parent, args, ctx, info);
    };
  }

  override wrapSubscribe(
    subscribe: GraphQLFieldResolver<unknown, Types['Context'], object> | undefined,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> | undefined {
    if (!subscribe || Object.keys(fieldConfig.args).length === 0) return subscribe;
    return (parent, args, ctx, info) => {
      assertStorable(args);
      return subscribe(parent, args, ctx, info);
    };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      textInput: TextInputPlugin<Types>;
    }
  }
}

const pluginName = 'textInput';
SchemaBuilder.registerPlugin(pluginName, TextInputPlugin);
export default pluginName;
