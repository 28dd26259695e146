-- The hotel's own work (issue 14): events (会议/活动) linked to the visit they serve, the dedicated team
-- (专班), department readiness items (各部门准备情况汇报), area inspections per event (with the shared
-- assessments), emergency plans (应急预案) and drills (演练), room blocks with a rooming list.
-- The go/no-go gate is computed from these rows by the service, never stored.

CREATE TYPE hotel_event_kind AS ENUM ('CONFERENCE', 'VIP_STAY', 'BANQUET', 'OTHER');
CREATE TYPE hotel_team_role AS ENUM ('LEADER', 'DEPUTY_LEADER', 'LIAISON', 'MEMBER');
CREATE TYPE hotel_department AS ENUM ('FRONT_OFFICE', 'HOUSEKEEPING', 'FOOD_AND_BEVERAGE', 'ENGINEERING', 'SECURITY',
  'CONFERENCE_SERVICES', 'OTHER');
CREATE TYPE hotel_readiness_status AS ENUM ('NOT_STARTED', 'IN_PROGRESS', 'READY', 'BLOCKED');
CREATE TYPE hotel_hazard AS ENUM ('FIRE', 'POWER_FAILURE', 'FOOD_SAFETY', 'MEDICAL_EMERGENCY', 'CROWD', 'SECURITY_THREAT');

-- How long a passed drill keeps a plan "drilled" (the tenant's period), per hotel.
CREATE TABLE hotel_settings (
  tenant_id           uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  drill_validity_days integer NOT NULL DEFAULT 180 CHECK (drill_validity_days BETWEEN 1 AND 3650),
  updated_at          timestamptz(6) NOT NULL DEFAULT now()
);

CREATE TABLE hotel_events (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id      uuid,
  title         text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  kind          hotel_event_kind NOT NULL DEFAULT 'CONFERENCE',
  starts_at     timestamptz(6) NOT NULL,
  ends_at       timestamptz(6) NOT NULL,
  -- The hazards whose emergency plans must be drilled before this event.
  hazards       hotel_hazard[] NOT NULL DEFAULT ARRAY['FIRE', 'POWER_FAILURE', 'FOOD_SAFETY', 'MEDICAL_EMERGENCY', 'CROWD',
                  'SECURITY_THREAT']::hotel_hazard[],
  notes         text,
  version       integer NOT NULL DEFAULT 1,
  created_by_id uuid,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  updated_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  CHECK (ends_at > starts_at),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE SET NULL (visit_id)
);
CREATE INDEX hotel_events_tenant_id_starts_at_idx ON hotel_events (tenant_id, starts_at);
CREATE INDEX hotel_events_tenant_id_visit_id_idx ON hotel_events (tenant_id, visit_id);
CREATE TRIGGER hotel_events_touch BEFORE UPDATE ON hotel_events FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE hotel_event_team_members (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id      uuid NOT NULL,
  membership_id uuid NOT NULL,
  role          hotel_team_role NOT NULL DEFAULT 'MEMBER',
  duty          text CHECK (duty IS NULL OR length(duty) <= 500),
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (event_id, membership_id),
  FOREIGN KEY (tenant_id, event_id) REFERENCES hotel_events (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, membership_id) REFERENCES memberships (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE hotel_readiness_items (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id            uuid NOT NULL,
  department          hotel_department NOT NULL,
  title               text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  status              hotel_readiness_status NOT NULL DEFAULT 'NOT_STARTED',
  owner_membership_id uuid,
  evidence            text CHECK (evidence IS NULL OR length(evidence) <= 2000),
  note                text CHECK (note IS NULL OR length(note) <= 2000),
  reported_at         timestamptz(6),
  version             integer NOT NULL DEFAULT 1,
  created_at          timestamptz(6) NOT NULL DEFAULT now(),
  updated_at          timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (event_id, department, title),
  FOREIGN KEY (tenant_id, event_id) REFERENCES hotel_events (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, owner_membership_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION
);
CREATE TRIGGER hotel_readiness_items_touch BEFORE UPDATE ON hotel_readiness_items FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- The areas an event uses, each inspected before it with the area readiness template.
CREATE TABLE hotel_event_areas (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id      uuid NOT NULL,
  hotel_area_id uuid NOT NULL,
  assessment_id uuid,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (event_id, hotel_area_id),
  UNIQUE (tenant_id, assessment_id),
  FOREIGN KEY (tenant_id, event_id) REFERENCES hotel_events (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, hotel_area_id) REFERENCES hotel_areas (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE SET NULL (assessment_id)
);

-- One plan per hazard: roles ([{role, responsibility, membershipId}]) and steps ([text]), validated by the service.
CREATE TABLE hotel_emergency_plans (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  hazard     hotel_hazard NOT NULL,
  title      text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  roles      jsonb NOT NULL DEFAULT '[]',
  steps      jsonb NOT NULL DEFAULT '[]',
  version    integer NOT NULL DEFAULT 1,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  updated_at timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, hazard)
);
CREATE TRIGGER hotel_emergency_plans_touch BEFORE UPDATE ON hotel_emergency_plans FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- A drill of a plan: scheduled, run (started, ended: timed), reviewed with a drill-review assessment.
CREATE TABLE hotel_drills (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  plan_id       uuid NOT NULL,
  scheduled_at  timestamptz(6) NOT NULL,
  started_at    timestamptz(6),
  ended_at      timestamptz(6),
  assessment_id uuid,
  note          text CHECK (note IS NULL OR length(note) <= 2000),
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, assessment_id),
  CHECK (ended_at IS NULL OR (started_at IS NOT NULL AND ended_at >= started_at)),
  FOREIGN KEY (tenant_id, plan_id) REFERENCES hotel_emergency_plans (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id) ON DELETE SET NULL (assessment_id)
);
CREATE INDEX hotel_drills_tenant_id_plan_id_idx ON hotel_drills (tenant_id, plan_id);

-- Room blocks: rooms by type and night for an event or a delegation (visit), released on a date.
CREATE TABLE hotel_room_blocks (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id   uuid,
  visit_id   uuid,
  name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  release_on date NOT NULL,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  CHECK (event_id IS NOT NULL OR visit_id IS NOT NULL),
  FOREIGN KEY (tenant_id, event_id) REFERENCES hotel_events (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE hotel_room_block_nights (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  block_id   uuid NOT NULL,
  night      date NOT NULL,
  room_type  text NOT NULL CHECK (length(btrim(room_type)) BETWEEN 1 AND 100),
  rooms      integer NOT NULL CHECK (rooms BETWEEN 0 AND 10000),
  UNIQUE (tenant_id, id),
  UNIQUE (block_id, night, room_type),
  FOREIGN KEY (tenant_id, block_id) REFERENCES hotel_room_blocks (tenant_id, id) ON DELETE CASCADE
);

-- The rooming list: a guest (of the visit, or named) in a room of the block from arrival to departure.
CREATE TABLE hotel_rooming_entries (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  block_id          uuid NOT NULL,
  visit_guest_id    uuid,
  guest_name        text NOT NULL CHECK (length(btrim(guest_name)) BETWEEN 1 AND 200),
  vip_level         text CHECK (vip_level IS NULL OR length(vip_level) <= 50),
  room_type         text NOT NULL CHECK (length(btrim(room_type)) BETWEEN 1 AND 100),
  room_number       text CHECK (room_number IS NULL OR length(room_number) <= 20),
  floor             integer,
  is_spare          boolean NOT NULL DEFAULT false,
  arrival_on        date NOT NULL,
  departure_on      date NOT NULL,
  dietary_note      text CHECK (dietary_note IS NULL OR length(dietary_note) <= 500),
  room_inspected_at timestamptz(6),
  key_ready_at      timestamptz(6),
  created_at        timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  CHECK (departure_on > arrival_on),
  FOREIGN KEY (tenant_id, block_id) REFERENCES hotel_room_blocks (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, visit_guest_id) REFERENCES visit_guests (tenant_id, id) ON DELETE SET NULL (visit_guest_id)
);
CREATE INDEX hotel_rooming_entries_tenant_id_arrival_on_idx ON hotel_rooming_entries (tenant_id, arrival_on);

-- The coordination meeting (协调会) of an event; its decisions, and the equipment maintenance (会场设备
-- 检修) due before the event, are tasks on the tasks board, linked to the event here.
CREATE TYPE hotel_event_task_kind AS ENUM ('DECISION', 'MAINTENANCE');

CREATE TABLE hotel_coordination_meetings (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id            uuid NOT NULL,
  held_at             timestamptz(6) NOT NULL,
  chair_membership_id uuid,
  minutes             text CHECK (minutes IS NULL OR length(minutes) <= 20000),
  created_at          timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, event_id) REFERENCES hotel_events (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, chair_membership_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION
);

CREATE TABLE hotel_event_tasks (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id      uuid NOT NULL,
  task_id       uuid NOT NULL,
  kind          hotel_event_task_kind NOT NULL,
  meeting_id    uuid,
  hotel_area_id uuid,
  equipment     text CHECK (equipment IS NULL OR length(equipment) <= 300),
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, task_id),
  CHECK ((kind = 'DECISION') = (meeting_id IS NOT NULL)),
  FOREIGN KEY (tenant_id, event_id) REFERENCES hotel_events (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, task_id) REFERENCES tasks (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, meeting_id) REFERENCES hotel_coordination_meetings (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, hotel_area_id) REFERENCES hotel_areas (tenant_id, id) ON DELETE SET NULL (hotel_area_id)
);
CREATE INDEX hotel_event_tasks_tenant_id_event_id_idx ON hotel_event_tasks (tenant_id, event_id);

-- The event plan (接待方案) and its revisions: sections [{heading, body}], versioned; a diff compares two.
CREATE TABLE hotel_event_plan_versions (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  event_id      uuid NOT NULL,
  number        integer NOT NULL CHECK (number >= 1),
  sections      jsonb NOT NULL,
  note          text CHECK (note IS NULL OR length(note) <= 2000),
  created_by_id uuid,
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (event_id, number),
  FOREIGN KEY (tenant_id, event_id) REFERENCES hotel_events (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['hotel_settings', 'hotel_events', 'hotel_event_team_members', 'hotel_readiness_items',
    'hotel_event_areas', 'hotel_emergency_plans', 'hotel_drills', 'hotel_room_blocks', 'hotel_room_block_nights',
    'hotel_rooming_entries', 'hotel_coordination_meetings', 'hotel_event_tasks', 'hotel_event_plan_versions'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON hotel_settings, hotel_events, hotel_event_team_members, hotel_readiness_items,
  hotel_event_areas, hotel_emergency_plans, hotel_drills, hotel_room_blocks, hotel_room_block_nights,
  hotel_rooming_entries, hotel_coordination_meetings, hotel_event_tasks TO jiedai_app;
-- Plan versions are never changed or deleted once written.
GRANT SELECT, INSERT ON hotel_event_plan_versions TO jiedai_app;
