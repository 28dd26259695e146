-- Visits (来访 / 接待任务): one reception job from request to archive, with its delegation, contacts,
-- travel, hosts, itinerary, lodging, meals, vehicles, gifts and budget; plan versions for approval;
-- idempotency keys for retried mutations; and the event log (outbox) that change notifications use.
-- Every table is tenant-owned: RLS enabled and forced, composite foreign keys on (tenant_id, id).

CREATE TYPE visit_purpose AS ENUM ('LEADER_VISIT', 'WORK_INSPECTION', 'BUSINESS_EXCHANGE', 'CONFERENCE', 'OTHER');
CREATE TYPE visit_status AS ENUM
  ('REQUESTED', 'PLANNING', 'PENDING_APPROVAL', 'APPROVED', 'IN_PROGRESS', 'COMPLETED', 'ARCHIVED', 'CANCELLED');
CREATE TYPE gender AS ENUM ('FEMALE', 'MALE', 'UNSPECIFIED');
CREATE TYPE dietary_category AS ENUM ('RELIGIOUS', 'REGIONAL', 'OCCUPATIONAL', 'PERSONAL');
CREATE TYPE travel_mode AS ENUM ('CAR', 'TRAIN', 'PLANE', 'BUS');
CREATE TYPE travel_direction AS ENUM ('INBOUND', 'OUTBOUND');
CREATE TYPE host_role AS ENUM ('HOST_LEADER', 'ACCOMPANYING', 'GREETER');
CREATE TYPE itinerary_kind AS ENUM
  ('MEETING', 'MEAL', 'SITE_VISIT', 'LODGING_CHECK_IN', 'CULTURAL_ACTIVITY', 'SIGHTSEEING', 'FAREWELL', 'OTHER');
CREATE TYPE meal_kind AS ENUM ('BREAKFAST', 'LUNCH', 'DINNER', 'BANQUET');
CREATE TYPE vehicle_kind AS ENUM ('SEDAN', 'SUV', 'MINIBUS', 'COACH');
CREATE TYPE budget_category AS ENUM
  ('LODGING', 'MEALS', 'VEHICLES', 'GIFTS', 'MEETING_SUBSIDY', 'MEAL_ALLOWANCE', 'OTHER');
CREATE TYPE plan_decision AS ENUM ('PENDING', 'APPROVED', 'REJECTED', 'SUPERSEDED');

CREATE TABLE visits (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id                 uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  title                     text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  purpose                   visit_purpose NOT NULL,
  status                    visit_status NOT NULL DEFAULT 'REQUESTED',
  reception_level           text,
  visiting_organization     text,
  starts_at                 timestamptz(6) NOT NULL,
  ends_at                   timestamptz(6) NOT NULL,
  includes_important_leader boolean NOT NULL DEFAULT false,
  escalated_at              timestamptz(6),
  escalation_note           text,
  coordinator_id            uuid,
  notes                     text,
  -- Departure and after (善后): tracked here until the checklist module turns them into tasks.
  safe_arrival_confirmed_at  timestamptz(6),
  forgotten_items_checked_at timestamptz(6),
  photos_sent_at             timestamptz(6),
  summary                    text,
  version                   integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_by_id             uuid,
  created_at                timestamptz(6) NOT NULL DEFAULT now(),
  updated_at                timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, coordinator_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION,
  CHECK (ends_at > starts_at)
);
CREATE INDEX visits_tenant_id_starts_at_idx ON visits (tenant_id, starts_at);
CREATE INDEX visits_tenant_id_status_idx ON visits (tenant_id, status);
CREATE TRIGGER visits_touch BEFORE UPDATE ON visits FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE visit_guests (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id        uuid NOT NULL,
  name            text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  gender          gender NOT NULL DEFAULT 'UNSPECIFIED',
  ethnicity       text,
  title           text,
  rank_level      integer CHECK (rank_level BETWEEN 1 AND 100),
  organization    text,
  unit            text,
  principal_order integer CHECK (principal_order >= 1),
  created_at      timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (visit_id, principal_order),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE dietary_restrictions (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  guest_id   uuid NOT NULL,
  category   dietary_category NOT NULL,
  restricted text NOT NULL CHECK (restricted = lower(btrim(restricted)) AND length(restricted) BETWEEN 1 AND 100),
  note       text,
  UNIQUE (tenant_id, id),
  UNIQUE (guest_id, category, restricted),
  FOREIGN KEY (tenant_id, guest_id) REFERENCES visit_guests (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE visit_contacts (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id  uuid NOT NULL,
  name      text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  phone     text NOT NULL CHECK (phone ~ '^\+?[0-9][0-9 ()-]{4,30}$'),
  role      text,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE travel_legs (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id            uuid NOT NULL,
  direction           travel_direction NOT NULL,
  mode                travel_mode NOT NULL,
  origin              text,
  destination         text,
  departure_at        timestamptz(6),
  arrival_at          timestamptz(6),
  vehicle_type        text,
  plate               text,
  driver_count        integer CHECK (driver_count >= 0),
  actual_departure_at timestamptz(6),
  expected_arrival_at timestamptz(6),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE,
  CHECK (arrival_at IS NULL OR departure_at IS NULL OR arrival_at > departure_at)
);

CREATE TABLE visit_hosts (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id         uuid NOT NULL,
  membership_id    uuid NOT NULL,
  role             host_role NOT NULL,
  unit             text,
  rank_explanation text,
  UNIQUE (tenant_id, id),
  UNIQUE (visit_id, membership_id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, membership_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION
);

CREATE TABLE itinerary_items (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id                 uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id                  uuid NOT NULL,
  kind                      itinerary_kind NOT NULL,
  title                     text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
  starts_at                 timestamptz(6) NOT NULL,
  ends_at                   timestamptz(6) NOT NULL,
  place                     text,
  route                     text,
  responsible_membership_id uuid,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, responsible_membership_id) REFERENCES memberships (tenant_id, id) ON DELETE NO ACTION
);
CREATE INDEX itinerary_items_visit_id_starts_at_idx ON itinerary_items (visit_id, starts_at);

CREATE TABLE lodgings (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id   uuid NOT NULL,
  hotel_name text NOT NULL CHECK (length(btrim(hotel_name)) BETWEEN 1 AND 200),
  address    text,
  check_in   date NOT NULL,
  check_out  date NOT NULL,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE,
  CHECK (check_out > check_in)
);

CREATE TABLE lodging_rooms (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  lodging_id   uuid NOT NULL,
  floor        integer,
  number       text NOT NULL CHECK (length(btrim(number)) BETWEEN 1 AND 50),
  room_type    text,
  is_spare     boolean NOT NULL DEFAULT false,
  inspected_at timestamptz(6),
  unfit_reason text,
  UNIQUE (tenant_id, id),
  UNIQUE (lodging_id, number),
  FOREIGN KEY (tenant_id, lodging_id) REFERENCES lodgings (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE room_guests (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  room_id   uuid NOT NULL,
  guest_id  uuid NOT NULL,
  PRIMARY KEY (room_id, guest_id),
  FOREIGN KEY (tenant_id, room_id) REFERENCES lodging_rooms (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, guest_id) REFERENCES visit_guests (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE meals (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id         uuid NOT NULL,
  kind             meal_kind NOT NULL,
  starts_at        timestamptz(6) NOT NULL,
  place            text,
  alcohol_served   boolean NOT NULL DEFAULT false,
  whole_delegation boolean NOT NULL DEFAULT true,
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE meal_guests (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  meal_id   uuid NOT NULL,
  guest_id  uuid NOT NULL,
  PRIMARY KEY (meal_id, guest_id),
  FOREIGN KEY (tenant_id, meal_id) REFERENCES meals (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, guest_id) REFERENCES visit_guests (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE dishes (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  meal_id   uuid NOT NULL,
  name      text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  tags      text[] NOT NULL DEFAULT '{}',
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, meal_id) REFERENCES meals (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE vehicles (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id       uuid NOT NULL,
  kind           vehicle_kind NOT NULL,
  seats          integer NOT NULL CHECK (seats BETWEEN 1 AND 100),
  plate          text,
  driver_name    text,
  driver_phone   text,
  driver_briefed boolean NOT NULL DEFAULT false,
  checked_at     timestamptz(6),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE vehicle_guests (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  vehicle_id uuid NOT NULL,
  guest_id   uuid NOT NULL,
  PRIMARY KEY (vehicle_id, guest_id),
  FOREIGN KEY (tenant_id, vehicle_id) REFERENCES vehicles (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, guest_id) REFERENCES visit_guests (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE gifts (
  id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id  uuid NOT NULL,
  item      text NOT NULL CHECK (length(btrim(item)) BETWEEN 1 AND 200),
  value     numeric(12, 2) CHECK (value >= 0),
  tags      text[] NOT NULL DEFAULT '{}',
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE gift_recipients (
  tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  gift_id   uuid NOT NULL,
  guest_id  uuid NOT NULL,
  PRIMARY KEY (gift_id, guest_id),
  FOREIGN KEY (tenant_id, gift_id) REFERENCES gifts (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, guest_id) REFERENCES visit_guests (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE budget_lines (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id    uuid NOT NULL,
  category    budget_category NOT NULL,
  description text,
  planned     numeric(12, 2) NOT NULL DEFAULT 0 CHECK (planned >= 0),
  actual      numeric(12, 2) CHECK (actual >= 0),
  payable_at  timestamptz(6),
  UNIQUE (tenant_id, id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE visit_plan_versions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id        uuid NOT NULL,
  number          integer NOT NULL CHECK (number >= 1),
  snapshot        jsonb NOT NULL,
  reason          text,
  submitted_by_id uuid,
  submitted_at    timestamptz(6) NOT NULL DEFAULT now(),
  decision        plan_decision NOT NULL DEFAULT 'PENDING',
  decided_by_id   uuid,
  decided_at      timestamptz(6),
  comment         text,
  UNIQUE (tenant_id, id),
  UNIQUE (visit_id, number),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE
);

-- A retried mutation with the same key returns the first result and creates nothing twice.
CREATE TABLE idempotency_keys (
  tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  key        text NOT NULL CHECK (length(key) BETWEEN 8 AND 200),
  operation  text NOT NULL,
  result     jsonb,
  created_at timestamptz(6) NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

-- Domain events, written in the same transaction as the change (append_event) and published after
-- commit. `seq` numbers each tenant's events without gaps, in commit order: appending takes the
-- tenant's counter row until the transaction ends. A subscriber resumes after the last seq it saw,
-- and a jump in seq tells it that it missed something.
CREATE TABLE tenant_event_counters (
  tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  seq       bigint NOT NULL CHECK (seq >= 1)
);

CREATE TABLE event_log (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  seq           bigint NOT NULL CHECK (seq >= 1),
  topic         text NOT NULL,
  type          text NOT NULL,
  subject_id    uuid,
  actor_user_id uuid,
  payload       jsonb NOT NULL DEFAULT '{}',
  created_at    timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, seq)
);
CREATE INDEX event_log_tenant_id_topic_seq_idx ON event_log (tenant_id, topic, seq);

-- Runs as the caller (RLS applies: only the current tenant's counter and events).
CREATE FUNCTION append_event(p_topic text, p_type text, p_subject_id uuid, p_actor_user_id uuid, p_payload jsonb)
  RETURNS event_log
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  v_seq bigint;
  v_event event_log;
BEGIN
  INSERT INTO tenant_event_counters AS c (tenant_id, seq) VALUES (app_tenant_id(), 1)
    ON CONFLICT (tenant_id) DO UPDATE SET seq = c.seq + 1
    RETURNING c.seq INTO v_seq;
  INSERT INTO event_log (tenant_id, seq, topic, type, subject_id, actor_user_id, payload)
    VALUES (app_tenant_id(), v_seq, p_topic, p_type, p_subject_id, p_actor_user_id, coalesce(p_payload, '{}'))
    RETURNING * INTO v_event;
  RETURN v_event;
END
$$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['visits', 'visit_guests', 'dietary_restrictions', 'visit_contacts', 'travel_legs',
    'visit_hosts', 'itinerary_items', 'lodgings', 'lodging_rooms', 'room_guests', 'meals', 'meal_guests', 'dishes',
    'vehicles', 'vehicle_guests', 'gifts', 'gift_recipients', 'budget_lines', 'visit_plan_versions',
    'idempotency_keys', 'tenant_event_counters', 'event_log'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON visits, visit_guests, dietary_restrictions, visit_contacts, travel_legs,
  visit_hosts, itinerary_items, lodgings, lodging_rooms, room_guests, meals, meal_guests, dishes, vehicles,
  vehicle_guests, gifts, gift_recipients, budget_lines, idempotency_keys TO jiedai_app;
-- Plan versions are never deleted; the event log is append-only.
GRANT SELECT, INSERT, UPDATE ON visit_plan_versions TO jiedai_app;
GRANT SELECT, INSERT ON event_log TO jiedai_app;
GRANT SELECT, INSERT, UPDATE ON tenant_event_counters TO jiedai_app;
