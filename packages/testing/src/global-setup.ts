import type { TestProject } from 'vitest/node';
import { createMigratedDatabase } from './database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const db = await createMigratedDatabase('jiedai_test_run');
  project.provide('databaseUrl', db.url);
  return async () => {
    await db.drop();
  };
}
