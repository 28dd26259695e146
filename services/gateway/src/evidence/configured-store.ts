// The configured evidence file store, for the gateway (uploads, downloads) and the worker (the cleanup job).
import path from 'node:path';
import type { GatewayConfig } from '../config.ts';
import { filesystemStore, type EvidenceStore } from './store.ts';

/**
 * The S3-compatible bucket when EVIDENCE_S3_BUCKET is set (the AWS SDK is loaded only then), else the filesystem
 * under EVIDENCE_DIR.
 */
export async function configuredEvidenceStore(config: GatewayConfig): Promise<EvidenceStore> {
  const { dir, s3 } = config.evidence;
  if (!s3) return filesystemStore(dir);
  const { s3Store } = await import('./s3-store.ts');
  return s3Store({ ...s3, stagingDir: path.join(dir, '.incoming') });
}
