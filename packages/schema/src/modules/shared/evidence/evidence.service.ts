// Evidence files: task evidence and visit photos as real files (issue 16). A member asks for an upload
// (`requestEvidenceUpload`): a row, PENDING, holding the SHA-256 of a single-use token that expires; the
// token itself (`jdu_<tenant>_<secret>`, shared/public-links.ts) is returned once, inside the upload URL.
// The gateway's upload route (services/gateway/src/plugins/evidence-files.ts) finds the row by that hash
// in the tenant the token names, claims it, streams the bytes to the file store under the limits below,
// and records the outcome here. A stored file is then attached to a task or to a visit. This module knows
// no HTTP and no storage: only rows and rules.
import { z } from 'zod';
import type { Db, EvidenceFile, EvidenceFilePurpose, EvidenceFileRejection } from '@jiedai/db';
import type { ServiceDeps } from '../../../context.ts';
import { isUniqueViolation, parseInput } from '../../../shared/errors.ts';
import { newLinkToken, parseLinkToken, type ParsedLinkToken } from '../../../shared/public-links.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { addTaskEvidence } from '../tasks/task.service.ts';
import { notifyAssigned } from '../visits/visit.service.ts';
import { EvidenceError, type EvidenceErrorCode } from './evidence.errors.ts';
import { FILE_LINK_MAX_SECONDS, type FileLinkService } from './evidence.links.ts';

/** What the gateway is configured with (EVIDENCE_MAX_BYTES, EVIDENCE_UPLOAD_TTL_SECONDS, FILES_BASE_URL). */
export interface EvidenceSettings {
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  /** How long an upload token works. */
  uploadTtlSeconds: number;
  /** Upload and download URLs start with this (the gateway's public origin); else the request's origin outside production. */
  linkBase?: string | undefined;
}

export const DEFAULT_EVIDENCE_SETTINGS: EvidenceSettings = { maxBytes: 20 * 1024 * 1024, uploadTtlSeconds: 15 * 60 };

export const UPLOAD_TOKEN_PREFIX = 'jdu_';

/** The types each purpose accepts: what the client declares, and what the file's first bytes must show. */
export const EVIDENCE_CONTENT_TYPES: Record<EvidenceFilePurpose, readonly string[]> = {
  TASK_EVIDENCE: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'],
  VISIT_PHOTO: ['image/jpeg', 'image/png', 'image/webp', 'image/heic'],
};

/** Reads the tenant out of an upload token (a selector only: the row is found by the token's hash under RLS). */
export const parseUploadToken = (token: unknown): ParsedLinkToken | null => parseLinkToken(UPLOAD_TOKEN_PREFIX, token);

/** The path of the upload route for a token, and of the download route for a file (by its global id). */
export const uploadPath = (token: string) => `/files/uploads/${token}`;
export const downloadPath = (globalId: string) => `/files/${encodeURIComponent(globalId)}`;

/** Whether a link may work this long (1 s to FILE_LINK_MAX_SECONDS). */
export const isFileLinkLifetime = (seconds: number) => Number.isInteger(seconds) && seconds >= 1 && seconds <= FILE_LINK_MAX_SECONDS;

/**
 * The download path of a stored file with a signed token that stands in for the Authorization header until it
 * expires (for `<img src>` and download links); null until the file is STORED.
 */
export async function signedDownloadPath(links: FileLinkService, file: EvidenceFile, expiresInSeconds: number, globalId: (fileId: string) => string) {
  if (file.status !== 'STORED') return null;
  const { token } = await links.sign({ id: file.id, tenantId: file.tenantId }, expiresInSeconds);
  return `${downloadPath(globalId(file.id))}?token=${token}`;
}

/** A file name is a name, not a path: no slashes, no control characters. */
const isFileName = (name: string) => ![...name].some((c) => c === '/' || c === '\\' || c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127);

const requestInput = z.object({
  purpose: z.enum(['TASK_EVIDENCE', 'VISIT_PHOTO']),
  fileName: z.string().trim().min(1).max(255).refine(isFileName, 'A file name without slashes or control characters'),
  contentType: z.string().trim().toLowerCase().min(3).max(100),
  size: z.number().int().min(1).nullish(),
});

/** Opens an upload: the row and its token (returned once), after checking the declared type and size. */
export async function requestEvidenceUpload(deps: ServiceDeps, input: z.input<typeof requestInput>, settings: EvidenceSettings) {
  const data = parseInput(requestInput, input);
  const accepted = EVIDENCE_CONTENT_TYPES[data.purpose];
  if (!accepted.includes(data.contentType)) {
    throw new EvidenceError('UNSUPPORTED_FILE_TYPE', `${data.contentType} is not accepted here; accepted: ${accepted.join(', ')}`);
  }
  if (data.size != null && data.size > settings.maxBytes) {
    throw new EvidenceError('FILE_TOO_LARGE', `The file has ${data.size} bytes; at most ${settings.maxBytes} are accepted`);
  }
  const tenantId = deps.access.tenantId!;
  const { token, tokenHash } = newLinkToken(UPLOAD_TOKEN_PREFIX, tenantId);
  const file = await deps.db.evidenceFile.create({
    data: {
      tenantId,
      purpose: data.purpose,
      fileName: data.fileName,
      declaredContentType: data.contentType,
      maxBytes: settings.maxBytes,
      uploadTokenHash: tokenHash,
      uploadExpiresAt: new Date(Date.now() + settings.uploadTtlSeconds * 1000),
      requestedById: deps.access.userId,
    },
  });
  return { file, token };
}

// ── the upload route's side (a tenant transaction with no user: the token is the permission) ────────

export type UploadClaim = { ok: true; file: EvidenceFile } | { ok: false; reason: 'NOT_FOUND' | 'EXPIRED' | 'USED' };

/** Takes the upload a token opened, once: PENDING → UPLOADING. Unknown, used and expired tokens are refused. */
export async function claimEvidenceUpload(db: Db, tokenHash: string, now = new Date()): Promise<UploadClaim> {
  const file = await db.evidenceFile.findUnique({ where: { uploadTokenHash: tokenHash } });
  if (!file) return { ok: false, reason: 'NOT_FOUND' };
  if (file.status !== 'PENDING') return { ok: false, reason: 'USED' };
  if (file.uploadExpiresAt <= now) return { ok: false, reason: 'EXPIRED' };
  // Two requests with one token: the conditional update lets exactly one through.
  const claimed = await db.evidenceFile.updateMany({ where: { id: file.id, status: 'PENDING' }, data: { status: 'UPLOADING' } });
  if (claimed.count !== 1) return { ok: false, reason: 'USED' };
  return { ok: true, file: { ...file, status: 'UPLOADING' } };
}

export interface StoredUpload {
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
}

/** Records a file the store now holds. False when the upload was no longer this one's to finish. */
export async function completeEvidenceUpload(db: Db, fileId: string, stored: StoredUpload): Promise<boolean> {
  const done = await db.evidenceFile.updateMany({
    where: { id: fileId, status: 'UPLOADING' },
    data: { status: 'STORED', ...stored, uploadedAt: new Date() },
  });
  return done.count === 1;
}

/** Records why an upload was refused (nothing of it is kept). */
export async function rejectEvidenceUpload(db: Db, fileId: string, rejection: EvidenceFileRejection): Promise<void> {
  await db.evidenceFile.updateMany({ where: { id: fileId, status: 'UPLOADING' }, data: { status: 'REJECTED', rejection } });
}

/** A stored file, for the download route (under the caller's RLS: another tenant's file is not found). */
export async function storedEvidenceFile(db: Db, fileId: string): Promise<EvidenceFile | null> {
  const file = await db.evidenceFile.findUnique({ where: { id: fileId } });
  return file?.status === 'STORED' ? file : null;
}

// ── attaching ────────────────────────────────────────────────────────────────────────────────────

const REJECTION_CODES: Record<EvidenceFileRejection, EvidenceErrorCode> = {
  TOO_LARGE: 'FILE_TOO_LARGE',
  WRONG_TYPE: 'UNSUPPORTED_FILE_TYPE',
  INFECTED: 'FILE_REJECTED',
  FAILED: 'FILE_NOT_UPLOADED',
};

/** The stored file of `purpose`, not yet attached; else the typed reason why not. */
async function attachableFile(deps: ServiceDeps, fileId: string, purpose: EvidenceFilePurpose): Promise<EvidenceFile> {
  const file = await deps.db.evidenceFile.findUnique({
    where: { id: fileId },
    include: { taskEvidence: { select: { id: true } }, visitPhoto: { select: { id: true } } },
  });
  if (!file) throw new EvidenceError('NOT_FOUND', 'No such file');
  if (file.purpose !== purpose) throw new EvidenceError('WRONG_PURPOSE', `The file was uploaded as ${file.purpose}, not ${purpose}`);
  if (file.status === 'REJECTED') throw new EvidenceError(REJECTION_CODES[file.rejection!], `The upload was refused (${file.rejection})`);
  if (file.status === 'PENDING' && file.uploadExpiresAt <= new Date())
    throw new EvidenceError('UPLOAD_EXPIRED', 'The upload token expired before the file arrived');
  if (file.status !== 'STORED') throw new EvidenceError('FILE_NOT_UPLOADED', 'The file has not arrived');
  if (file.taskEvidence || file.visitPhoto) throw new EvidenceError('ALREADY_ATTACHED', 'The file is attached already');
  return file;
}

const attachTaskInput = z.object({ taskId: z.string().uuid(), fileId: z.string().uuid(), note: z.string().trim().max(2000).nullish() });

/** Makes a stored file evidence of a task (kind PHOTO for an image, FILE otherwise). */
export async function attachTaskEvidenceFile(deps: ServiceDeps, input: z.input<typeof attachTaskInput>, globalId: (fileId: string) => string) {
  const data = parseInput(attachTaskInput, input);
  const file = await attachableFile(deps, data.fileId, 'TASK_EVIDENCE');
  const evidence = await addTaskEvidence(deps, {
    taskId: data.taskId,
    kind: file.contentType!.startsWith('image/') ? 'PHOTO' : 'FILE',
    reference: downloadPath(globalId(file.id)),
    note: data.note,
    fileId: file.id,
  }).catch((error) => {
    if (isUniqueViolation(error)) throw new EvidenceError('ALREADY_ATTACHED', 'The file is attached already');
    throw error;
  });
  await recordAudit(deps, {
    action: 'task.evidence_file_attached',
    targetType: 'Task',
    targetId: data.taskId,
    data: { fileId: file.id, fileName: file.fileName },
  });
  return evidence;
}

const visitPhotoInput = z.object({ visitId: z.string().uuid(), fileId: z.string().uuid(), caption: z.string().trim().max(500).nullish() });

/** Adds a stored image to a visit's photos. */
export async function addVisitPhoto(deps: ServiceDeps, input: z.input<typeof visitPhotoInput>) {
  const data = parseInput(visitPhotoInput, input);
  const visit = await deps.db.visit.findUnique({ where: { id: data.visitId }, select: { id: true } });
  if (!visit) throw new EvidenceError('NOT_FOUND', 'No such visit');
  const file = await attachableFile(deps, data.fileId, 'VISIT_PHOTO');
  const photo = await deps.db.visitPhoto
    .create({ data: { tenantId: file.tenantId, visitId: visit.id, fileId: file.id, caption: data.caption || null, addedById: deps.access.userId } })
    .catch((error) => {
      if (isUniqueViolation(error)) throw new EvidenceError('ALREADY_ATTACHED', 'The file is attached already');
      throw error;
    });
  await recordAudit(deps, { action: 'visit.photo_added', targetType: 'Visit', targetId: visit.id, data: { fileId: file.id, fileName: file.fileName } });
  // On the visit's topic like its other changes (live `visitChanged`, webhook VISIT_PHOTO_ADDED); no file name, the photo's ids.
  await notifyAssigned(deps, visit.id, 'visit.photo_added', { photoId: photo.id, fileId: file.id, contentType: file.contentType, caption: photo.caption });
  return photo;
}
