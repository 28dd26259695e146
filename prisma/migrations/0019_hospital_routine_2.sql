-- Hospital, second part (issue 13): escalation tasks, green-channel paperwork deadlines per tenant, the
-- complainant's identity behind PATIENT_DATA, and tasks that other records rely on cannot be deleted.
--
-- * complaint_escalations.task_id: the task an escalation created for the coordinator / department head.
--   Rows escalated before this migration have none.
-- * green_channel_paperwork_deadlines: the tenant's hours after arrival for each kind of deferred
--   paperwork (no row: the defaults, 2 h / 6 h / 48 h).
-- * complaint_complainants: the complainant's name and contact, moved out of complaints. Anyone of the
--   tenant may record them (a desk taking a call, the public link), only PATIENT_DATA holders may read,
--   change or delete them (RESTRICTIVE policies for SELECT, UPDATE and DELETE; an INSERT is written
--   without RETURNING).
-- * The tasks of a round's checks, of green-channel paperwork, of escalations and of department standard
--   assessments are no longer deleted (or unlinked) with their task: deleting such a task is refused
--   (NO ACTION: a tenant's deletion still cascades through both in one statement).

-- ── escalation tasks ──────────────────────────────────────────────────────────────────────────────
ALTER TABLE complaint_escalations ADD COLUMN task_id uuid;
ALTER TABLE complaint_escalations ADD CONSTRAINT complaint_escalations_tenant_id_task_id_key UNIQUE (tenant_id, task_id);
ALTER TABLE complaint_escalations ADD CONSTRAINT complaint_escalations_tenant_id_task_id_fkey
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE NO ACTION;
-- The escalation is recorded first (once, by its unique key), then its task is linked.
GRANT UPDATE (task_id) ON complaint_escalations TO jiedai_app;

-- ── green-channel paperwork deadlines (a tenant setting) ─────────────────────────────────────────────
CREATE TABLE green_channel_paperwork_deadlines (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kind       green_channel_paperwork_kind NOT NULL,
  hours      integer NOT NULL CHECK (hours BETWEEN 1 AND 720),
  updated_at timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, kind)
);

-- ── the complainant, behind PATIENT_DATA ─────────────────────────────────────────────────────────────
CREATE TABLE complaint_complainants (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  complaint_id uuid NOT NULL,
  name         text CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  contact      text CHECK (length(btrim(contact)) BETWEEN 1 AND 500),
  created_at   timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, complaint_id),
  FOREIGN KEY (tenant_id, complaint_id) REFERENCES complaints (tenant_id, id) ON DELETE CASCADE,
  CHECK (name IS NOT NULL OR contact IS NOT NULL)
);

-- Move what complaints hold (the owner reads past RLS for this statement only: NO FORCE, then FORCE again).
ALTER TABLE complaints NO FORCE ROW LEVEL SECURITY;
INSERT INTO complaint_complainants (tenant_id, complaint_id, name, contact, created_at)
  SELECT tenant_id, id, complainant_name, complainant_contact, created_at FROM complaints
   WHERE complainant_name IS NOT NULL OR complainant_contact IS NOT NULL;
ALTER TABLE complaints FORCE ROW LEVEL SECURITY;
ALTER TABLE complaints DROP COLUMN complainant_name, DROP COLUMN complainant_contact;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['green_channel_paperwork_deadlines', 'complaint_complainants'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;
-- Restrictive (ANDed with tenant_isolation), for reading, changing and deleting; not for INSERT.
CREATE POLICY patient_data_read ON complaint_complainants AS RESTRICTIVE FOR SELECT
  USING ((SELECT app_has_patient_data_access()));
CREATE POLICY patient_data_update ON complaint_complainants AS RESTRICTIVE FOR UPDATE
  USING ((SELECT app_has_patient_data_access())) WITH CHECK ((SELECT app_has_patient_data_access()));
CREATE POLICY patient_data_delete ON complaint_complainants AS RESTRICTIVE FOR DELETE
  USING ((SELECT app_has_patient_data_access()));

GRANT SELECT, INSERT, UPDATE, DELETE ON green_channel_paperwork_deadlines TO jiedai_app;
GRANT SELECT, INSERT, UPDATE ON complaint_complainants TO jiedai_app;

-- ── tasks in use are not deleted with their records ────────────────────────────────────────────────
ALTER TABLE green_channel_paperwork DROP CONSTRAINT green_channel_paperwork_tenant_id_task_id_fkey;
ALTER TABLE green_channel_paperwork ADD CONSTRAINT green_channel_paperwork_tenant_id_task_id_fkey
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE NO ACTION;
ALTER TABLE service_point_round_checks DROP CONSTRAINT service_point_round_checks_tenant_id_task_id_fkey;
ALTER TABLE service_point_round_checks ADD CONSTRAINT service_point_round_checks_tenant_id_task_id_fkey
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE NO ACTION;
ALTER TABLE department_standard_assessments DROP CONSTRAINT department_standard_assessments_tenant_id_task_id_fkey;
ALTER TABLE department_standard_assessments ADD CONSTRAINT department_standard_assessments_tenant_id_task_id_fkey
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE NO ACTION;
