// Evidence files through the real gateway: requestEvidenceUpload → PUT the bytes to the single-use URL (over
// yoga.fetch and over a real socket, chunked) → attach to a task or a visit → download as a member; refused
// for another tenant's member and for no one at all. Too large (declared, by Content-Length, and cut on the
// stream when chunked), wrong type (declared, by Content-Type, and by the first bytes), expired, used and
// forged tokens, and the virus-scan hook: each refused with its code, the row REJECTED, and nothing stored.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatformAdmin, createTenant, ownerQuery, rawId, startTestApp, TEST_JWT, waitFor, wsFeed, type TestApp, type TestTenant } from '@jiedai/testing';
import { publicEventType, webhookPayload } from '../../../core/webhooks/webhook.events.ts';
import { visitApi, type VisitApi } from '../../visits/__tests__/visits.helpers.ts';

const MAX = 64 * 1024;
const MARKER = 'EICAR-STANDARD-ANTIVIRUS-TEST-FILE';

// A real 1×1 PNG, and a minimal PDF.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

let t: TestApp;
let api: VisitApi;
let a: TestTenant;
let b: TestTenant;
let staff: { token: string };
let dir: string;
const scanned: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'jiedai-evidence-'));
  t = await startTestApp(
    // MAX_BODY_BYTES (GraphQL bodies) below the upload limit: uploads are limited by their own.
    { EVIDENCE_DIR: dir, EVIDENCE_MAX_BYTES: String(MAX), EVIDENCE_UPLOAD_TTL_SECONDS: '600', MAX_BODY_BYTES: '4096' },
    {
      evidence: {
        // The hook point: a scanner that refuses files carrying the marker (and records what it saw, whole).
        scanner: {
          async scan(file) {
            const chunks: Buffer[] = [];
            for await (const chunk of file.read()) chunks.push(chunk as Buffer);
            const bytes = Buffer.concat(chunks);
            scanned.push(file.sha256);
            expect(bytes.length).toBe(file.size);
            return bytes.includes(MARKER) ? { clean: false, reason: 'test signature' } : { clean: true };
          },
        },
      },
    },
  );
  api = visitApi(t);
  const platform = await createPlatformAdmin(t);
  a = await createTenant(t, platform.token, 'GOVERNMENT_OFFICE');
  b = await createTenant(t, platform.token, 'HOTEL');
  staff = await a.member(['STAFF']);
}, 120_000);

afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under the store's directory (uploads in progress included), relative. */
function storedFiles(): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(path.relative(dir, full));
    }
  };
  walk(dir);
  return found.sort();
}

const FILE_FIELDS = 'id purpose status rejection fileName declaredContentType contentType sizeBytes sha256 downloadUrl';

async function requestUpload(token: string, input: Record<string, unknown>) {
  const res = await t.gql(
    `mutation($input: RequestEvidenceUploadInput!) { requestEvidenceUpload(input: $input) {
       __typename
       ... on RequestEvidenceUploadPayload { file { ${FILE_FIELDS} } upload { url method headers { name value } token expiresAt maxBytes contentTypes } }
       ... on Error { code message }
     } }`,
    { input },
    { token },
  );
  expect(res.errors).toBeUndefined();
  return res.data.requestEvidenceUpload;
}

async function upload(token: string, purpose: string, fileName: string, contentType: string) {
  const result = await requestUpload(token, { purpose, fileName, contentType });
  expect(result.__typename).toBe('RequestEvidenceUploadPayload');
  return result as { file: { id: string }; upload: { url: string; method: string; headers: { name: string; value: string }[]; token: string } };
}

const put = (url: string, body: BodyInit | null, contentType: string, headers: Record<string, string> = {}) =>
  t.fetch(new URL(url).pathname, { method: 'PUT', headers: { 'content-type': contentType, ...headers }, body });

async function readFile(token: string | null, id: string) {
  const res = await t.gql(`query($id: ID!) { node(id: $id) { ... on EvidenceFile { ${FILE_FIELDS} } } }`, { id }, { token });
  return res.data?.node;
}

async function newTask(token: string) {
  const visitId = await api.newVisit(token);
  const data = await api.gql(
    `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on TaskPayload { task { id } } } }`,
    { input: { visitId, phase: 'PREPARATION', title: '会场布置' } },
    token,
  );
  return { visitId, taskId: data.createTask.task.id as string };
}

async function attachToTask(token: string, taskId: string, fileId: string, note?: string) {
  const res = await t.gql(
    `mutation($input: AttachTaskEvidenceFileInput!) { attachTaskEvidenceFile(input: $input) {
       __typename
       ... on AttachTaskEvidenceFilePayload { evidence { id kind reference note file { id status contentType } } task { id evidence { id kind } } }
       ... on Error { code message }
     } }`,
    { input: { taskId, fileId, note } },
    { token },
  );
  expect(res.errors).toBeUndefined();
  return res.data.attachTaskEvidenceFile;
}

async function addPhoto(token: string, visitId: string, fileId: string, caption?: string) {
  const res = await t.gql(
    `mutation($input: AddVisitPhotoInput!) { addVisitPhoto(input: $input) {
       __typename
       ... on VisitPhotoPayload { photo { id caption file { id contentType } visit { id } } }
       ... on Error { code message }
     } }`,
    { input: { visitId, fileId, caption } },
    { token },
  );
  expect(res.errors).toBeUndefined();
  return res.data.addVisitPhoto;
}

const download = (url: string, token?: string, headers: Record<string, string> = {}) =>
  t.fetch(new URL(url).pathname, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

describe('evidence files', () => {
  it('a PDF is uploaded through its single-use URL, attached to a task, and downloaded by members only', async () => {
    const { taskId } = await newTask(a.adminToken);
    const { file, upload: target } = await upload(staff.token, 'TASK_EVIDENCE', '签到表 2030-05.pdf', 'application/pdf');
    expect(target.method).toBe('PUT');
    expect(target.url).toMatch(/^http:\/\/jiedai\.test\/files\/uploads\/jdu_[A-Za-z0-9_-]+$/);
    expect(target.headers).toEqual([{ name: 'content-type', value: 'application/pdf' }]);
    // Only the token's hash is kept.
    const [row] = await ownerQuery('SELECT upload_token_hash, status FROM evidence_files WHERE id = $1', [rawId(file.id)]);
    expect(row.status).toBe('PENDING');
    expect(row.upload_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.upload_token_hash).not.toContain(target.token);
    expect((await readFile(staff.token, file.id)).downloadUrl).toBeNull();

    const sent = await put(target.url, PDF, 'application/pdf');
    expect(sent.status).toBe(201);
    const body = await sent.json();
    expect(body.file).toMatchObject({ id: file.id, status: 'STORED', contentType: 'application/pdf', sizeBytes: PDF.length });
    // Once only.
    const again = await put(target.url, PDF, 'application/pdf');
    expect(again.status).toBe(409);
    expect((await again.json()).errors[0].extensions.code).toBe('UPLOAD_USED');

    const stored = await readFile(staff.token, file.id);
    expect(stored).toMatchObject({ status: 'STORED', contentType: 'application/pdf', sizeBytes: PDF.length, sha256: body.file.sha256 });
    expect(stored.downloadUrl).toMatch(/^http:\/\/jiedai\.test\/files\//);
    expect(scanned).toContain(body.file.sha256);

    const attached = await attachToTask(staff.token, taskId, file.id, '签到表');
    expect(attached.__typename).toBe('AttachTaskEvidenceFilePayload');
    expect(attached.evidence).toMatchObject({ kind: 'FILE', note: '签到表', file: { id: file.id, status: 'STORED', contentType: 'application/pdf' } });
    expect(attached.evidence.reference).toBe(new URL(stored.downloadUrl).pathname);
    expect(attached.task.evidence.map((e: { id: string }) => e.id)).toContain(attached.evidence.id);
    expect((await attachToTask(staff.token, taskId, file.id)).code).toBe('ALREADY_ATTACHED');

    // Members of the tenant (the admin too) get the bytes; another tenant's admin and no one at all do not.
    for (const token of [staff.token, a.adminToken]) {
      const got = await download(stored.downloadUrl, token);
      expect(got.status).toBe(200);
      expect(got.headers.get('content-type')).toBe('application/pdf');
      expect(got.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('签到表 2030-05.pdf')}`);
      expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
      expect(got.headers.get('cache-control')).toBe('private, no-store');
      expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);
    }
    const byUuid = await download(`http://jiedai.test/files/${rawId(file.id)}`, staff.token);
    expect(byUuid.status).toBe(200);
    await byUuid.arrayBuffer();
    const other = await download(stored.downloadUrl, b.adminToken);
    expect(other.status).toBe(404);
    expect((await other.json()).errors[0].extensions.code).toBe('NOT_FOUND');
    // Naming tenant A with B's admin token: not a member there.
    expect((await download(stored.downloadUrl, b.adminToken, { 'x-tenant-id': a.id })).status).toBe(403);
    const anonymous = await download(stored.downloadUrl);
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // And the other tenant cannot see or attach the file through the API either.
    expect(await readFile(b.adminToken, file.id)).toBeNull();
    const { taskId: bTask } = await newTask(b.adminToken);
    expect((await attachToTask(b.adminToken, bTask, file.id)).code).toBe('NOT_FOUND');
  });

  it('a photo streams over a real socket (chunked), becomes a visit photo, and is served inline', async () => {
    const { visitId } = await newTask(a.adminToken);
    const { file, upload: target } = await upload(staff.token, 'VISIT_PHOTO', 'group.png', 'image/png');
    const port = await t.listen();
    const chunks = [PNG.subarray(0, 10), PNG.subarray(10)];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(new Uint8Array(next));
        else controller.close();
      },
    });
    const sent = await fetch(`http://127.0.0.1:${port}${new URL(target.url).pathname}`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(sent.status).toBe(201);
    expect((await sent.json()).file).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length });

    const added = await addPhoto(staff.token, visitId, file.id, '合影');
    expect(added).toMatchObject({
      __typename: 'VisitPhotoPayload',
      photo: { caption: '合影', file: { id: file.id, contentType: 'image/png' }, visit: { id: visitId } },
    });
    expect((await addPhoto(staff.token, visitId, file.id)).code).toBe('ALREADY_ATTACHED');
    const visit = await api.read(staff.token, visitId, 'photos(first: 10) { totalCount nodes { caption file { downloadUrl } } }');
    expect(visit.photos.totalCount).toBe(1);
    const got = await fetch(`http://127.0.0.1:${port}${new URL(visit.photos.nodes[0].file.downloadUrl).pathname}`, {
      headers: { authorization: `Bearer ${staff.token}` },
    });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);

    // POST works too, with a body over MAX_BODY_BYTES (4 KiB here) but within the upload's limit.
    const padded = Buffer.concat([PNG, Buffer.alloc(10_000, 1)]);
    const posted = await upload(staff.token, 'VISIT_PHOTO', 'large.png', 'image/png');
    const post = await fetch(`http://127.0.0.1:${port}${new URL(posted.upload.url).pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: padded,
    });
    expect(post.status).toBe(201);
    expect((await post.json()).file).toMatchObject({ contentType: 'image/png', sizeBytes: padded.length });

    // A task's file is not a visit's photo, nor the reverse.
    const pdf = await upload(staff.token, 'TASK_EVIDENCE', 'a.pdf', 'application/pdf');
    expect((await put(pdf.upload.url, PDF, 'application/pdf')).status).toBe(201);
    expect((await addPhoto(staff.token, visitId, pdf.file.id)).code).toBe('WRONG_PURPOSE');
  });

  it('too large: refused when declared, by Content-Length, and cut on the stream; nothing stored', async () => {
    const before = storedFiles();
    expect((await requestUpload(staff.token, { purpose: 'VISIT_PHOTO', fileName: 'big.png', contentType: 'image/png', size: MAX + 1 })).code).toBe(
      'FILE_TOO_LARGE',
    );
    const big = Buffer.concat([PNG, Buffer.alloc(MAX, 7)]);

    // Content-Length over the limit: refused before reading (over a real socket, where the header is sent).
    const port = await t.listen();
    const first = await upload(staff.token, 'VISIT_PHOTO', 'big.png', 'image/png');
    const declared = await fetch(`http://127.0.0.1:${port}${new URL(first.upload.url).pathname}`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).errors[0].extensions).toMatchObject({ code: 'FILE_TOO_LARGE', max: MAX });

    // No Content-Length (chunked): counted on the stream and cut at the limit.
    const second = await upload(staff.token, 'VISIT_PHOTO', 'big.png', 'image/png');
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset >= big.length) return controller.close();
        controller.enqueue(new Uint8Array(big.subarray(offset, offset + 8192)));
        offset += 8192;
      },
    });
    const streamed = await fetch(`http://127.0.0.1:${port}${new URL(second.upload.url).pathname}`, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).errors[0].extensions.code).toBe('FILE_TOO_LARGE');

    for (const { file } of [first, second]) {
      expect(await readFile(staff.token, file.id)).toMatchObject({ status: 'REJECTED', rejection: 'TOO_LARGE', sha256: null, downloadUrl: null });
    }
    const { visitId } = await newTask(a.adminToken);
    expect((await addPhoto(staff.token, visitId, second.file.id)).code).toBe('FILE_TOO_LARGE');
    expect(storedFiles()).toEqual(before);
  });

  it('wrong type: refused when declared, by Content-Type, and by the first bytes; nothing stored', async () => {
    const before = storedFiles();
    expect((await requestUpload(staff.token, { purpose: 'TASK_EVIDENCE', fileName: 'a.txt', contentType: 'text/plain' })).code).toBe('UNSUPPORTED_FILE_TYPE');
    expect((await requestUpload(staff.token, { purpose: 'VISIT_PHOTO', fileName: 'a.pdf', contentType: 'application/pdf' })).code).toBe(
      'UNSUPPORTED_FILE_TYPE',
    );

    // A Content-Type other than the declared one.
    const first = await upload(staff.token, 'TASK_EVIDENCE', 'a.png', 'image/png');
    const header = await put(first.upload.url, PNG, 'application/pdf');
    expect(header.status).toBe(415);
    // Declared a PNG, sent a PDF; declared a PDF, sent text (a script named .pdf).
    const second = await upload(staff.token, 'TASK_EVIDENCE', 'b.png', 'image/png');
    const pdfAsPng = await put(second.upload.url, PDF, 'image/png');
    expect(pdfAsPng.status).toBe(415);
    expect((await pdfAsPng.json()).errors[0].extensions).toMatchObject({ code: 'UNSUPPORTED_FILE_TYPE', expected: 'image/png' });
    const third = await upload(staff.token, 'TASK_EVIDENCE', 'c.pdf', 'application/pdf');
    expect((await put(third.upload.url, Buffer.from('<script>alert(1)</script>'.repeat(300)), 'application/pdf')).status).toBe(415);

    for (const { file } of [first, second, third]) expect(await readFile(staff.token, file.id)).toMatchObject({ status: 'REJECTED', rejection: 'WRONG_TYPE' });
    const { taskId } = await newTask(a.adminToken);
    expect((await attachToTask(staff.token, taskId, third.file.id)).code).toBe('UNSUPPORTED_FILE_TYPE');
    expect(storedFiles()).toEqual(before);
  });

  it('the virus-scan hook refuses a file after it arrived whole; nothing stored', async () => {
    const before = storedFiles();
    const { file, upload: target } = await upload(staff.token, 'TASK_EVIDENCE', 'x.png', 'image/png');
    const infected = await put(target.url, Buffer.concat([PNG, Buffer.from(MARKER)]), 'image/png');
    expect(infected.status).toBe(422);
    expect((await infected.json()).errors[0].extensions.code).toBe('FILE_REJECTED');
    expect(await readFile(staff.token, file.id)).toMatchObject({ status: 'REJECTED', rejection: 'INFECTED' });
    const { taskId } = await newTask(a.adminToken);
    expect((await attachToTask(staff.token, taskId, file.id)).code).toBe('FILE_REJECTED');
    expect(storedFiles()).toEqual(before);
  });

  it('expired, unknown and forged tokens are refused; a file not uploaded cannot be attached', async () => {
    const { taskId } = await newTask(a.adminToken);
    const pending = await upload(staff.token, 'TASK_EVIDENCE', 'later.pdf', 'application/pdf');
    expect((await attachToTask(staff.token, taskId, pending.file.id)).code).toBe('FILE_NOT_UPLOADED');

    const expired = await upload(staff.token, 'TASK_EVIDENCE', 'late.pdf', 'application/pdf');
    await ownerQuery(`UPDATE evidence_files SET upload_expires_at = now() - interval '1 second' WHERE id = $1`, [rawId(expired.file.id)]);
    const late = await put(expired.upload.url, PDF, 'application/pdf');
    expect(late.status).toBe(410);
    expect((await late.json()).errors[0].extensions.code).toBe('UPLOAD_EXPIRED');
    expect((await attachToTask(staff.token, taskId, expired.file.id)).code).toBe('UPLOAD_EXPIRED');
    expect(await readFile(staff.token, expired.file.id)).toMatchObject({ status: 'PENDING', downloadUrl: null });

    // A token naming another tenant (B's id, A's secret), a malformed one, and a made-up one: 404, nothing claimed.
    const token = pending.upload.token;
    const secret = token.slice(token.lastIndexOf('_') + 1);
    const bTenant = Buffer.from(b.id.replace(/-/g, ''), 'hex').toString('base64url');
    for (const forged of [`jdu_${bTenant}_${secret}`, 'jdu_nonsense', `${token.slice(0, -4)}AAAA`]) {
      const res = await put(`http://jiedai.test/files/uploads/${forged}`, PDF, 'application/pdf');
      expect(res.status).toBe(404);
      expect((await res.json()).errors[0].extensions.code).toBe('UPLOAD_NOT_FOUND');
    }
    expect(await readFile(staff.token, pending.file.id)).toMatchObject({ status: 'PENDING' });
    // The real token still works afterwards.
    expect((await put(pending.upload.url, PDF, 'application/pdf')).status).toBe(201);
    expect((await attachToTask(staff.token, taskId, pending.file.id)).__typename).toBe('AttachTaskEvidenceFilePayload');
  });

  it('asking for an upload needs a member with STAFF; the file id must be a file', async () => {
    const viewer = await a.member(['VIEWER']);
    expect((await requestUpload(viewer.token, { purpose: 'TASK_EVIDENCE', fileName: 'a.pdf', contentType: 'application/pdf' })).code).toBe('FORBIDDEN');
    const anonymous = await t.gql(
      `mutation { requestEvidenceUpload(input: { purpose: TASK_EVIDENCE, fileName: "a.pdf", contentType: "application/pdf" }) { __typename } }`,
    );
    expect(anonymous.status).toBe(401);
    expect((await requestUpload(staff.token, { purpose: 'TASK_EVIDENCE', fileName: '../etc/passwd', contentType: 'application/pdf' })).code).toBe(
      'BAD_USER_INPUT',
    );
    expect((await download('http://jiedai.test/files/not-an-id', staff.token)).status).toBe(404);
  });
});

describe('signed file links (EvidenceFile.url)', () => {
  const key = createSecretKey(Buffer.from(TEST_JWT.secret, 'utf8'));
  /** A link token as the gateway signs them, with any claims (an expired one, another tenant's …). */
  const signLink = (claims: { sub: string; tid: string; exp: number; aud?: string }) =>
    new SignJWT({ tid: claims.tid })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(TEST_JWT.issuer)
      .setAudience(claims.aud ?? 'jiedai-file')
      .setIssuedAt()
      .setExpirationTime(claims.exp)
      .sign(key);
  const linkOf = async (token: string | null, id: string, seconds?: number) => {
    const res = await t.gql(
      `query($id: ID!, $s: Int) { node(id: $id) { ... on EvidenceFile { status url(expiresInSeconds: $s) } } }`,
      { id, s: seconds ?? null },
      { token },
    );
    return res;
  };
  const get = (url: string, headers: Record<string, string> = {}) => {
    const u = new URL(url);
    return t.fetch(`${u.pathname}${u.search}`, { headers });
  };
  const refusedLikeNoFile = async (res: Response) => {
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errors: [{ message: 'No such file.', extensions: { code: 'NOT_FOUND' } }] });
  };

  it('works with no header, for that file only, until it expires; another tenant cannot mint one', async () => {
    const photo = await upload(staff.token, 'VISIT_PHOTO', '合影 2030.png', 'image/png');
    // Not stored yet: no link.
    expect((await linkOf(staff.token, photo.file.id)).data.node).toEqual({ status: 'PENDING', url: null });
    expect((await put(photo.upload.url, PNG, 'image/png')).status).toBe(201);
    const other = await upload(staff.token, 'TASK_EVIDENCE', 'other.pdf', 'application/pdf');
    expect((await put(other.upload.url, PDF, 'application/pdf')).status).toBe(201);

    const url = (await linkOf(staff.token, photo.file.id, 60)).data.node.url as string;
    expect(url).toMatch(/^http:\/\/jiedai\.test\/files\/[A-Za-z0-9%=]+\?token=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const got = await get(url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="__ 2030.png"; filename*=UTF-8''${encodeURIComponent('合影 2030.png')}`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    const maxAge = Number(/^private, max-age=(\d+)$/.exec(got.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(50);
    expect(maxAge).toBeLessThanOrEqual(60);
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    const head = await t.fetch(new URL(url).pathname + new URL(url).search, { method: 'HEAD' });
    expect(head.status).toBe(200);
    // The default: ten minutes; at most an hour.
    const byDefault = await get((await linkOf(staff.token, photo.file.id)).data.node.url);
    expect(Number(/max-age=(\d+)/.exec(byDefault.headers.get('cache-control') ?? '')?.[1])).toBeGreaterThan(590);
    await byDefault.arrayBuffer();
    const tooLong = await linkOf(staff.token, photo.file.id, 3601);
    expect(tooLong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const token = new URL(url).searchParams.get('token')!;
    const otherPath = new URL((await readFile(staff.token, other.file.id)).downloadUrl).pathname;
    // This file's token on another file's path: refused like a file that is not there.
    await refusedLikeNoFile(await t.fetch(`${otherPath}?token=${token}`));
    // Expired (signed properly, exp in the past).
    const past = Math.floor(Date.now() / 1000) - 5;
    await refusedLikeNoFile(await get(`${url.split('?')[0]}?token=${await signLink({ sub: rawId(photo.file.id), tid: a.id, exp: past })}`));
    // Tampered: another file's id in the claims with this token's signature, a changed signature, garbage.
    const [header, , signature] = token.split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ tid: a.id, sub: rawId(other.file.id), iss: 'jiedai', aud: 'jiedai-file', exp: past + 600 })).toString(
      'base64url',
    );
    await refusedLikeNoFile(await t.fetch(`${otherPath}?token=${header}.${forgedClaims}.${signature}`));
    const flipped = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    await refusedLikeNoFile(await get(`${url.split('?')[0]}?token=${flipped}`));
    await refusedLikeNoFile(await get(`${url.split('?')[0]}?token=nonsense`));
    // An access token is not a file link (its audience is the API's), nor one of another audience.
    await refusedLikeNoFile(await get(`${url.split('?')[0]}?token=${staff.token}`));
    const future = Math.floor(Date.now() / 1000) + 600;
    await refusedLikeNoFile(
      await get(`${url.split('?')[0]}?token=${await signLink({ sub: rawId(photo.file.id), tid: a.id, exp: future, aud: 'jiedai-api' })}`),
    );
    // The tenant is the token's: A's file under B's tenant is not found (RLS), even signed with the right key.
    await refusedLikeNoFile(await get(`${url.split('?')[0]}?token=${await signLink({ sub: rawId(photo.file.id), tid: b.id, exp: future })}`));
    // And properly signed for A it works (the forgeries above failed for their claims, not their form).
    const good = await get(`${url.split('?')[0]}?token=${await signLink({ sub: rawId(photo.file.id), tid: a.id, exp: future })}`);
    expect(good.status).toBe(200);
    await good.arrayBuffer();

    // B's members cannot mint one: the node lookup is tenant-scoped (null), in both tenants' headers.
    expect((await linkOf(b.adminToken, photo.file.id)).data.node).toBeNull();
    const named = await t.gql(
      `query($id: ID!) { node(id: $id) { ... on EvidenceFile { url } } }`,
      { id: photo.file.id },
      { token: b.adminToken, tenantId: a.id },
    );
    expect(named.data?.node ?? null).toBeNull();
    // Without a token the route still wants the header.
    expect((await t.fetch(new URL(url).pathname)).status).toBe(401);
  });
});

describe('visit photo events', () => {
  it('adding a photo appends visit.photo_added on the visit: live over graphql-ws, and as a webhook event', async () => {
    const port = await t.listen();
    expect(port).toBeGreaterThan(0);
    const { visitId } = await newTask(a.adminToken);
    const { file, upload: target } = await upload(staff.token, 'VISIT_PHOTO', 'arrival.png', 'image/png');
    expect((await put(target.url, PNG, 'image/png')).status).toBe(201);

    const client = t.wsClient({ Authorization: `Bearer ${staff.token}` });
    const feed = wsFeed<{ kind: string; visitId: string; change: Record<string, unknown>; actor: { id: string } | null; cursor: string }>(client, {
      query: 'subscription($v: ID!) { visitChanged(visitId: $v) { cursor kind visitId change actor { id } } }',
      variables: { v: visitId },
      field: 'visitChanged',
    });
    // Another tenant's member cannot watch A's visit.
    const otherClient = t.wsClient({ Authorization: `Bearer ${b.adminToken}` });
    const refused = wsFeed(otherClient, {
      query: 'subscription($v: ID!) { visitChanged(visitId: $v) { kind } }',
      variables: { v: visitId },
      field: 'visitChanged',
    });
    try {
      await waitFor(() => refused.ended !== null, 10_000, 'the refusal');
      expect(refused.events).toEqual([]);
      expect(JSON.stringify(refused.errors)).toContain('NOT_FOUND');
      // The subscription is up before the change (a first event would otherwise come from the log anyway: after is null).
      await new Promise((resolve) => setTimeout(resolve, 300));
      const added = await addPhoto(staff.token, visitId, file.id, '抵达');
      expect(added.__typename).toBe('VisitPhotoPayload');
      await waitFor(() => feed.events.some((e) => e.kind === 'visit.photo_added'), 10_000, 'the live event');
      const event = feed.events.find((e) => e.kind === 'visit.photo_added')!;
      expect(event).toMatchObject({
        visitId,
        change: { photoId: rawId(added.photo.id), fileId: rawId(file.id), contentType: 'image/png', caption: '抵达' },
      });
      expect(event.actor).not.toBeNull();
      expect(JSON.stringify(event.change)).not.toContain('arrival.png');
    } finally {
      feed.stop();
      refused.stop();
      await client.dispose();
      await otherClient.dispose();
    }

    // In the event log, and a webhook event of its own type with global ids.
    const [logged] = await ownerQuery(
      `SELECT tenant_id, seq, topic, type, subject_id, actor_user_id, payload, created_at FROM event_log WHERE tenant_id = $1 AND type = 'visit.photo_added' AND subject_id = $2`,
      [a.id, rawId(visitId)],
    );
    const def = publicEventType(logged.topic, logged.type);
    expect(def?.value).toBe('VISIT_PHOTO_ADDED');
    const body = JSON.parse(
      webhookPayload(
        {
          tenantId: logged.tenant_id,
          seq: BigInt(logged.seq),
          topic: logged.topic,
          type: logged.type,
          subjectId: logged.subject_id,
          actorUserId: logged.actor_user_id,
          payload: logged.payload,
          createdAt: logged.created_at,
        },
        def!,
      ),
    );
    expect(body).toMatchObject({ type: 'visit.photo_added', data: { subjectId: visitId, photoId: expect.any(String), fileId: file.id, caption: '抵达' } });
    expect(Buffer.from(body.data.photoId, 'base64').toString()).toMatch(/^VisitPhoto:/);
  });
});
