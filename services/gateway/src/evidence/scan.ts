// The virus-scan hook: every upload is offered to the scanner after it arrived whole and before it is kept.
// The default scans nothing; a deployment plugs in its own (e.g. a clamd client reading `read()`), through
// buildApp's `evidence.scanner` option.
import type { Readable } from 'node:stream';

export interface ScannedFile {
  fileId: string;
  tenantId: string;
  /** The type read from the file's first bytes. */
  contentType: string;
  size: number;
  sha256: string;
  /** The bytes, from the start. */
  read(): Readable;
}

export type ScanVerdict = { clean: true } | { clean: false; reason: string };

export interface EvidenceScanner {
  scan(file: ScannedFile): Promise<ScanVerdict>;
}

/** The default: every file is clean. */
export const noScanner: EvidenceScanner = { scan: async () => ({ clean: true }) };
