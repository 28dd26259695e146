// Evidence files over HTTP (issue 16; rows and rules in packages/schema's modules/shared/evidence):
//
//   PUT|POST /files/uploads/<token>  the file's bytes as the whole body, with the Content-Type declared when the
//                                    upload was asked for (requestEvidenceUpload). The token is the permission
//                                    (no Authorization needed): single-use, expiring, only its SHA-256 stored; its
//                                    text names the tenant, in whose RLS scope the row is found and claimed.
//                                    The body streams to the file store: the first bytes are sniffed for the real
//                                    type (file-type's magic numbers) before anything is written, the size is
//                                    counted on the stream (the upload is cut at the limit, whatever
//                                    Content-Length said), the virus-scan hook sees the whole file before it is
//                                    kept; anything refused leaves nothing stored and the row REJECTED.
//   GET|HEAD /files/<file id>        the stored file, to a member (or API key) of its tenant only: the caller's
//                                    credential verified in the database and the row read under RLS, as for any
//                                    operation; another tenant's file is 404, no credential 401.
//   GET|HEAD /files/<file id>?token= the same file to whoever holds a signed link (EvidenceFile.url: a short-lived
//                                    JWT of audience jiedai-file naming this file and its tenant), no Authorization
//                                    needed: the row is read under RLS in the token's tenant. A token of another
//                                    file, expired, forged or malformed is 404 like a file that is not there. Cached
//                                    privately for no longer than the token still works.
import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { fileTypeFromBuffer } from 'file-type';
import type { Database, Db } from '@jiedai/db';
import {
  AccessDenied,
  claimEvidenceUpload,
  completeEvidenceUpload,
  EVIDENCE_CONTENT_TYPES,
  parseUploadToken,
  rejectEvidenceUpload,
  storedEvidenceFile,
  type FileLinkService,
} from '@jiedai/schema';
import type { EvidenceFile, EvidenceFileRejection } from '@jiedai/db';
import type { EvidenceStore, PendingObject } from '../evidence/store.ts';
import type { EvidenceScanner } from '../evidence/scan.ts';
import { requestStateOf } from '../request-state.ts';
import { DOWNLOAD_PATH, UPLOAD_PATH } from '../evidence/paths.ts';
import { verifiedTransaction } from './tenant-transaction.ts';
import { maskedFailure } from './http-guards.ts';

/** How many bytes file-type needs to tell every type it knows. */
const SNIFF_BYTES = 4100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const failure = (status: number, code: string, message: string, extensions: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ errors: [{ message, extensions: { code, ...extensions } }] }), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });

/** The file id of a download path: the EvidenceFile's global id (as downloadUrl gives it) or its UUID. */
function fileIdOf(segment: string): string | null {
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    return null;
  }
  if (UUID.test(text)) return text;
  const decoded = Buffer.from(text, 'base64').toString();
  const [type, id] = decoded.split(':');
  return type === 'EvidenceFile' && id && UUID.test(id) ? id : null;
}

/** `filename*` for Content-Disposition (RFC 6266/8187), with a plain ASCII fallback. */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export interface EvidenceFilesOptions {
  db: Database;
  store: EvidenceStore;
  scanner: EvidenceScanner;
  /** Verifies the signed links of `EvidenceFile.url`. */
  fileLinks: FileLinkService;
  log: Logger;
}

export function useEvidenceFiles({ db, store, scanner, fileLinks, log }: EvidenceFilesOptions): Plugin {
  async function upload(request: Request, token: string): Promise<Response> {
    const parsed = parseUploadToken(token);
    if (!parsed) return failure(404, 'UPLOAD_NOT_FOUND', 'No such upload.', {}, { connection: 'close' });
    const inTenant = <T>(fn: (tx: Db) => Promise<T>) =>
      db.transaction({ scope: { tenantId: parsed.tenantId }, isolationLevel: 'ReadCommitted' }, (tx) => fn(tx));
    const claim = await inTenant((tx) => claimEvidenceUpload(tx, parsed.tokenHash));
    if (!claim.ok) {
      const close = { connection: 'close' };
      if (claim.reason === 'EXPIRED') return failure(410, 'UPLOAD_EXPIRED', 'The upload link expired: ask for a new upload.', {}, close);
      if (claim.reason === 'USED') return failure(409, 'UPLOAD_USED', 'The upload link was used already: ask for a new upload.', {}, close);
      return failure(404, 'UPLOAD_NOT_FOUND', 'No such upload.', {}, close);
    }
    const file = claim.file;
    const accepted = EVIDENCE_CONTENT_TYPES[file.purpose];
    let pending: PendingObject | undefined;
    const refuse = async (rejection: EvidenceFileRejection, response: Response) => {
      await pending?.abort();
      await inTenant((tx) => rejectEvidenceUpload(tx, file.id, rejection));
      log.info({ fileId: file.id, tenantId: file.tenantId, rejection }, 'evidence upload refused');
      // The rest of the body is not read: node discards it, and the connection closes after this answer (cancelling the
      // body instead would reset the socket before the client reads the answer).
      response.headers.set('connection', 'close');
      return response;
    };
    const tooLarge = () => refuse('TOO_LARGE', failure(413, 'FILE_TOO_LARGE', `The file is over ${file.maxBytes} bytes.`, { max: file.maxBytes }));
    const wrongType = (found: string) =>
      refuse(
        'WRONG_TYPE',
        failure(415, 'UNSUPPORTED_FILE_TYPE', `Expected ${file.declaredContentType}; found ${found}.`, { expected: file.declaredContentType, accepted }),
      );

    const declared = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (declared !== file.declaredContentType) return wrongType(`Content-Type ${declared || '(none)'}`);
    if (Number(request.headers.get('content-length') ?? 0) > file.maxBytes) return tooLarge();

    const key = `${file.tenantId}/${file.id}`;
    const hash = createHash('sha256');
    let size = 0;
    let contentType: string | undefined;
    try {
      const reader = request.body?.getReader();
      const head: Uint8Array[] = [];
      let headBytes = 0;
      for (;;) {
        const { done, value } = reader ? await reader.read() : { done: true, value: undefined };
        if (value?.byteLength) {
          size += value.byteLength;
          // Cut at the limit, whatever Content-Length said (or when there was none: chunked).
          if (size > file.maxBytes) return await tooLarge();
          hash.update(value);
          if (pending) await pending.write(value);
          else {
            head.push(value);
            headBytes += value.byteLength;
          }
        }
        if (!pending && (done || headBytes >= SNIFF_BYTES)) {
          // Nothing is written before the first bytes show the declared type.
          const buffer = Buffer.concat(head);
          const sniffed = await fileTypeFromBuffer(buffer);
          if (!sniffed || sniffed.mime !== file.declaredContentType) return await wrongType(sniffed?.mime ?? (size ? 'an unknown type' : 'an empty body'));
          contentType = sniffed.mime;
          pending = await store.begin(key);
          await pending.write(buffer);
        }
        if (done) break;
      }
      const sha256 = hash.digest('hex');
      const verdict = await scanner.scan({ fileId: file.id, tenantId: file.tenantId, contentType: contentType!, size, sha256, read: () => pending!.read() });
      if (!verdict.clean) {
        log.warn({ fileId: file.id, tenantId: file.tenantId, reason: verdict.reason }, 'evidence upload refused by the virus scan');
        return await refuse('INFECTED', failure(422, 'FILE_REJECTED', 'The file did not pass the security check.'));
      }
      await pending!.commit();
      const recorded = await inTenant((tx) =>
        completeEvidenceUpload(tx, file.id, { contentType: contentType!, sizeBytes: size, sha256, storageKey: key }),
      ).catch(async (error) => {
        await store.remove(key).catch(() => undefined);
        throw error;
      });
      if (!recorded) {
        await store.remove(key);
        return failure(409, 'UPLOAD_USED', 'The upload link was used already: ask for a new upload.');
      }
      return new Response(
        JSON.stringify({ file: { id: Buffer.from(`EvidenceFile:${file.id}`).toString('base64'), status: 'STORED', contentType, sizeBytes: size, sha256 } }),
        { status: 201, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } },
      );
    } catch (error) {
      // A client that went away mid-body, a full disk, the database gone: nothing kept, the row FAILED.
      await pending?.abort().catch(() => undefined);
      await inTenant((tx) => rejectEvidenceUpload(tx, file.id, 'FAILED')).catch(() => undefined);
      throw error;
    }
  }

  /** The file a signed link names, if the link is good and names this file: read under RLS in the link's tenant. */
  async function linkedFile(id: string, token: string): Promise<{ file: EvidenceFile | null; expiresAt: Date } | null> {
    const claims = await fileLinks.verify(token);
    if (!claims || claims.fileId !== id) return null;
    const file = await db.transaction({ scope: { tenantId: claims.tenantId }, isolationLevel: 'ReadCommitted' }, (tx) => storedEvidenceFile(tx, id));
    return { file, expiresAt: claims.expiresAt };
  }

  async function download(request: Request, segment: string, token: string | null, serverContext: unknown): Promise<Response> {
    const id = fileIdOf(segment);
    let file: EvidenceFile | null;
    // Served by a signed link: how long a cache may keep it (never past the link's end).
    let linkSeconds: number | null = null;
    if (token !== null) {
      // The link decides alone (a header sent along is not consulted): a bad link is refused like a missing file.
      const linked = id ? await linkedFile(id, token) : null;
      if (!linked) return failure(404, 'NOT_FOUND', 'No such file.');
      file = linked.file;
      linkSeconds = Math.max(0, Math.floor((linked.expiresAt.getTime() - Date.now()) / 1000));
    } else {
      const auth = requestStateOf(serverContext)?.auth;
      const credential = auth?.credential ?? { type: 'anonymous' as const };
      if (credential.type === 'anonymous') return failure(401, 'UNAUTHENTICATED', 'Send your token: Authorization: Bearer <token>.');
      if (credential.type !== 'user' && credential.type !== 'apiKey') return failure(403, 'FORBIDDEN', 'Only members of the tenant get its files.');
      if (!credential.tenantId) return failure(403, 'FORBIDDEN', 'Choose a tenant (X-Tenant-Id) to get its files.');
      if (!id) return failure(404, 'NOT_FOUND', 'No such file.');
      try {
        file = await verifiedTransaction(db, credential, auth!.tenantKind, 'ReadCommitted', (tx) => storedEvidenceFile(tx, id));
      } catch (error) {
        if (error instanceof AccessDenied) return failure(error.code === 'UNAUTHENTICATED' ? 401 : 403, error.code, error.message);
        throw error;
      }
    }
    const object = file && (await store.open(file.storageKey!));
    if (!file || !object) {
      if (file) log.error({ fileId: file.id, tenantId: file.tenantId }, 'a stored evidence file is missing from the file store');
      return failure(404, 'NOT_FOUND', 'No such file.');
    }
    const image = file.contentType!.startsWith('image/');
    const headers = {
      'content-type': file.contentType!,
      'content-length': String(object.size),
      'content-disposition': disposition(image ? 'inline' : 'attachment', file.fileName),
      'cache-control': linkSeconds === null ? 'private, no-store' : `private, max-age=${linkSeconds}`,
      'x-content-type-options': 'nosniff',
      // The link's token is in this URL: a document that links onwards must not pass it on.
      ...(linkSeconds === null ? {} : { 'referrer-policy': 'no-referrer' }),
      'content-security-policy': "default-src 'none'; sandbox",
      etag: `"${file.sha256}"`,
    };
    if (request.method === 'HEAD') {
      await object.body.cancel();
      return new Response(null, { status: 200, headers });
    }
    return new Response(object.body, { status: 200, headers });
  }

  return {
    async onRequest({ request, url, endResponse, serverContext }) {
      if (!url.pathname.startsWith('/files/')) return;
      try {
        return await route(request, url, endResponse, serverContext);
      } catch (error) {
        const requestId = requestStateOf(serverContext)?.requestId ?? 'unknown';
        log.error({ err: error, requestId }, 'evidence file route failed');
        return endResponse(maskedFailure(requestId));
      }
    },
  };

  async function route(request: Request, url: URL, endResponse: (response: Response) => void, serverContext: unknown) {
    const uploadMatch = UPLOAD_PATH.exec(url.pathname);
    if (uploadMatch) {
      if (request.method !== 'PUT' && request.method !== 'POST')
        return endResponse(failure(405, 'METHOD_NOT_ALLOWED', 'PUT or POST the file.', {}, { allow: 'PUT, POST' }));
      return endResponse(await upload(request, uploadMatch[1]!));
    }
    const downloadMatch = DOWNLOAD_PATH.exec(url.pathname);
    if (!downloadMatch) return endResponse(failure(404, 'NOT_FOUND', 'No such file.'));
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return endResponse(failure(405, 'METHOD_NOT_ALLOWED', 'GET the file.', {}, { allow: 'GET, HEAD' }));
    return endResponse(await download(request, downloadMatch[1]!, url.searchParams.get('token'), serverContext));
  }
}
