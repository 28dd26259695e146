-- Assessments (评估 / 考核): templates of weighted criteria with scales, frozen as versions when
-- published; assessments that score a subject (a visit, a department, a staff member, a hospital
-- service point, a hotel area, or the whole organization for drills); findings whose corrective
-- action is a task, closed when that task is done.

CREATE TYPE assessment_kind AS ENUM ('POST_VISIT_REVIEW', 'INSPECTION', 'DRILL', 'STAFF', 'SERVICE_STANDARD');
CREATE TYPE assessment_subject_type AS ENUM ('VISIT', 'DEPARTMENT', 'STAFF_MEMBER', 'SERVICE_POINT', 'HOTEL_AREA', 'ORGANIZATION');
CREATE TYPE scale_kind AS ENUM ('POINTS', 'PASS_FAIL', 'PERCENTAGE');
CREATE TYPE assessment_status AS ENUM ('DRAFT', 'SUBMITTED', 'REVIEWED');
CREATE TYPE finding_severity AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

CREATE TABLE assessment_templates (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  kind         assessment_kind NOT NULL,
  subject_type assessment_subject_type NOT NULL,
  description  text,
  created_at   timestamptz(6) NOT NULL DEFAULT now(),
  updated_at   timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name)
);
CREATE TRIGGER assessment_templates_touch BEFORE UPDATE ON assessment_templates FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- The draft criteria, edited freely; publishing copies them into a version.
CREATE TABLE assessment_criteria (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  template_id uuid NOT NULL,
  position    integer NOT NULL CHECK (position >= 1),
  title       text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  guidance    text,
  weight      numeric(6, 2) NOT NULL CHECK (weight > 0),
  scale_kind  scale_kind NOT NULL,
  scale_min   integer NOT NULL,
  scale_max   integer NOT NULL,
  UNIQUE (tenant_id, id),
  UNIQUE (template_id, position),
  FOREIGN KEY (tenant_id, template_id) REFERENCES assessment_templates (tenant_id, id) ON DELETE CASCADE,
  CHECK (scale_max > scale_min),
  CHECK (scale_kind <> 'PASS_FAIL' OR (scale_min = 0 AND scale_max = 1)),
  CHECK (scale_kind <> 'PERCENTAGE' OR (scale_min = 0 AND scale_max = 100))
);

-- A published template: its criteria frozen as JSON (key, title, guidance, weight, scale).
CREATE TABLE assessment_template_versions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  template_id     uuid NOT NULL,
  number          integer NOT NULL CHECK (number >= 1),
  criteria        jsonb NOT NULL,
  published_by_id uuid,
  published_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (template_id, number),
  FOREIGN KEY (tenant_id, template_id) REFERENCES assessment_templates (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE assessments (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id              uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  template_version_id    uuid NOT NULL,
  subject_type           assessment_subject_type NOT NULL,
  -- Exactly the column of the subject type is set (ORGANIZATION: none): real foreign keys, no
  -- polymorphic id that could point anywhere.
  visit_id               uuid,
  department_id          uuid,
  staff_membership_id    uuid,
  service_point_id       uuid,
  hotel_area_id          uuid,
  assessor_membership_id uuid,
  assessed_on            date NOT NULL,
  status                 assessment_status NOT NULL DEFAULT 'DRAFT',
  submitted_at           timestamptz(6),
  reviewed_at            timestamptz(6),
  reviewed_by_id         uuid,
  review_comment         text,
  version                integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at             timestamptz(6) NOT NULL DEFAULT now(),
  updated_at             timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, template_version_id) REFERENCES assessment_template_versions (tenant_id, id) ON DELETE NO ACTION,
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, staff_membership_id) REFERENCES memberships (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, service_point_id) REFERENCES service_points (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, hotel_area_id) REFERENCES hotel_areas (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, assessor_membership_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION,
  CHECK (
    (visit_id IS NOT NULL)::int + (department_id IS NOT NULL)::int + (staff_membership_id IS NOT NULL)::int
      + (service_point_id IS NOT NULL)::int + (hotel_area_id IS NOT NULL)::int
    = CASE subject_type WHEN 'ORGANIZATION' THEN 0 ELSE 1 END
  ),
  CHECK (subject_type <> 'VISIT' OR visit_id IS NOT NULL),
  CHECK (subject_type <> 'DEPARTMENT' OR department_id IS NOT NULL),
  CHECK (subject_type <> 'STAFF_MEMBER' OR staff_membership_id IS NOT NULL),
  CHECK (subject_type <> 'SERVICE_POINT' OR service_point_id IS NOT NULL),
  CHECK (subject_type <> 'HOTEL_AREA' OR hotel_area_id IS NOT NULL)
);
CREATE INDEX assessments_tenant_id_assessed_on_idx ON assessments (tenant_id, assessed_on);
CREATE TRIGGER assessments_touch BEFORE UPDATE ON assessments FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- One score per criterion of the version (criterion_key = the key in the version's criteria).
CREATE TABLE assessment_scores (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  assessment_id uuid NOT NULL,
  criterion_key uuid NOT NULL,
  value         numeric(7, 2) NOT NULL,
  comment       text,
  UNIQUE (tenant_id, id),
  UNIQUE (assessment_id, criterion_key),
  FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE findings (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  assessment_id       uuid NOT NULL,
  criterion_key       uuid,
  severity            finding_severity NOT NULL,
  description         text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 5000),
  corrective_action   text NOT NULL CHECK (length(btrim(corrective_action)) BETWEEN 1 AND 5000),
  task_id             uuid,
  closed_at           timestamptz(6),
  created_at          timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, task_id),
  FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE NO ACTION
);
CREATE INDEX findings_tenant_id_closed_at_idx ON findings (tenant_id, closed_at);

-- A finding is closed when its corrective task is done, and open again when the task is reopened:
-- the rule lives with the data, whatever changes the task.
CREATE FUNCTION close_findings_of_task() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  UPDATE findings SET closed_at = CASE WHEN NEW.status = 'DONE' THEN NEW.completed_at END
   WHERE task_id = NEW.id AND tenant_id = NEW.tenant_id;
  RETURN NEW;
END
$$;
CREATE TRIGGER tasks_close_findings AFTER UPDATE OF status ON tasks
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION close_findings_of_task();

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['assessment_templates', 'assessment_criteria', 'assessment_template_versions', 'assessments',
    'assessment_scores', 'findings'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON assessment_templates, assessment_criteria, assessments, assessment_scores, findings
  TO jiedai_app;
-- Published versions are never changed.
GRANT SELECT, INSERT ON assessment_template_versions TO jiedai_app;
