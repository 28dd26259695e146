-- Government office protocol (issue 12): reception standards (接待标准) per principal guest rank, the standard set
-- for a visit (proposed from the principal guest's rank, overridable with a reason), and the stored seating plans:
-- a banquet seating plan per meal (宴会座次) and a car seating plan per vehicle (乘车座次). A seating plan is a JSON
-- document (tables → seats → person and the rule that placed them), computed by the service and adjusted by hand;
-- it is read and replaced whole, like a survey version's questions.

-- A tenant's table of standards: which principal guest ranks a standard covers (rank levels, 1 the highest).
CREATE TABLE reception_standards (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id               uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name                    text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
  min_rank_level          integer NOT NULL CHECK (min_rank_level >= 1),
  max_rank_level          integer NOT NULL,
  lodging_class           text NOT NULL,
  meal_allowance_per_head numeric(12, 2) NOT NULL CHECK (meal_allowance_per_head >= 0),
  vehicle_class           vehicle_kind NOT NULL,
  -- The rank level of the leader who greets the guests (null: no rule).
  greeting_leader_level   integer CHECK (greeting_leader_level >= 1),
  gift_limit_per_head     numeric(12, 2) CHECK (gift_limit_per_head >= 0),
  -- The escalation rule (向市领导汇报): a visit whose principal guest has these ranks is reported up.
  report_up               boolean NOT NULL DEFAULT false,
  created_at              timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name),
  CHECK (max_rank_level >= min_rank_level)
);

-- The standard of one visit: a copy of the standard's figures (so that changing the table later does not change
-- an approved visit), or figures set by hand with the reason (override_reason).
CREATE TABLE visit_reception_standards (
  id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id               uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  visit_id                uuid NOT NULL,
  standard_id             uuid,
  lodging_class           text NOT NULL,
  meal_allowance_per_head numeric(12, 2) NOT NULL CHECK (meal_allowance_per_head >= 0),
  vehicle_class           vehicle_kind NOT NULL,
  greeting_leader_level   integer CHECK (greeting_leader_level >= 1),
  gift_limit_per_head     numeric(12, 2) CHECK (gift_limit_per_head >= 0),
  override_reason         text CHECK (override_reason IS NULL OR length(btrim(override_reason)) >= 1),
  set_by_id               uuid,
  set_at                  timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, visit_id),
  FOREIGN KEY (tenant_id, visit_id) REFERENCES visits (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, standard_id) REFERENCES reception_standards (tenant_id, id) ON DELETE NO ACTION
);

-- The banquet seating plan of one meal.
CREATE TABLE banquet_seatings (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  meal_id         uuid NOT NULL,
  tables          integer NOT NULL CHECK (tables BETWEEN 1 AND 10),
  seats_per_table integer NOT NULL CHECK (seats_per_table BETWEEN 4 AND 24),
  plan            jsonb NOT NULL CHECK (jsonb_typeof(plan) = 'object'),
  -- Moves by hand since the proposal.
  manual_moves    integer NOT NULL DEFAULT 0 CHECK (manual_moves >= 0),
  updated_at      timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, meal_id),
  FOREIGN KEY (tenant_id, meal_id) REFERENCES meals (tenant_id, id) ON DELETE CASCADE
);
CREATE TRIGGER banquet_seatings_touch BEFORE UPDATE ON banquet_seatings FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- The car seating plan of one vehicle.
CREATE TABLE vehicle_seatings (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  vehicle_id   uuid NOT NULL,
  plan         jsonb NOT NULL CHECK (jsonb_typeof(plan) = 'object'),
  updated_at   timestamptz(6) NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, vehicle_id),
  FOREIGN KEY (tenant_id, vehicle_id) REFERENCES vehicles (tenant_id, id) ON DELETE CASCADE
);
CREATE TRIGGER vehicle_seatings_touch BEFORE UPDATE ON vehicle_seatings FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['reception_standards', 'visit_reception_standards', 'banquet_seatings', 'vehicle_seatings'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_tenant_id()) '
                   'WITH CHECK (tenant_id = app_tenant_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON reception_standards, visit_reception_standards, banquet_seatings, vehicle_seatings TO jiedai_app;
