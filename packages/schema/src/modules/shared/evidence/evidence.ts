// Evidence files as GraphQL: the file (its upload's outcome, and where members download it), a visit's
// photos, and the file behind a task's evidence.
import { GraphQLError } from 'graphql';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder, TENANT_GRAPHS } from '../../../builder.ts';
import type { Context } from '../../../context.ts';
import { connectionNamed, edgeNamed } from '../../../shared/connections.ts';
import { USER_REFERENCE, userById } from '../../core/identity/user.ts';
import { downloadPath, isFileLinkLifetime, signedDownloadPath } from './evidence.service.ts';
import { FILE_LINK_DEFAULT_SECONDS, FILE_LINK_MAX_SECONDS } from './evidence.links.ts';

const T = TENANT_GRAPHS;

export const EvidenceFilePurposeEnum = builder.enumType('EvidenceFilePurpose', {
  values: ['TASK_EVIDENCE', 'VISIT_PHOTO'] as const,
  subGraphs: T,
  description: "What a file is for: a task's evidence (an image or a PDF) or a visit's photo (an image).",
});
export const EvidenceFileStatusEnum = builder.enumType('EvidenceFileStatus', {
  values: ['PENDING', 'UPLOADING', 'STORED', 'REJECTED'] as const,
  subGraphs: T,
  description: 'PENDING: waiting for the upload; UPLOADING: arriving; STORED: kept, ready to attach; REJECTED: refused, nothing kept (see `rejection`).',
});
export const EvidenceFileRejectionEnum = builder.enumType('EvidenceFileRejection', {
  values: ['TOO_LARGE', 'WRONG_TYPE', 'INFECTED', 'FAILED'] as const,
  subGraphs: T,
});

/** Where the gateway's file routes are: FILES_BASE_URL, else (outside production) the request's origin, else a path. */
export const filesBase = (ctx: Context) => (ctx.services.evidence?.linkBase ?? ctx.origin ?? '').replace(/\/$/, '');

export const evidenceFileGlobalId = (id: string) => encodeGlobalID('EvidenceFile', id);

export const EvidenceFileRef = builder.prismaNode('EvidenceFile', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A file uploaded as evidence: its upload, what was found in it, and where members of the tenant download it.',
  fields: (t) => ({
    purpose: t.field({ type: EvidenceFilePurposeEnum, resolve: (f) => f.purpose }),
    status: t.field({ type: EvidenceFileStatusEnum, resolve: (f) => f.status }),
    rejection: t.field({ type: EvidenceFileRejectionEnum, nullable: true, resolve: (f) => f.rejection }),
    fileName: t.exposeString('fileName'),
    declaredContentType: t.exposeString('declaredContentType', { description: 'The type the client said it would send.' }),
    contentType: t.exposeString('contentType', { nullable: true, description: "The type read from the file's first bytes, once stored." }),
    sizeBytes: t.exposeInt('sizeBytes', { nullable: true }),
    maxBytes: t.exposeInt('maxBytes', { description: 'The largest upload accepted for it.' }),
    sha256: t.exposeString('sha256', { nullable: true, description: 'SHA-256 of the stored bytes (hex).' }),
    uploadExpiresAt: t.expose('uploadExpiresAt', { type: 'DateTime', description: 'Until when its upload token works (once).' }),
    uploadedAt: t.expose('uploadedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    requestedBy: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who asked for the upload (${USER_REFERENCE}).`,
      resolve: (query, f, _args, ctx) => userById(ctx, query, f.requestedById),
    }),
    downloadUrl: t.string({
      nullable: true,
      description:
        "Where the tenant's members (and API keys) download it once STORED: GET with the same Authorization (and X-Tenant-Id) as any request; null before.",
      resolve: (f, _args, ctx) => (f.status === 'STORED' ? `${filesBase(ctx)}${downloadPath(evidenceFileGlobalId(f.id))}` : null),
    }),
    url: t.string({
      nullable: true,
      description: `A link to the file that needs no Authorization header (for \`<img src>\` and download links), once STORED: \`downloadUrl\` with a signed \`token\` for this file only, working for \`expiresInSeconds\` (at most ${FILE_LINK_MAX_SECONDS}). Anyone holding it gets the file until then: give it to the page that shows the file, not to logs or other people.`,
      args: { expiresInSeconds: t.arg.int({ required: false, defaultValue: FILE_LINK_DEFAULT_SECONDS }) },
      resolve: async (f, args, ctx) => {
        const seconds = args.expiresInSeconds ?? FILE_LINK_DEFAULT_SECONDS;
        if (!isFileLinkLifetime(seconds)) {
          throw new GraphQLError(`expiresInSeconds: 1 to ${FILE_LINK_MAX_SECONDS}`, { extensions: { code: 'BAD_USER_INPUT', field: 'expiresInSeconds' } });
        }
        const path = await signedDownloadPath(ctx.services.fileLinks, f, seconds, evidenceFileGlobalId);
        return path && `${filesBase(ctx)}${path}`;
      },
    }),
  }),
});

export const VisitPhotoRef = builder.prismaNode('VisitPhoto', {
  id: { field: 'id' },
  nullable: true,
  subGraphs: T,
  description: 'A photo of a visit (an image uploaded as VISIT_PHOTO).',
  fields: (t) => ({
    caption: t.exposeString('caption', { nullable: true }),
    file: t.relation('file'),
    visit: t.relation('visit'),
    addedBy: t.prismaField({
      type: 'User',
      nullable: true,
      description: `Who added it (${USER_REFERENCE}).`,
      resolve: (query, p, _args, ctx) => userById(ctx, query, p.addedById),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectFields('Visit', (t) => ({
  photos: t.relatedConnection(
    'photos',
    {
      subGraphs: T,
      cursor: 'id',
      totalCount: true,
      description: "The visit's photos, oldest first (20 a page unless `first`/`last` say otherwise, at most 100).",
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    },
    connectionNamed('VisitPhoto'),
    edgeNamed('VisitPhoto'),
  ),
}));

builder.prismaObjectFields('TaskEvidence', (t) => ({
  file: t.relation('file', { nullable: true, subGraphs: T, description: 'The stored file, when the evidence is one (attachTaskEvidenceFile).' }),
}));
