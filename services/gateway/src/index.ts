export { buildApp, type App, type BuildOptions } from './app.ts';
export { loadConfig, ENV_VARIABLES, type GatewayConfig } from './config.ts';
export { startJobRunner, type JobRunner, type JobRunnerOptions } from './jobs.ts';
export { startWorker, WorkerConfigError, type Worker } from './worker.ts';
export { filesystemStore, type EvidenceStore, type PendingObject, type StoredObject } from './evidence/store.ts';
export { noScanner, type EvidenceScanner, type ScannedFile, type ScanVerdict } from './evidence/scan.ts';
export { startPrimary, clusterWorker, type Primary, type PrimaryOptions } from './cluster.ts';
export { createLogger } from './logger.ts';
