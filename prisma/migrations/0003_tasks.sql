-- Tasks and checklists (接待工作清单): templates per tenant, by phase, whose items fall due relative to
-- a visit milestone; the tasks a visit instantiates from them (or ad hoc), with comments and
-- evidence. Changes are appended to event_log (0002) for the live task boards.

CREATE TYPE task_phase AS ENUM ('PREPARATION', 'RECEPTION', 'FOLLOW_UP');
CREATE TYPE task_status AS ENUM ('TODO', 'IN_PROGRESS', 'DONE', 'BLOCKED', 'SKIPPED');
-- What a due time is relative to: the request, the arrival, each meal or itinerary item, the
-- departure, the expected return home, or the visit's own start and end.
CREATE TYPE task_anchor AS ENUM
  ('VISIT_REQUESTED', 'VISIT_START', 'ARRIVAL', 'EACH_MEAL', 'EACH_ITINERARY_ITEM', 'VISIT_END', 'DEPARTURE', 'RETURN_HOME');
CREATE TYPE evidence_kind AS ENUM ('PHOTO', 'FILE', 'LINK');

CREATE TABLE checklist_templates (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name        text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  description text,
  -- The visit purpose it is meant for; null: any purpose.
  purpose     visit_purpose,
  created_at  timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name)
);

CREATE TABLE checklist_template_items (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  template_id    uuid NOT NULL,
  phase          task_phase NOT NULL,
  position       integer NOT NULL CHECK (position >= 1),
  title          text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 500),
  description    text,
  default_role   member_role,
  anchor         task_anchor,
  offset_minutes integer NOT NULL DEFAULT 0 CHECK (offset_minutes BETWEEN -525600 AND 525600),
  -- For EACH_MEAL / EACH_ITINERARY_ITEM: only meals / items of this kind (null: all).
  meal_kind      meal_kind,
  itinerary_kind itinerary_kind,
  UNIQUE (tenant_id, id),
  UNIQUE (template_id, position),
  FOREIGN KEY (tenant_id, template_id) REFERENCES checklist_templates (tenant_id, id) ON DELETE CASCADE,
  CHECK (meal_kind IS NULL OR anchor = 'EACH_MEAL'),
  CHECK (itinerary_kind IS NULL OR anchor = 'EACH_ITINERARY_ITEM')
);

CREATE TABLE tasks (
  id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id              uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id               uuid,
  template_item_id       uuid,
  phase                  task_phase NOT NULL,
  position               integer NOT NULL DEFAULT 0,
  title                  text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 500),
  description            text,
  assignee_membership_id uuid,
  assignee_role          member_role,
  -- The due time and what it follows: when the milestone moves, an open task's due time moves too.
  due_at                 timestamptz(6),
  anchor                 task_anchor,
  anchor_record_id       uuid,
  offset_minutes         integer,
  status                 task_status NOT NULL DEFAULT 'TODO',
  status_reason          text,
  completed_at           timestamptz(6),
  completed_by_id        uuid,
  version                integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by_id          uuid,
  created_at             timestamptz(6) NOT NULL DEFAULT now(),
  updated_at             timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, assignee_membership_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION,
  FOREIGN KEY (tenant_id, template_item_id) REFERENCES checklist_template_items (tenant_id, id) ON DELETE NO ACTION,
  CHECK (status NOT IN ('BLOCKED', 'SKIPPED') OR length(btrim(status_reason)) > 0),
  CHECK ((status = 'DONE') = (completed_at IS NOT NULL))
);
CREATE INDEX tasks_tenant_id_visit_id_idx ON tasks (tenant_id, visit_id);
CREATE INDEX tasks_open_due_idx ON tasks (tenant_id, due_at) WHERE status IN ('TODO', 'IN_PROGRESS', 'BLOCKED');
CREATE TRIGGER tasks_touch BEFORE UPDATE ON tasks FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE task_comments (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  task_id        uuid NOT NULL,
  author_user_id uuid,
  body           text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
  created_at     timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE task_evidence (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  task_id     uuid NOT NULL,
  kind        evidence_kind NOT NULL,
  -- A reference to where the photo or file is kept (an URL or a storage key), never the bytes.
  reference   text NOT NULL CHECK (length(btrim(reference)) BETWEEN 1 AND 2000),
  note        text,
  added_by_id uuid,
  created_at  timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['checklist_templates', 'checklist_template_items', 'tasks', 'task_comments', 'task_evidence'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON checklist_templates, checklist_template_items, tasks, task_comments, task_evidence
  TO jiedai_app;
