// The hourly cleanup of files that never became evidence, run by a real graphile-worker runner against the
// store directory a real gateway uploaded into: files in every state (and some attached) in two tenants, their
// times moved back as the owner; after the run, what is left in the database and in the store.
import { mkdtempSync, rmSync, utimesSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlatformAdmin,
  createTenant,
  filesystemStore,
  ownerQuery,
  rawId,
  startTestApp,
  testJobRunners,
  waitFor,
  type TestApp,
  type TestJobRunners,
  type TestTenant,
} from '@jiedai/testing';
import { visitApi } from '../../visits/__tests__/visits.helpers.ts';
import { EVIDENCE_CLEANUP_JOB, evidenceCleanupJob } from '../evidence.jobs.ts';

const SCHEMA = 'evidence_cleanup_worker';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let t: TestApp;
let jobs: TestJobRunners;
let a: TestTenant;
let b: TestTenant;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'jiedai-evidence-cleanup-'));
  t = await startTestApp({ EVIDENCE_DIR: dir });
  jobs = await testJobRunners(SCHEMA);
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  b = await createTenant(t, platform.token, 'HOTEL');
}, 120_000);

afterAll(async () => {
  await jobs?.close();
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function gql(token: string, query: string, variables: Record<string, unknown>) {
  const res = await t.gql(query, variables, { token });
  expect(res.errors).toBeUndefined();
  return res.data;
}

/** Asks for an upload; sends the bytes unless `bytes` is null. Returns the file's raw id. */
async function file(tenant: TestTenant, purpose: string, contentType: string, bytes: Buffer | null, sentAs = contentType): Promise<string> {
  const data = await gql(
    tenant.adminToken,
    `mutation($input: RequestEvidenceUploadInput!) { requestEvidenceUpload(input: $input) { ... on RequestEvidenceUploadPayload { file { id } upload { url } } } }`,
    { input: { purpose, fileName: `f.${contentType.split('/')[1]}`, contentType } },
  );
  const { file: f, upload } = data.requestEvidenceUpload;
  if (bytes)
    await (await t.fetch(new URL(upload.url).pathname, { method: 'PUT', headers: { 'content-type': sentAs }, body: new Uint8Array(bytes) })).arrayBuffer();
  return rawId(f.id);
}

const globalOf = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64');
const stored = (tenant: TestTenant, id: string) => existsSync(path.join(dir, tenant.id, id));
const rows = async (ids: string[]) =>
  Object.fromEntries(
    (
      await ownerQuery<{ id: string; status: string; rejection: string | null }>(
        `SELECT id, status::text, rejection::text FROM evidence_files WHERE id = ANY($1)`,
        [ids],
      )
    ).map((r) => [r.id, r.rejection ? `${r.status}:${r.rejection}` : r.status]),
  );

describe('evidence cleanup', () => {
  it('deletes expired uploads, gives up abandoned ones, deletes unattached and old rejected files — bytes and rows — in every tenant', async () => {
    const api = visitApi(t);
    const ago = (hours: number) => `now() - interval '${hours} hours'`;
    const set = (id: string, sql: string) => ownerQuery(`UPDATE evidence_files SET ${sql} WHERE id = $1`, [id]);

    // Tenant A: one of each.
    const pendingOld = await file(a, 'VISIT_PHOTO', 'image/png', null);
    await set(pendingOld, `upload_expires_at = ${ago(2)}`);
    const pendingRecent = await file(a, 'VISIT_PHOTO', 'image/png', null);
    await set(pendingRecent, `upload_expires_at = ${ago(0.5)}`);
    // The gateway died mid-upload two hours after the token ran out: partial bytes under the key (a commit that
    // was never recorded) and a staged part that nobody will finish.
    const stuck = await file(a, 'VISIT_PHOTO', 'image/png', null);
    await set(stuck, `status = 'UPLOADING', upload_expires_at = ${ago(2)}`);
    mkdirSync(path.join(dir, a.id), { recursive: true });
    writeFileSync(path.join(dir, a.id, stuck), PNG.subarray(0, 20));
    const uploadingRecent = await file(a, 'VISIT_PHOTO', 'image/png', null);
    await set(uploadingRecent, `status = 'UPLOADING', upload_expires_at = ${ago(0.5)}`);
    mkdirSync(path.join(dir, '.incoming'), { recursive: true });
    const oldPart = path.join(dir, '.incoming', `${'a'.repeat(24)}.part`);
    const newPart = path.join(dir, '.incoming', `${'b'.repeat(24)}.part`);
    writeFileSync(oldPart, 'x');
    writeFileSync(newPart, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(oldPart, twoHoursAgo, twoHoursAgo);

    const unattachedOld = await file(a, 'VISIT_PHOTO', 'image/png', PNG);
    await set(unattachedOld, `uploaded_at = ${ago(25)}`);
    const unattachedRecent = await file(a, 'VISIT_PHOTO', 'image/png', PNG);
    await set(unattachedRecent, `uploaded_at = ${ago(23)}`);
    // Attached long ago: a task's evidence and a visit's photo stay, however old.
    const visitId = await api.newVisit(a.adminToken);
    const task = await gql(a.adminToken, `mutation($input: CreateTaskInput!) { createTask(input: $input) { ... on TaskPayload { task { id } } } }`, {
      input: { visitId, phase: 'PREPARATION', title: '签到' },
    });
    const evidence = await file(a, 'TASK_EVIDENCE', 'application/pdf', PDF);
    const attached = await gql(a.adminToken, `mutation($input: AttachTaskEvidenceFileInput!) { attachTaskEvidenceFile(input: $input) { __typename } }`, {
      input: { taskId: task.createTask.task.id, fileId: globalOf('EvidenceFile', evidence) },
    });
    expect(attached.attachTaskEvidenceFile.__typename).toBe('AttachTaskEvidenceFilePayload');
    const photo = await file(a, 'VISIT_PHOTO', 'image/png', PNG);
    const added = await gql(a.adminToken, `mutation($input: AddVisitPhotoInput!) { addVisitPhoto(input: $input) { __typename } }`, {
      input: { visitId, fileId: globalOf('EvidenceFile', photo) },
    });
    expect(added.addVisitPhoto.__typename).toBe('VisitPhotoPayload');
    await set(evidence, `uploaded_at = ${ago(48)}`);
    await set(photo, `uploaded_at = ${ago(48)}`);
    // Refused uploads (a PDF sent as a PNG): kept a week.
    const rejectedOld = await file(a, 'VISIT_PHOTO', 'image/png', PDF, 'image/png');
    const rejectedRecent = await file(a, 'VISIT_PHOTO', 'image/png', PDF, 'image/png');
    await set(rejectedOld, `created_at = ${ago(8 * 24)}`);
    await set(rejectedRecent, `created_at = ${ago(6 * 24)}`);

    // Tenant B: one that qualifies, one that does not.
    const bOld = await file(b, 'TASK_EVIDENCE', 'application/pdf', PDF);
    const bRecent = await file(b, 'TASK_EVIDENCE', 'application/pdf', PDF);
    await set(bOld, `uploaded_at = ${ago(30)}`);

    const all = [
      pendingOld,
      pendingRecent,
      stuck,
      uploadingRecent,
      unattachedOld,
      unattachedRecent,
      evidence,
      photo,
      rejectedOld,
      rejectedRecent,
      bOld,
      bRecent,
    ];
    expect(await rows(all)).toMatchObject({ [rejectedOld]: 'REJECTED:WRONG_TYPE', [unattachedOld]: 'STORED', [bOld]: 'STORED' });
    for (const [tenant, id] of [
      [a, unattachedOld],
      [a, unattachedRecent],
      [a, evidence],
      [a, photo],
      [b, bOld],
      [b, bRecent],
    ] as const) {
      expect(stored(tenant, id)).toBe(true);
    }

    const runner = await jobs.start({
      definitions: { jobs: new Map([[EVIDENCE_CLEANUP_JOB, evidenceCleanupJob]]), cron: [] },
      evidence: { store: filesystemStore(dir), unattachedHours: 24 },
    });
    await runner.addJob(EVIDENCE_CLEANUP_JOB, {});
    await waitFor(
      async () => {
        const queue = await ownerQuery<{ last_error: string | null }>(`SELECT last_error FROM ${SCHEMA}._private_jobs`);
        if (queue.some((j) => j.last_error)) throw new Error(`the cleanup failed: ${queue[0]!.last_error}`);
        return queue.length === 0;
      },
      30_000,
      'the cleanup run',
      100,
    );

    expect(await rows(all)).toEqual({
      [pendingRecent]: 'PENDING',
      [stuck]: 'REJECTED:FAILED',
      [uploadingRecent]: 'UPLOADING',
      [unattachedRecent]: 'STORED',
      [evidence]: 'STORED',
      [photo]: 'STORED',
      [rejectedRecent]: 'REJECTED:WRONG_TYPE',
      [bRecent]: 'STORED',
    });
    // The store: the deleted files' bytes are gone, the partial upload too; the rest is there.
    expect(stored(a, unattachedOld)).toBe(false);
    expect(stored(a, stuck)).toBe(false);
    expect(stored(b, bOld)).toBe(false);
    for (const [tenant, id] of [
      [a, unattachedRecent],
      [a, evidence],
      [a, photo],
      [b, bRecent],
    ] as const)
      expect(stored(tenant, id)).toBe(true);
    expect(readdirSync(path.join(dir, '.incoming'))).toEqual([path.basename(newPart)]);

    // One audit entry per tenant with counts, no file names.
    const audit = await ownerQuery<{ tenant_id: string; data: Record<string, number>; actor_user_id: string | null }>(
      `SELECT tenant_id, data, actor_user_id FROM audit_log WHERE action = 'evidence.cleaned_up' AND tenant_id = ANY($1) ORDER BY tenant_id`,
      [[a.id, b.id]],
    );
    const byTenant = Object.fromEntries(audit.map((e) => [e.tenant_id, e.data]));
    expect(audit).toHaveLength(2);
    expect(byTenant[a.id]).toEqual({ expiredPending: 1, abandonedUploads: 1, unattachedStored: 1, oldRejected: 1 });
    expect(byTenant[b.id]).toEqual({ expiredPending: 0, abandonedUploads: 0, unattachedStored: 1, oldRejected: 0 });
    expect(JSON.stringify(audit)).not.toContain('f.png');
    expect(audit.every((e) => e.actor_user_id === null)).toBe(true);

    // A crash after the bytes went but before the row did leaves a STORED row without bytes: the next run finishes it.
    const half = await file(b, 'TASK_EVIDENCE', 'application/pdf', PDF);
    await set(half, `uploaded_at = ${ago(30)}`);
    rmSync(path.join(dir, b.id, half));
    await runner.addJob(EVIDENCE_CLEANUP_JOB, {});
    await waitFor(async () => (await rows([half]))[half] === undefined, 30_000, 'the second run', 100);
    // The attached files' rows and bytes are still there after a second run.
    expect(await rows([evidence, photo])).toEqual({ [evidence]: 'STORED', [photo]: 'STORED' });
  });
});
