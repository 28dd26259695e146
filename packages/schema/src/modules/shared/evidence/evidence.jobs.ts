// The cleanup of files that never became evidence (shared/jobs.ts; graphile-worker on PostgreSQL, hourly):
// `evidence.cleanup`, in every tenant, under RLS as the system actor:
//   * PENDING uploads whose token expired over an hour ago: the row goes (no bytes were ever written);
//   * UPLOADING uploads still unfinished an hour after their token expired (the gateway died mid-stream): any
//     bytes under the file's key are removed, then the row is REJECTED (FAILED), as a broken upload would be;
//   * STORED files attached to nothing (no task evidence, no visit photo) EVIDENCE_UNATTACHED_HOURS after their
//     upload: the row is deleted, its bytes removed from the store, then the deletion commits — so bytes go
//     first: a crash (or a store that fails) leaves at worst a STORED row whose bytes are gone, still
//     unattached, which the next run deletes again (removing an absent object is no error);
//   * REJECTED rows older than a week: their key is cleared once more (a partial upload a crash left), then
//     the row goes.
// A tenant where something was cleaned gets one audit entry with the counts (never file names).
// The bytes are the gateway's: the store reaches the job as `JobContext.evidence` (the runner's option), and
// without it the job does nothing. Uploads staged in the store's local directory and abandoned there (a
// process killed mid-upload) are swept too, when the store can.
import type { EvidenceFile } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import type { CronDefinition, JobContext, JobDefinition, JobTenant } from '../../../shared/jobs.ts';
import { databaseErrorCode, isForeignKeyViolation } from '../../../shared/errors.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';

export const EVIDENCE_CLEANUP_JOB = 'evidence.cleanup';

/** The bytes' side of the cleanup: the gateway's file store, and how long a stored file may stay unattached. */
export interface EvidenceCleanupSettings {
  store: {
    /** Removes the object under `key` (`<tenant id>/<file id>`); an absent object is no error. */
    remove(key: string): Promise<void>;
    /** Removes uploads staged before `before` and never finished; returns how many. */
    removeStaged?(before: Date): Promise<number>;
  };
  /** EVIDENCE_UNATTACHED_HOURS (default 24). */
  unattachedHours: number;
}

export const DEFAULT_UNATTACHED_HOURS = 24;
const HOUR = 3_600_000;
/** After its token expired: a PENDING row is deleted, an UPLOADING one given up. */
export const EXPIRED_GRACE_MS = HOUR;
export const REJECTED_KEPT_MS = 7 * 24 * HOUR;
/** Rows of each kind handled per tenant and run (the rest in the next run). */
const BATCH = 500;

export interface CleanupCounts {
  expiredPending: number;
  abandonedUploads: number;
  unattachedStored: number;
  oldRejected: number;
}

const objectKey = (file: Pick<EvidenceFile, 'tenantId' | 'id'>) => `${file.tenantId}/${file.id}`;

/** One tenant's cleanup at `now`. */
export async function cleanUpTenantEvidence(ctx: JobContext, tenant: JobTenant, settings: EvidenceCleanupSettings, now: Date): Promise<CleanupCounts> {
  const { store } = settings;
  const expiredBefore = new Date(now.getTime() - EXPIRED_GRACE_MS);
  const unattachedBefore = new Date(now.getTime() - settings.unattachedHours * HOUR);
  const rejectedBefore = new Date(now.getTime() - REJECTED_KEPT_MS);
  const select = { id: true, tenantId: true, storageKey: true } as const;

  // One transaction finds the work (most tenants have none) and deletes what holds no bytes.
  const found = await ctx.inTenant(tenant, async ({ db }) => {
    const expiredPending = await db.evidenceFile.deleteMany({ where: { status: 'PENDING', uploadExpiresAt: { lt: expiredBefore } } });
    const [abandoned, unattached, rejected] = await Promise.all([
      db.evidenceFile.findMany({ where: { status: 'UPLOADING', uploadExpiresAt: { lt: expiredBefore } }, select, take: BATCH }),
      db.evidenceFile.findMany({
        where: { status: 'STORED', uploadedAt: { lt: unattachedBefore }, taskEvidence: { is: null }, visitPhoto: { is: null } },
        select,
        take: BATCH,
      }),
      db.evidenceFile.findMany({ where: { status: 'REJECTED', createdAt: { lt: rejectedBefore } }, select, take: BATCH }),
    ]);
    return { expiredPending: expiredPending.count, abandoned, unattached, rejected };
  });
  const counts: CleanupCounts = { expiredPending: found.expiredPending, abandonedUploads: 0, unattachedStored: 0, oldRejected: 0 };

  // Abandoned uploads: whatever reached the key goes, then the row is given up. Should the upload still finish
  // meanwhile, its own completion (UPLOADING → STORED) or this update wins, never both (each is conditional).
  for (const file of found.abandoned) {
    await store.remove(objectKey(file));
    const { count } = await ctx.inTenant(tenant, ({ db }) =>
      db.evidenceFile.updateMany({ where: { id: file.id, status: 'UPLOADING' }, data: { status: 'REJECTED', rejection: 'FAILED' } }),
    );
    counts.abandonedUploads += count;
  }

  // Unattached files: per file, the row is deleted (its foreign keys refuse if it was attached meanwhile, and the
  // deleted row holds off any attaching until commit), the bytes removed, then the deletion commits.
  for (const file of found.unattached) {
    const deleted = await ctx
      .inTenant(tenant, async ({ db }) => {
        const { count } = await db.evidenceFile.deleteMany({
          where: { id: file.id, status: 'STORED', uploadedAt: { lt: unattachedBefore }, taskEvidence: { is: null }, visitPhoto: { is: null } },
        });
        if (count === 1) await store.remove(file.storageKey ?? objectKey(file));
        return count;
      })
      .catch((error: unknown) => {
        // Attached in the meantime (a foreign-key violation): it stays. Anything else fails the run (retried).
        if (isForeignKeyViolation(error) || databaseErrorCode(error) === '23503') return 0;
        throw error;
      });
    counts.unattachedStored += deleted;
  }

  // Old rejections: nothing should be stored for them; a partial upload a crash left behind is cleared anyway.
  for (const file of found.rejected) {
    await store.remove(objectKey(file));
    const { count } = await ctx.inTenant(tenant, ({ db }) => db.evidenceFile.deleteMany({ where: { id: file.id, status: 'REJECTED' } }));
    counts.oldRejected += count;
  }

  if (counts.expiredPending + counts.abandonedUploads + counts.unattachedStored + counts.oldRejected > 0) {
    await ctx.inTenant(tenant, (deps: ServiceDeps) =>
      recordAudit(deps, { action: 'evidence.cleaned_up', targetType: 'Tenant', targetId: tenant.id, data: { ...counts } }),
    );
  }
  return counts;
}

export const evidenceCleanupJob: JobDefinition = {
  name: EVIDENCE_CLEANUP_JOB,
  run: async (_payload, ctx) => {
    const settings = ctx.evidence;
    if (!settings) {
      ctx.log.warn({}, 'evidence cleanup skipped: this process has no file store');
      return;
    }
    const staged = (await settings.store.removeStaged?.(new Date(ctx.now.getTime() - HOUR))) ?? 0;
    if (staged > 0) ctx.log.info({ staged }, 'abandoned staged uploads removed');
    for (const tenant of await ctx.tenants()) {
      const counts = await cleanUpTenantEvidence(ctx, tenant, settings, ctx.now);
      if (counts.expiredPending + counts.abandonedUploads + counts.unattachedStored + counts.oldRejected > 0) {
        ctx.log.info({ tenantId: tenant.id, ...counts }, 'evidence files cleaned up');
      }
    }
  },
};

/** Hourly, at minute 23 (away from the top of the hour's other work); a missed run is simply the next one's work. */
export const evidenceCleanupCron: CronDefinition = { job: EVIDENCE_CLEANUP_JOB, match: '23 * * * *', identifier: EVIDENCE_CLEANUP_JOB, backfillHours: 0 };

export const evidenceJobs = { jobs: [evidenceCleanupJob], cron: [evidenceCleanupCron] };
