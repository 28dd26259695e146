// Job runners for tests: each as a gateway process starts one (graphile-worker on the run's database), in its
// own graphile-worker schema per test file so files running at once do not share a queue.
import { inject } from 'vitest';
import { pino } from 'pino';
import { openDatabase, type Database } from '@jiedai/db';
import { startJobRunner, type JobRunner, type JobRunnerOptions } from '@jiedai/gateway';

export interface TestJobRunners {
  /** Starts one more runner (as one more gateway process would). */
  start(options?: Partial<Pick<JobRunnerOptions, 'definitions' | 'events' | 'webhooks' | 'evidence'>>): Promise<JobRunner>;
  close(): Promise<void>;
}

export async function testJobRunners(schema: string): Promise<TestJobRunners> {
  const url = inject('databaseUrl');
  const db: Database = await openDatabase({ url, migrate: false, poolSize: 4 });
  const runners: JobRunner[] = [];
  const events = { publish: () => undefined, subscribe: () => (async function* () {})() };
  return {
    async start(options = {}) {
      const runner = await startJobRunner({
        db,
        ownerUrl: url,
        events,
        log: pino({ level: process.env.TEST_JOB_LOG ?? 'silent' }),
        schema,
        pollIntervalMs: 200,
        ...options,
      });
      runners.push(runner);
      return runner;
    },
    async close() {
      for (const r of runners) await r.stop();
      await db.close();
    },
  };
}
