import type { EvidenceFile } from '@jiedai/db';
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import { mutationField } from '../../../shared/mutation.ts';
import { TaskError } from '../tasks/task.errors.ts';
import { TaskRef } from '../tasks/task.ts';
import { VisitRef } from '../visits/visit.ts';
import { EvidenceError } from './evidence.errors.ts';
import { EvidenceFilePurposeEnum, EvidenceFileRef, evidenceFileGlobalId, filesBase } from './evidence.ts';
import {
  addVisitPhoto,
  attachTaskEvidenceFile,
  DEFAULT_EVIDENCE_SETTINGS,
  EVIDENCE_CONTENT_TYPES,
  requestEvidenceUpload,
  uploadPath,
} from './evidence.service.ts';

const T = TENANT_GRAPHS;

interface Upload {
  url: string;
  token: string;
  contentType: string;
  expiresAt: Date;
  maxBytes: number;
  contentTypes: readonly string[];
}

const HttpHeaderRef = builder.objectRef<{ name: string; value: string }>('HttpHeader').implement({
  subGraphs: T,
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
});

const EvidenceUploadRef = builder.objectRef<Upload>('EvidenceUpload').implement({
  subGraphs: T,
  description:
    'Where and how to send the file: `PUT` (or `POST`) its bytes as the whole body to `url`, with `headers`. The URL works once, until `expiresAt`, and needs no other credential.',
  fields: (t) => ({
    url: t.exposeString('url'),
    method: t.string({ resolve: () => 'PUT' }),
    headers: t.field({ type: [HttpHeaderRef], resolve: (u) => [{ name: 'content-type', value: u.contentType }] }),
    token: t.exposeString('token', { description: 'The single-use upload token (in the URL already); only its hash is kept.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    maxBytes: t.exposeInt('maxBytes'),
    contentTypes: t.exposeStringList('contentTypes', { description: 'The types accepted for this purpose (checked against the first bytes of the file).' }),
  }),
});

const RequestEvidenceUploadPayload = builder.objectRef<{ file: EvidenceFile; upload: Upload }>('RequestEvidenceUploadPayload').implement({
  subGraphs: T,
  fields: (t) => ({
    file: t.field({ type: EvidenceFileRef, resolve: (p) => p.file }),
    upload: t.field({ type: EvidenceUploadRef, resolve: (p) => p.upload }),
  }),
});

mutationField({
  name: 'requestEvidenceUpload',
  payload: RequestEvidenceUploadPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  errors: [EvidenceError],
  description:
    "Opens the upload of one file (a task's evidence or a visit's photo): returns a single-use URL that expires, the headers to send and the limits. Then attach the stored file with attachTaskEvidenceFile or addVisitPhoto.",
  input: (t) => ({
    purpose: t.field({ type: EvidenceFilePurposeEnum, required: true }),
    fileName: t.string({ required: true }),
    contentType: t.string({ required: true, description: 'image/jpeg, image/png, image/webp, image/heic; application/pdf for task evidence.' }),
    size: t.int({ required: false, description: 'The size in bytes, when known: refused at once when over the limit.' }),
  }),
  run: async (deps, input, ctx) => {
    const settings = ctx.services.evidence ?? DEFAULT_EVIDENCE_SETTINGS;
    const { file, token } = await requestEvidenceUpload(deps, input, settings);
    return {
      file,
      upload: {
        url: `${filesBase(ctx)}${uploadPath(token)}`,
        token,
        contentType: file.declaredContentType,
        expiresAt: file.uploadExpiresAt,
        maxBytes: file.maxBytes,
        contentTypes: EVIDENCE_CONTENT_TYPES[file.purpose],
      },
    };
  },
});

const AttachTaskEvidenceFilePayload = builder.objectRef<{ evidence: { id: string; taskId: string } }>('AttachTaskEvidenceFilePayload').implement({
  subGraphs: T,
  fields: (t) => ({
    evidence: t.prismaField({
      type: 'TaskEvidence',
      resolve: (query, p, _args, ctx) => ctx.db.taskEvidence.findUniqueOrThrow({ ...query, where: { id: p.evidence.id } }),
    }),
    task: t.field({ type: TaskRef, resolve: (p, _args, ctx) => ctx.db.task.findUniqueOrThrow({ where: { id: p.evidence.taskId } }) }),
  }),
});

mutationField({
  name: 'attachTaskEvidenceFile',
  payload: AttachTaskEvidenceFilePayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  errors: [EvidenceError, TaskError],
  description: 'Makes a stored file (uploaded as TASK_EVIDENCE) evidence of a task: kind PHOTO for an image, FILE for a PDF.',
  input: (t) => ({
    taskId: t.globalID({ required: true, for: [TaskRef] }),
    fileId: t.globalID({ required: true, for: [EvidenceFileRef] }),
    note: t.string({ required: false }),
  }),
  run: async (deps, input) => ({
    evidence: await attachTaskEvidenceFile(deps, { taskId: input.taskId.id, fileId: input.fileId.id, note: input.note }, evidenceFileGlobalId),
  }),
});

const VisitPhotoPayload = builder.objectRef<{ photo: { id: string } }>('VisitPhotoPayload').implement({
  subGraphs: T,
  fields: (t) => ({
    photo: t.prismaField({
      type: 'VisitPhoto',
      resolve: (query, p, _args, ctx) => ctx.db.visitPhoto.findUniqueOrThrow({ ...query, where: { id: p.photo.id } }),
    }),
  }),
});

mutationField({
  name: 'addVisitPhoto',
  payload: VisitPhotoPayload,
  subGraphs: T,
  authScopes: { role: 'STAFF' },
  errors: [EvidenceError],
  description: "Adds a stored image (uploaded as VISIT_PHOTO) to a visit's photos.",
  input: (t) => ({
    visitId: t.globalID({ required: true, for: [VisitRef] }),
    fileId: t.globalID({ required: true, for: [EvidenceFileRef] }),
    caption: t.string({ required: false }),
  }),
  run: async (deps, input) => ({ photo: await addVisitPhoto(deps, { visitId: input.visitId.id, fileId: input.fileId.id, caption: input.caption }) }),
});
