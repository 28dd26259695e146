import { domainError } from '../../../shared/errors.ts';

export const EVIDENCE_ERROR_CODES = [
  'NOT_FOUND',
  /** Over the upload limit (EVIDENCE_MAX_BYTES): said when asking for the upload, or found while it streamed. */
  'FILE_TOO_LARGE',
  /** Not one of the purpose's types (images; PDF for task evidence), or its first bytes are not what it claims. */
  'UNSUPPORTED_FILE_TYPE',
  /** The upload token expired before the file arrived: ask for a new upload. */
  'UPLOAD_EXPIRED',
  /** The file has not arrived (yet), or its upload broke off: upload it, or ask for a new upload. */
  'FILE_NOT_UPLOADED',
  /** The virus scan refused the file. */
  'FILE_REJECTED',
  /** The file is attached already (each file is evidence of one task or a photo of one visit). */
  'ALREADY_ATTACHED',
  /** The file was uploaded for another purpose (a visit photo is not task evidence, nor the reverse). */
  'WRONG_PURPOSE',
] as const;
export type EvidenceErrorCode = (typeof EVIDENCE_ERROR_CODES)[number];

export const EvidenceError = domainError('EvidenceError', EVIDENCE_ERROR_CODES, 'An evidence file was refused; nothing was changed.', {
  'zh-Hans': {
    FILE_TOO_LARGE: '文件超过大小上限。',
    UNSUPPORTED_FILE_TYPE: '不支持此文件类型（或文件内容与声明的类型不符）。',
    UPLOAD_EXPIRED: '上传链接已过期，请重新申请上传。',
    FILE_NOT_UPLOADED: '文件尚未上传完成。',
    FILE_REJECTED: '文件未通过安全检查。',
    ALREADY_ATTACHED: '此文件已被关联。',
    WRONG_PURPOSE: '此文件是为其他用途上传的。',
  },
  en: {
    FILE_TOO_LARGE: 'The file is over the size limit.',
    UNSUPPORTED_FILE_TYPE: 'This type of file is not accepted (or its content is not of the type it claims).',
    UPLOAD_EXPIRED: 'The upload link expired: ask for a new upload.',
    FILE_NOT_UPLOADED: 'The file has not been uploaded.',
    FILE_REJECTED: 'The file did not pass the security check.',
    ALREADY_ATTACHED: 'This file is attached already.',
    WRONG_PURPOSE: 'This file was uploaded for another purpose.',
  },
});
export type EvidenceError = InstanceType<typeof EvidenceError>;
