-- Feedback (来宾反馈信息的收集和处理): surveys whose published versions are frozen, invitations carrying a
-- single-use respondent token (only its SHA-256 is stored), campaigns (a batch of invitations; for
-- hospitals the monthly discharged-patient follow-up, 以信函形式进行回访出院病人), the discharged patients
-- themselves (personal health data, behind a second, restrictive policy), responses with their answers,
-- and the follow-up task a negative answer opens.
-- Every table is tenant-owned: RLS enabled and forced, composite foreign keys on (tenant_id, id).

-- Patient data is visible only to members holding this role (granted like any other role; it implies
-- no other role, and no other role implies it: not even TENANT_ADMIN, so that the grant is explicit and
-- audited). PostgreSQL ≥ 12 accepts ADD VALUE inside the migration's transaction, but the new label
-- cannot be *used* before that transaction commits: nothing below casts 'PATIENT_DATA' to member_role
-- (the policy function compares text).
ALTER TYPE member_role ADD VALUE IF NOT EXISTS 'PATIENT_DATA';

CREATE TYPE survey_status AS ENUM ('DRAFT', 'PUBLISHED', 'CLOSED');
CREATE TYPE survey_question_kind AS ENUM ('RATING', 'NPS', 'SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'TEXT');
CREATE TYPE survey_respondent_kind AS ENUM ('VISIT_GUEST', 'HOTEL_GUEST', 'DISCHARGED_PATIENT', 'OTHER');
CREATE TYPE survey_campaign_kind AS ENUM ('GENERAL', 'DISCHARGE_FOLLOW_UP');

-- Does the acting user hold PATIENT_DATA in the acting tenant? Runs as the caller: memberships are
-- under RLS too. API keys, anonymous callers and survey respondents (no app.user_id) never do.
CREATE FUNCTION app_has_patient_data_access() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT EXISTS (
      SELECT 1 FROM memberships m
       WHERE m.tenant_id = app_tenant_id() AND m.user_id = app_user_id() AND 'PATIENT_DATA' = ANY (m.roles::text[]))
  $$;

-- A survey: its identity and lifecycle. Its content (title, questions …) lives in its versions.
-- `revision` is the optimistic-concurrency counter (expectedRevision), not a survey version.
CREATE TABLE surveys (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  status        survey_status NOT NULL DEFAULT 'DRAFT',
  -- Follow-up tasks of negative answers are assigned to this role.
  owner_role    member_role NOT NULL DEFAULT 'COORDINATOR' CHECK (owner_role::text <> 'PATIENT_DATA'),
  revision      integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  created_by_id uuid,
  closed_at     timestamptz(6),
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  updated_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL))
);
CREATE TRIGGER surveys_touch BEFORE UPDATE ON surveys FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- The content of a survey: at most one draft (published_at null) and the published versions, frozen.
-- Questions are a JSON document ([{key, kind, text, required, options: [{key, label}]}], validated by
-- the service): a version is read and frozen whole, and answers name a question by its key.
CREATE TABLE survey_versions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  survey_id       uuid NOT NULL,
  number          integer NOT NULL CHECK (number >= 1),
  title           text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  description     text,
  language        text NOT NULL DEFAULT 'zh-Hans',
  questions       jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(questions) = 'array'),
  published_at    timestamptz(6),
  published_by_id uuid,
  created_at      timestamptz(6) NOT NULL DEFAULT now(),
  updated_at      timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (survey_id, number),
  FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX survey_versions_one_draft_idx ON survey_versions (survey_id) WHERE published_at IS NULL;
CREATE TRIGGER survey_versions_touch BEFORE UPDATE ON survey_versions FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Publishing freezes a version: the rule lives with the data, whatever tries to change it.
CREATE FUNCTION survey_version_frozen() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF OLD.published_at IS NOT NULL THEN
    RAISE EXCEPTION 'survey version % is published and cannot change', OLD.number USING ERRCODE = '55000';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER survey_versions_frozen BEFORE UPDATE ON survey_versions
  FOR EACH ROW EXECUTE FUNCTION survey_version_frozen();

CREATE TABLE survey_campaigns (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  survey_id       uuid NOT NULL,
  kind            survey_campaign_kind NOT NULL DEFAULT 'GENERAL',
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  -- Discharge follow-up: the month of discharge it covers (its first day); one campaign per month.
  month           date,
  expires_in_days integer NOT NULL DEFAULT 30 CHECK (expires_in_days BETWEEN 1 AND 365),
  created_by_id   uuid,
  created_at      timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (survey_id, name),
  UNIQUE (survey_id, month),
  FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE,
  CHECK ((kind = 'DISCHARGE_FOLLOW_UP') = (month IS NOT NULL)),
  CHECK (month IS NULL OR extract(day FROM month) = 1)
);

-- Discharged patients from the records office's list: personal health data. Besides the tenant
-- isolation policy, a RESTRICTIVE policy lets only members holding PATIENT_DATA read or write them.
CREATE TABLE discharged_patients (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  medical_record_no text NOT NULL CHECK (length(btrim(medical_record_no)) BETWEEN 1 AND 64),
  name              text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  -- Where the follow-up letter goes: a postal address or a phone number.
  contact           text NOT NULL CHECK (length(btrim(contact)) BETWEEN 1 AND 500),
  department        text,
  discharged_on     date NOT NULL,
  created_by_id     uuid,
  created_at        timestamptz(6) NOT NULL DEFAULT now(),
  updated_at        timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, medical_record_no, discharged_on)
);
CREATE INDEX discharged_patients_tenant_id_discharged_on_idx ON discharged_patients (tenant_id, discharged_on);
CREATE TRIGGER discharged_patients_touch BEFORE UPDATE ON discharged_patients FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- An invitation: one respondent, one survey version (the one published when it was issued: a letter
-- already sent keeps its questions), one personal token. Only the token's SHA-256 is stored; a
-- reminder issues a new token (the old one stops working). A patient's name and contact stay in
-- discharged_patients (behind PATIENT_DATA), never here.
-- The references to a visit, a guest and a patient are cleared, not cascaded, when those go: the
-- invitation and its response stay (PostgreSQL 15: SET NULL of the one column, tenant_id kept).
CREATE TABLE survey_invitations (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id             uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  survey_id             uuid NOT NULL,
  version_id            uuid NOT NULL,
  campaign_id           uuid,
  respondent_kind       survey_respondent_kind NOT NULL,
  respondent_name       text CHECK (length(btrim(respondent_name)) BETWEEN 1 AND 200),
  respondent_contact    text CHECK (length(respondent_contact) <= 500),
  visit_id              uuid,
  visit_guest_id        uuid,
  discharged_patient_id uuid,
  token_hash            text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  expires_at            timestamptz(6) NOT NULL,
  reminder_count        integer NOT NULL DEFAULT 0 CHECK (reminder_count >= 0),
  last_reminded_at      timestamptz(6),
  responded_at          timestamptz(6),
  created_by_id         uuid,
  created_at            timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, version_id) REFERENCES survey_versions (tenant_id, id) ON DELETE NO ACTION,
  FOREIGN KEY (tenant_id, campaign_id) REFERENCES survey_campaigns (tenant_id, id) ON DELETE NO ACTION,
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE SET NULL (visit_id),
  FOREIGN KEY (tenant_id, visit_guest_id) REFERENCES visit_guests (tenant_id, id) ON DELETE SET NULL (visit_guest_id),
  FOREIGN KEY (tenant_id, discharged_patient_id) REFERENCES discharged_patients (tenant_id, id)
    ON DELETE SET NULL (discharged_patient_id),
  CHECK (discharged_patient_id IS NULL OR respondent_kind = 'DISCHARGED_PATIENT'),
  CHECK (respondent_kind <> 'DISCHARGED_PATIENT' OR (respondent_name IS NULL AND respondent_contact IS NULL)),
  CHECK (expires_at > created_at)
);
CREATE INDEX survey_invitations_tenant_id_survey_id_created_at_idx ON survey_invitations (tenant_id, survey_id, created_at);
CREATE INDEX survey_invitations_tenant_id_campaign_id_idx ON survey_invitations (tenant_id, campaign_id);
CREATE INDEX survey_invitations_tenant_id_visit_id_idx ON survey_invitations (tenant_id, visit_id);
-- One invitation per patient and campaign: importing the same list twice invites nobody twice.
CREATE UNIQUE INDEX survey_invitations_campaign_patient_idx ON survey_invitations (campaign_id, discharged_patient_id)
  WHERE campaign_id IS NOT NULL AND discharged_patient_id IS NOT NULL;

-- A response: answered once per invitation (UNIQUE (tenant_id, invitation_id)), against the invitation's version.
-- `negative` (a rating ≤ 2, an NPS ≤ 6, or the complaint flag) opened `follow_up_task_id`; the
-- resolution is recorded here, and resolved_at follows the task (trigger below).
CREATE TABLE survey_responses (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  survey_id         uuid NOT NULL,
  version_id        uuid NOT NULL,
  invitation_id     uuid NOT NULL,
  complaint         boolean NOT NULL DEFAULT false,
  negative          boolean NOT NULL DEFAULT false,
  follow_up_task_id uuid,
  resolution        text CHECK (length(btrim(resolution)) BETWEEN 1 AND 5000),
  resolved_at       timestamptz(6),
  resolved_by_id    uuid,
  submitted_at      timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, invitation_id),
  UNIQUE (tenant_id, follow_up_task_id),
  FOREIGN KEY (tenant_id, survey_id) REFERENCES surveys (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, version_id) REFERENCES survey_versions (tenant_id, id) ON DELETE NO ACTION,
  FOREIGN KEY (tenant_id, invitation_id) REFERENCES survey_invitations (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, follow_up_task_id) REFERENCES tasks (tenant_id, id) ON DELETE SET NULL (follow_up_task_id),
  CHECK (NOT complaint OR negative)
);
CREATE INDEX survey_responses_tenant_id_survey_id_version_id_idx ON survey_responses (tenant_id, survey_id, version_id);

-- One row per answered question: a number (RATING 1–5, NPS 0–10), chosen option keys, or text.
CREATE TABLE survey_answers (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  response_id   uuid NOT NULL,
  question_key  uuid NOT NULL,
  kind          survey_question_kind NOT NULL,
  number_value  integer,
  option_keys   uuid[] NOT NULL DEFAULT '{}',
  text_value    text CHECK (length(text_value) <= 5000),
  UNIQUE (tenant_id, id),
  UNIQUE (response_id, question_key),
  FOREIGN KEY (tenant_id, response_id) REFERENCES survey_responses (tenant_id, id) ON DELETE CASCADE,
  CHECK (kind <> 'RATING' OR number_value BETWEEN 1 AND 5),
  CHECK (kind <> 'NPS' OR number_value BETWEEN 0 AND 10),
  CHECK (kind IN ('RATING', 'NPS') OR number_value IS NULL),
  CHECK (kind IN ('SINGLE_CHOICE', 'MULTIPLE_CHOICE') OR cardinality(option_keys) = 0),
  CHECK (kind <> 'SINGLE_CHOICE' OR cardinality(option_keys) = 1),
  CHECK (kind <> 'MULTIPLE_CHOICE' OR cardinality(option_keys) >= 1),
  CHECK (kind = 'TEXT' OR text_value IS NULL),
  CHECK (kind <> 'TEXT' OR length(btrim(text_value)) >= 1)
);

-- The follow-up task of a negative answer reaching DONE records when it was resolved on the response
-- (reopening the task clears it), whatever changed the task: the board, or resolveSurveyFollowUp.
CREATE FUNCTION resolve_survey_follow_ups() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  UPDATE survey_responses
     SET resolved_at = CASE WHEN NEW.status = 'DONE' THEN NEW.completed_at END,
         resolved_by_id = CASE WHEN NEW.status = 'DONE' THEN NEW.completed_by_id END
   WHERE follow_up_task_id = NEW.id AND tenant_id = NEW.tenant_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER tasks_resolve_survey_follow_ups AFTER UPDATE OF status ON tasks
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION resolve_survey_follow_ups();

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['surveys', 'survey_versions', 'survey_campaigns', 'discharged_patients', 'survey_invitations',
    'survey_responses', 'survey_answers'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;
-- Restrictive: ANDed with tenant_isolation. Without PATIENT_DATA a patient row does not exist.
CREATE POLICY patient_data_access ON discharged_patients AS RESTRICTIVE
  USING ((SELECT app_has_patient_data_access())) WITH CHECK ((SELECT app_has_patient_data_access()));

GRANT EXECUTE ON FUNCTION app_has_patient_data_access() TO jiedai_app;
GRANT SELECT, INSERT, UPDATE ON surveys, survey_campaigns, discharged_patients, survey_invitations, survey_responses
  TO jiedai_app;
-- Versions are never deleted (the trigger refuses changes to published ones); answers never change.
GRANT SELECT, INSERT, UPDATE ON survey_versions TO jiedai_app;
GRANT SELECT, INSERT ON survey_answers TO jiedai_app;
