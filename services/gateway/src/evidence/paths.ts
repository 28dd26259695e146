// The paths of the evidence file routes (plugins/evidence-files.ts), apart so that http-guards can tell an upload.
export const UPLOAD_PATH = /^\/files\/uploads\/([^/]{1,200})$/;
export const DOWNLOAD_PATH = /^\/files\/([A-Za-z0-9%=+_-]{1,200})$/;

/** An upload's body is limited by its upload, not by MAX_BODY_BYTES. */
export const isUploadPath = (pathname: string) => UPLOAD_PATH.test(pathname);
