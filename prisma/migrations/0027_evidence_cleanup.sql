-- Evidence files that never became evidence are cleaned up (issue 16; the hourly `evidence.cleanup` job,
-- modules/shared/evidence/evidence.jobs.ts): PENDING uploads long expired, REJECTED ones after a week and STORED
-- files attached to nothing after EVIDENCE_UNATTACHED_HOURS are deleted. The job works in each tenant's
-- transaction as the app role under RLS, like every tenant write, so the app role may now delete these rows.
-- (Numbered 0027: 0026 is taken by the tenant primary keys of issue 17, on its own branch.)
GRANT DELETE ON evidence_files TO jiedai_app;
