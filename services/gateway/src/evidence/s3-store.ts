// Evidence files in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, …) behind the same EvidenceStore
// interface as the filesystem store: an upload is staged in a local file (the virus scan reads it back), and
// only commit() sends it to the bucket (one PutObject with its length), so a refused or broken upload never
// reaches the bucket. Keys are `<prefix><tenant id>/<file id>`.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { checkKey, removeStagedFiles, stageFile, type EvidenceStore } from './store.ts';

export interface S3StoreOptions {
  bucket: string;
  /** An S3-compatible service's URL (unset: AWS). */
  endpoint?: string | undefined;
  region: string;
  /** Path-style URLs (bucket in the path), as most S3-compatible services need. */
  forcePathStyle: boolean;
  /** Unset: the AWS SDK's default chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Prepended to every key (e.g. `evidence/`). */
  prefix?: string;
  /** Where uploads are staged locally before they are sent. */
  stagingDir: string;
}

export function s3Store(options: S3StoreOptions): EvidenceStore & { client: S3Client } {
  const config: S3ClientConfig = {
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    // Checksums only where the API requires them: several S3-compatible services reject the newer defaults.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  };
  const client = new S3Client(config);
  const Bucket = options.bucket;
  const objectKey = (key: string) => `${options.prefix ?? ''}${checkKey(key)}`;
  return {
    kind: 's3',
    client,
    async begin(key) {
      const Key = objectKey(key);
      const staged = await stageFile(options.stagingDir);
      let done = false;
      return {
        write: staged.write,
        read: staged.read,
        async commit() {
          await staged.close();
          try {
            const { size } = await stat(staged.path);
            await client.send(new PutObjectCommand({ Bucket, Key, Body: createReadStream(staged.path), ContentLength: size }));
          } finally {
            done = true;
            await staged.drop();
          }
        },
        async abort() {
          if (done) return;
          done = true;
          await staged.drop();
        },
      };
    },
    async open(key) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        if (!object.Body) return null;
        return { body: object.Body.transformToWebStream() as ReadableStream<Uint8Array>, size: Number(object.ContentLength ?? 0) };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return null;
        throw error;
      }
    },
    async remove(key) {
      // S3 answers a DeleteObject of an absent key with success, like the filesystem store.
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
    // Staged here only: this process's local directory.
    removeStaged: (before) => removeStagedFiles(options.stagingDir, before),
    close: () => client.destroy(),
  };
}
