-- Hospital complaints and suggestions (投诉与建议) and the emergency green channel (绿色通道: 先抢救, 后补办手续),
-- issue 13. Every table is tenant-owned: RLS enabled and forced, composite foreign keys on (tenant_id, id).
--
-- Complaints: intake by staff, by API and by patients through a public link per service point
-- (complaint_intake_links: only the SHA-256 of the link's code is stored); deadlines per severity from
-- the tenant's policy (complaint_deadlines; the service's defaults when a severity has no row), frozen
-- on the complaint when it is received; escalations recorded once per complaint and deadline.
-- Green channel: the case itself holds no personal data (times, arrival mode, triage level) and is on the
-- live board of every member; who the patient is lives in green_channel_patients, behind PATIENT_DATA
-- (a RESTRICTIVE policy, as for discharged_patients). The deferred paperwork is shared tasks.

CREATE TYPE complaint_kind AS ENUM ('COMPLAINT', 'SUGGESTION');
CREATE TYPE complaint_category AS ENUM
  ('SERVICE_ATTITUDE', 'WAITING_TIME', 'MEDICAL_CARE', 'FEES', 'ENVIRONMENT', 'COMMUNICATION', 'PROCESS', 'OTHER');
CREATE TYPE complaint_severity AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');
CREATE TYPE complaint_status AS ENUM ('NEW', 'ACKNOWLEDGED', 'RESPONDED', 'CLOSED');
CREATE TYPE complaint_channel AS ENUM ('STAFF', 'API', 'PUBLIC_LINK', 'FOLLOW_UP');
CREATE TYPE complaint_response_channel AS ENUM ('PHONE', 'LETTER', 'IN_PERSON', 'SMS', 'EMAIL', 'OTHER');
CREATE TYPE complaint_deadline_kind AS ENUM ('ACKNOWLEDGEMENT', 'RESPONSE');
CREATE TYPE green_channel_arrival_mode AS ENUM ('AMBULANCE', 'WALK_IN', 'POLICE', 'TRANSFER', 'OTHER');
CREATE TYPE green_channel_status AS ENUM ('OPEN', 'CLOSED');
CREATE TYPE green_channel_paperwork_kind AS ENUM ('REGISTRATION', 'PAYMENT', 'CONSENT');

-- The tenant's policy: how soon a complaint of each severity is acknowledged and answered.
CREATE TABLE complaint_deadlines (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  severity             complaint_severity NOT NULL,
  acknowledge_minutes  integer NOT NULL CHECK (acknowledge_minutes BETWEEN 1 AND 43200),
  respond_minutes      integer NOT NULL CHECK (respond_minutes BETWEEN 1 AND 129600),
  updated_at           timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, severity),
  CHECK (respond_minutes >= acknowledge_minutes)
);

-- A public link (QR code) of a service point: patients and families submit without an account.
CREATE TABLE complaint_intake_links (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  service_point_id uuid NOT NULL,
  label            text NOT NULL CHECK (length(btrim(label)) BETWEEN 1 AND 200),
  code_hash        text NOT NULL UNIQUE CHECK (code_hash ~ '^[0-9a-f]{64}$'),
  created_by_id    uuid,
  created_at       timestamptz(6) NOT NULL DEFAULT now(),
  revoked_at       timestamptz(6),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, service_point_id) REFERENCES service_points (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX complaint_intake_links_tenant_id_service_point_id_idx ON complaint_intake_links (tenant_id, service_point_id);

CREATE TABLE complaints (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id              uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind                   complaint_kind NOT NULL DEFAULT 'COMPLAINT',
  category               complaint_category NOT NULL,
  severity               complaint_severity NOT NULL,
  status                 complaint_status NOT NULL DEFAULT 'NEW',
  channel                complaint_channel NOT NULL,
  summary                text NOT NULL CHECK (length(btrim(summary)) BETWEEN 1 AND 5000),
  department_id          uuid,
  service_point_id       uuid,
  intake_link_id         uuid,
  complainant_name       text CHECK (length(btrim(complainant_name)) BETWEEN 1 AND 200),
  complainant_contact    text CHECK (length(btrim(complainant_contact)) BETWEEN 1 AND 500),
  received_at            timestamptz(6) NOT NULL,
  acknowledge_due_at     timestamptz(6) NOT NULL,
  respond_due_at         timestamptz(6) NOT NULL,
  acknowledged_at        timestamptz(6),
  acknowledged_by_id     uuid,
  assignee_membership_id uuid,
  assigned_at            timestamptz(6),
  responded_at           timestamptz(6),
  responded_by_id        uuid,
  response               text CHECK (length(btrim(response)) BETWEEN 1 AND 5000),
  response_channel       complaint_response_channel,
  closed_at              timestamptz(6),
  closed_by_id           uuid,
  satisfaction           integer CHECK (satisfaction BETWEEN 1 AND 5),
  closing_note           text CHECK (length(btrim(closing_note)) BETWEEN 1 AND 2000),
  finding_id             uuid,
  -- A discharged patient asked, in their follow-up answer, for a complaint (channel FOLLOW_UP).
  survey_response_id     uuid,
  version                integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by_id          uuid,
  created_at             timestamptz(6) NOT NULL DEFAULT now(),
  updated_at             timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, finding_id),
  UNIQUE (tenant_id, survey_response_id),
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) ON DELETE NO ACTION,
  FOREIGN KEY (tenant_id, service_point_id) REFERENCES service_points (tenant_id, id) ON DELETE SET NULL (service_point_id),
  FOREIGN KEY (tenant_id, intake_link_id) REFERENCES complaint_intake_links (tenant_id, id) ON DELETE SET NULL (intake_link_id),
  FOREIGN KEY (tenant_id, assignee_membership_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION,
  FOREIGN KEY (tenant_id, finding_id) REFERENCES findings (tenant_id, id) ON DELETE SET NULL (finding_id),
  FOREIGN KEY (tenant_id, survey_response_id) REFERENCES survey_responses (tenant_id, id) ON DELETE SET NULL (survey_response_id),
  CHECK (acknowledge_due_at >= received_at AND respond_due_at >= acknowledge_due_at),
  CHECK ((status = 'NEW') = (acknowledged_at IS NULL)),
  CHECK ((status IN ('RESPONDED', 'CLOSED')) = (responded_at IS NOT NULL AND response IS NOT NULL AND response_channel IS NOT NULL)),
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL)),
  CHECK (satisfaction IS NULL OR status = 'CLOSED'),
  CHECK ((assignee_membership_id IS NULL) = (assigned_at IS NULL)),
  CHECK (intake_link_id IS NULL OR channel = 'PUBLIC_LINK')
);
CREATE INDEX complaints_tenant_id_received_at_idx ON complaints (tenant_id, received_at);
CREATE INDEX complaints_tenant_id_status_idx ON complaints (tenant_id, status);
CREATE TRIGGER complaints_touch BEFORE UPDATE ON complaints FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- A deadline that passed, recorded once (escalateOverdueComplaints).
CREATE TABLE complaint_escalations (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  complaint_id uuid NOT NULL,
  deadline     complaint_deadline_kind NOT NULL,
  due_at       timestamptz(6) NOT NULL,
  escalated_at timestamptz(6) NOT NULL,
  UNIQUE (tenant_id, id),
  UNIQUE (complaint_id, deadline),
  FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
  CHECK (escalated_at >= due_at)
);

-- A green-channel case: opened in seconds, treatment first. No personal data here.
CREATE TABLE green_channel_cases (
  id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  arrived_at           timestamptz(6) NOT NULL,
  arrival_mode         green_channel_arrival_mode NOT NULL,
  -- 急诊预检分级: I (most urgent) to IV.
  triage_level         integer NOT NULL CHECK (triage_level BETWEEN 1 AND 4),
  status               green_channel_status NOT NULL DEFAULT 'OPEN',
  treatment_started_at timestamptz(6),
  closed_at            timestamptz(6),
  outcome              text CHECK (length(btrim(outcome)) BETWEEN 1 AND 500),
  version              integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  opened_by_id         uuid,
  created_at           timestamptz(6) NOT NULL DEFAULT now(),
  updated_at           timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  CHECK (treatment_started_at IS NULL OR treatment_started_at >= arrived_at),
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL))
);
CREATE INDEX green_channel_cases_tenant_id_arrived_at_idx ON green_channel_cases (tenant_id, arrived_at);
CREATE INDEX green_channel_cases_tenant_id_status_idx ON green_channel_cases (tenant_id, status);
CREATE TRIGGER green_channel_cases_touch BEFORE UPDATE ON green_channel_cases FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Who the patient is, added when known: personal health data, PATIENT_DATA holders only (RLS below).
CREATE TABLE green_channel_patients (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  case_id           uuid NOT NULL,
  name              text CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  medical_record_no text CHECK (length(btrim(medical_record_no)) BETWEEN 1 AND 64),
  chief_complaint   text CHECK (length(btrim(chief_complaint)) BETWEEN 1 AND 2000),
  updated_by_id     uuid,
  created_at        timestamptz(6) NOT NULL DEFAULT now(),
  updated_at        timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, case_id),
  FOREIGN KEY (tenant_id, case_id) REFERENCES green_channel_cases (tenant_id, id) ON DELETE CASCADE
);
CREATE TRIGGER green_channel_patients_touch BEFORE UPDATE ON green_channel_patients FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- The deferred paperwork of a case (先抢救, 后补办手续): one shared task per kind.
CREATE TABLE green_channel_paperwork (
  id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  case_id  uuid NOT NULL,
  kind     green_channel_paperwork_kind NOT NULL,
  task_id  uuid NOT NULL,
  due_at   timestamptz(6) NOT NULL,
  UNIQUE (tenant_id, id),
  UNIQUE (case_id, kind),
  UNIQUE (tenant_id, task_id),
  FOREIGN KEY (tenant_id, case_id) REFERENCES green_channel_cases (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['complaint_deadlines', 'complaint_intake_links', 'complaints', 'complaint_escalations',
    'green_channel_cases', 'green_channel_patients', 'green_channel_paperwork'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;
-- Restrictive: ANDed with tenant_isolation. Without PATIENT_DATA a patient row does not exist.
CREATE POLICY patient_data_access ON green_channel_patients AS RESTRICTIVE
  USING ((SELECT app_has_patient_data_access())) WITH CHECK ((SELECT app_has_patient_data_access()));

GRANT SELECT, INSERT, UPDATE ON complaints, complaint_intake_links, green_channel_cases, green_channel_patients TO jiedai_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON complaint_deadlines TO jiedai_app;
GRANT SELECT, INSERT ON complaint_escalations, green_channel_paperwork TO jiedai_app;
