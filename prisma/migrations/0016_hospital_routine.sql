-- The hospital's daily routine (issue 13): service points' daily rounds from templates per service-point kind
-- (opening checks, peak-time staffing, closing checks), created each day in the tenant's time zone by the
-- scheduled job (graphile-worker, see services/gateway/src/jobs.ts); each check of a round is a task.

CREATE TYPE service_round_phase AS ENUM ('OPENING', 'PEAK', 'CLOSING');

-- A template says what a round at every service point of one kind checks, and when (local time of the tenant).
CREATE TABLE service_point_round_templates (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  service_point_kind service_point_kind NOT NULL,
  phase              service_round_phase NOT NULL,
  name               text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  -- Minutes after local midnight the round opens, and how long it may take before it counts as missed.
  starts_at_minute   integer NOT NULL CHECK (starts_at_minute BETWEEN 0 AND 1439),
  duration_minutes   integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 1440),
  checks             text[] NOT NULL CHECK (cardinality(checks) BETWEEN 1 AND 30),
  assignee_role      member_role NOT NULL DEFAULT 'STAFF',
  active             boolean NOT NULL DEFAULT true,
  created_at         timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, service_point_kind, name)
);

-- One round of one service point on one (local) day; created once per (point, template, day).
CREATE TABLE service_point_rounds (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  service_point_id uuid NOT NULL,
  template_id      uuid NOT NULL,
  round_date       date NOT NULL,
  phase            service_round_phase NOT NULL,
  name             text NOT NULL,
  opens_at         timestamptz(6) NOT NULL,
  due_at           timestamptz(6) NOT NULL,
  -- When the schedule announced the round as missed (event ROUND_MISSED), once.
  missed_noticed_at timestamptz(6),
  created_at       timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, service_point_id, template_id, round_date),
  CHECK (due_at > opens_at),
  FOREIGN KEY (tenant_id, service_point_id) REFERENCES service_points (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, template_id) REFERENCES service_point_round_templates (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX service_point_rounds_day ON service_point_rounds (tenant_id, round_date);

-- The checks of a round: each a task (modules/shared/tasks), so they are assigned, done and watched like tasks.
CREATE TABLE service_point_round_checks (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  round_id   uuid NOT NULL,
  task_id    uuid NOT NULL,
  position   integer NOT NULL,
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, task_id),
  UNIQUE (round_id, position),
  FOREIGN KEY (tenant_id, round_id) REFERENCES service_point_rounds (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['service_point_round_templates', 'service_point_rounds', 'service_point_round_checks'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON service_point_round_templates TO jiedai_app;
-- Rounds are made by the schedule (or an admin for a day) and never edited, but for the missed notice; their
-- checks' tasks change.
GRANT SELECT, INSERT, DELETE ON service_point_rounds, service_point_round_checks TO jiedai_app;
GRANT UPDATE (missed_noticed_at) ON service_point_rounds TO jiedai_app;

-- ── peak-time windows (高峰时段增开窗口) ───────────────────────────────────────────────────────────────
-- Per service point: how many patients one open window serves in an hour, and the expected patients per local
-- hour (24 entries) when entered (empty: not entered); without them the expected load is derived from the recorded hours.
CREATE TABLE service_point_peak_plans (
  id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id                uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  service_point_id         uuid NOT NULL,
  patients_per_window_hour integer NOT NULL CHECK (patients_per_window_hour BETWEEN 1 AND 10000),
  expected_load            integer[] NOT NULL DEFAULT '{}' CHECK (cardinality(expected_load) IN (0, 24)),
  updated_at               timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, service_point_id),
  FOREIGN KEY (tenant_id, service_point_id) REFERENCES service_points (tenant_id, id) ON DELETE CASCADE
);

-- One local hour of one service point: the windows that were open and, when counted, the patients served.
CREATE TABLE service_point_hours (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  service_point_id uuid NOT NULL,
  hour_date        date NOT NULL,
  hour             smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  windows_open     integer NOT NULL CHECK (windows_open BETWEEN 0 AND 1000),
  patients         integer CHECK (patients BETWEEN 0 AND 100000),
  recorded_at      timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, service_point_id, hour_date, hour),
  FOREIGN KEY (tenant_id, service_point_id) REFERENCES service_points (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['service_point_peak_plans', 'service_point_hours'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON service_point_peak_plans, service_point_hours TO jiedai_app;

-- ── department service standards (各科室制定本科室服务标准, 定期考核) ───────────────────────────────────────
-- A department's own standard is an assessment template (subject: DEPARTMENT) it is assessed with on a schedule;
-- the scheduled job makes each period's assessment and its task once (one row per standard and period).
CREATE TYPE standard_cadence AS ENUM ('MONTHLY', 'QUARTERLY');

CREATE TABLE department_standards (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id              uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  department_id          uuid NOT NULL,
  template_id            uuid NOT NULL,
  cadence                standard_cadence NOT NULL DEFAULT 'MONTHLY',
  assessor_membership_id uuid,
  active                 boolean NOT NULL DEFAULT true,
  created_at             timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, department_id),
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, template_id) REFERENCES assessment_templates (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, assessor_membership_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION
);

CREATE TABLE department_standard_assessments (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  standard_id   uuid NOT NULL,
  -- First day of the period (a month, or a quarter's first month).
  period_start  date NOT NULL,
  assessment_id uuid NOT NULL,
  task_id       uuid,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, standard_id, period_start),
  UNIQUE (tenant_id, assessment_id),
  UNIQUE (tenant_id, task_id),
  FOREIGN KEY (tenant_id, standard_id) REFERENCES department_standards (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE SET NULL (task_id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['department_standards', 'department_standard_assessments'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON department_standards TO jiedai_app;
GRANT SELECT, INSERT ON department_standard_assessments TO jiedai_app;
