-- Evidence files (issue 16): task evidence and visit photos as real files. A member asks for an upload
-- (requestEvidenceUpload): a row here, PENDING, with the SHA-256 of a single-use upload token that
-- expires (the token itself is returned once, in the upload URL). The gateway's upload route finds the row
-- by that hash in the tenant the token names, claims it (UPLOADING), streams the bytes to the file store
-- under size and type limits, and records the outcome (STORED with the detected type, size and digest, or
-- REJECTED with the reason). A stored file is then attached to a task (task_evidence.file_id) or to a visit
-- (visit_photos), and served only to the tenant's members (GET /files/<id>, under RLS).

CREATE TYPE evidence_file_purpose AS ENUM ('TASK_EVIDENCE', 'VISIT_PHOTO');
CREATE TYPE evidence_file_status AS ENUM ('PENDING', 'UPLOADING', 'STORED', 'REJECTED');
CREATE TYPE evidence_file_rejection AS ENUM ('TOO_LARGE', 'WRONG_TYPE', 'INFECTED', 'FAILED');

CREATE TABLE evidence_files (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id             uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  purpose               evidence_file_purpose NOT NULL,
  status                evidence_file_status NOT NULL DEFAULT 'PENDING',
  file_name             text NOT NULL CHECK (length(btrim(file_name)) BETWEEN 1 AND 255),
  -- What the client said it would send (one of the purpose's types); the upload must be of this type.
  declared_content_type text NOT NULL CHECK (length(declared_content_type) BETWEEN 3 AND 100),
  -- The type read from the file's first bytes (magic numbers), once stored.
  content_type          text CHECK (content_type IS NULL OR length(content_type) BETWEEN 3 AND 100),
  size_bytes            integer CHECK (size_bytes IS NULL OR size_bytes >= 0),
  max_bytes             integer NOT NULL CHECK (max_bytes > 0),
  sha256                text CHECK (sha256 IS NULL OR sha256 ~ '^[0-9a-f]{64}$'),
  -- Where the file store keeps the bytes (never a path the client chose).
  storage_key           text CHECK (storage_key IS NULL OR length(storage_key) BETWEEN 1 AND 300),
  rejection             evidence_file_rejection,
  -- SHA-256 of the upload token; the token works once (PENDING → UPLOADING) and until upload_expires_at.
  upload_token_hash     text NOT NULL UNIQUE CHECK (upload_token_hash ~ '^[0-9a-f]{64}$'),
  upload_expires_at     timestamptz(6) NOT NULL,
  requested_by_id       uuid,
  created_at            timestamptz(6) NOT NULL DEFAULT now(),
  uploaded_at           timestamptz(6),
  UNIQUE (tenant_id, id),
  CHECK ((status = 'STORED') = (storage_key IS NOT NULL AND content_type IS NOT NULL AND size_bytes IS NOT NULL AND sha256 IS NOT NULL)),
  CHECK ((status = 'REJECTED') = (rejection IS NOT NULL)),
  CHECK (size_bytes IS NULL OR size_bytes <= max_bytes)
);
CREATE INDEX evidence_files_tenant_created ON evidence_files (tenant_id, created_at);

-- A task's evidence may be a stored file (kind FILE or PHOTO); each file is attached once.
ALTER TABLE task_evidence ADD COLUMN file_id uuid;
ALTER TABLE task_evidence ADD CONSTRAINT task_evidence_file_fkey
  FOREIGN KEY (tenant_id, file_id) REFERENCES evidence_files (tenant_id, id) ON DELETE RESTRICT;
ALTER TABLE task_evidence ADD CONSTRAINT task_evidence_tenant_id_file_id_key UNIQUE (tenant_id, file_id);

-- A visit's photos: each a stored image, attached once.
CREATE TABLE visit_photos (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id    uuid NOT NULL,
  file_id     uuid NOT NULL,
  caption     text CHECK (caption IS NULL OR length(caption) <= 500),
  added_by_id uuid,
  created_at  timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, file_id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, file_id) REFERENCES evidence_files (tenant_id, id) ON DELETE RESTRICT
);
CREATE INDEX visit_photos_tenant_visit ON visit_photos (tenant_id, visit_id, created_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['evidence_files', 'visit_photos'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON evidence_files TO jiedai_app;
GRANT SELECT, INSERT, DELETE ON visit_photos TO jiedai_app;
