// Evidence files kept in an S3-compatible bucket (EVIDENCE_S3_*): the same upload and download routes through the
// real gateway, against a local S3 server (s3rver, on a free port, in a temporary directory). A stored file is one
// object under `<prefix><tenant>/<file>`; a refused upload sends nothing to the bucket; a member downloads the
// bytes, another tenant's admin does not.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, freePort, rawId, startTestApp, type TestApp, type TestTenant } from '@jiedai/testing';
import { s3Store } from '../evidence/s3-store.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const BUCKET = 'jiedai-evidence';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

interface FakeS3 {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

let s3: FakeS3;
let endpoint: string;
let client: S3Client;
let t: TestApp;
let a: TestTenant;
let b: TestTenant;
const dirs: string[] = [];

beforeAll(async () => {
  const s3Dir = mkdtempSync(path.join(tmpdir(), 'jiedai-s3-'));
  const staging = mkdtempSync(path.join(tmpdir(), 'jiedai-evidence-staging-'));
  dirs.push(s3Dir, staging);
  const port = await freePort();
  // s3rver ships no types: imported by name.
  const module = 's3rver';
  const { default: S3rver } = (await import(module)) as { default: new (options: Record<string, unknown>) => FakeS3 };
  s3 = new S3rver({ port, address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET }] });
  await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
  client = new S3Client({ region: 'us-east-1', endpoint, forcePathStyle: true, credentials: CREDENTIALS });
  t = await startTestApp({
    EVIDENCE_DIR: staging,
    EVIDENCE_S3_BUCKET: BUCKET,
    EVIDENCE_S3_ENDPOINT: endpoint,
    EVIDENCE_S3_FORCE_PATH_STYLE: 'true',
    EVIDENCE_S3_PREFIX: 'evidence/',
    EVIDENCE_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    EVIDENCE_S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  });
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'HOSPITAL');
  b = await createTenant(t, platform.token, 'HOTEL');
}, 120_000);

afterAll(async () => {
  await t?.close();
  client?.destroy();
  await s3?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function keys(): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((o) => o.Key!).sort();
}

async function requestUpload(token: string, contentType: string) {
  const res = await t.gql(
    `mutation($input: RequestEvidenceUploadInput!) { requestEvidenceUpload(input: $input) {
       __typename ... on RequestEvidenceUploadPayload { file { id } upload { url } } ... on Error { code message } } }`,
    { input: { purpose: 'VISIT_PHOTO', fileName: 'photo.png', contentType } },
    { token },
  );
  expect(res.data.requestEvidenceUpload.__typename).toBe('RequestEvidenceUploadPayload');
  return res.data.requestEvidenceUpload as { file: { id: string }; upload: { url: string } };
}

const put = (url: string, body: Buffer, contentType: string) =>
  t.fetch(new URL(url).pathname, { method: 'PUT', headers: { 'content-type': contentType }, body: new Uint8Array(body) });

describe('evidence files in an S3-compatible bucket', () => {
  it('a stored file is one object in the bucket, downloaded by members only; a refused one sends nothing', async () => {
    const { file, upload } = await requestUpload(a.adminToken, 'image/png');
    const sent = await put(upload.url, PNG, 'image/png');
    expect(sent.status).toBe(201);
    const id = rawId(file.id);
    expect(await keys()).toEqual([`evidence/${a.id}/${id}`]);
    // Nothing left in the local staging directory.
    expect(readdirSync(dirs[1]!, { recursive: true }).filter((name) => String(name).endsWith('.part'))).toEqual([]);

    const got = await t.fetch(`/files/${encodeURIComponent(file.id)}`, { headers: { authorization: `Bearer ${a.adminToken}` } });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await t.fetch(`/files/${encodeURIComponent(file.id)}`, { headers: { authorization: `Bearer ${b.adminToken}` } })).status).toBe(404);

    const refused = await requestUpload(a.adminToken, 'image/png');
    expect((await put(refused.upload.url, Buffer.from('%PDF-1.4\n%%EOF\n'), 'image/png')).status).toBe(415);
    expect(await keys()).toEqual([`evidence/${a.id}/${id}`]);
  });

  it('the store alone: open() of a missing key is null, remove() deletes', async () => {
    const store = s3Store({ bucket: BUCKET, endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS, stagingDir: dirs[1]! });
    const key = '00000000-0000-4000-8000-000000000001/00000000-0000-4000-8000-000000000002';
    expect(await store.open(key)).toBeNull();
    const pending = await store.begin(key);
    await pending.write(new Uint8Array(PNG));
    await pending.commit();
    const opened = await store.open(key);
    expect(opened?.size).toBe(PNG.length);
    expect(Buffer.from(await new Response(opened!.body).arrayBuffer()).equals(PNG)).toBe(true);
    await store.remove(key);
    expect(await store.open(key)).toBeNull();
    await expect(store.begin('../../etc/passwd')).rejects.toThrow('Not an evidence storage key');
    store.close?.();
  });
});
