/** Drops null/undefined members of a GraphQL input object (GraphQL's "not given" for optional fields). */
export function strip<T extends object>(o: T) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as {
    [K in keyof T]: NonNullable<T[K]>;
  };
}
