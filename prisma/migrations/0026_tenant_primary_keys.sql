-- tenant_id leads every tenant table's primary key (issue 17, docs/scaling.md): a table distributed by tenant_id
-- (Citus) needs its primary key to contain the distribution column. The tables below were keyed by id alone
-- (or, the four joins of two tenant rows, by the two row ids); their key becomes (tenant_id, id), resp.
-- (tenant_id, gift_id, guest_id) etc. Every table keyed by id already had UNIQUE (tenant_id, id) (the target of
-- the composite foreign keys), the logs audit_log and event_log aside; the new primary key takes its place, so
-- no redundant index is left: the foreign keys that reference these tables are saved (pg_get_constraintdef,
-- which keeps ON DELETE/UPDATE actions and DEFERRABLE flags), dropped, and re-created after the swap, when they
-- use the primary key's index. The constraint keeps its name `<table>_pkey`.
--
-- Lookups by id alone keep an index under RLS: the policy adds tenant_id = app_tenant_id(), so the planner
-- searches the (tenant_id, id) index with both. Prisma keeps `@id` on id (see prisma/schema.prisma).
-- The list is explicit (not "every table with tenant_id"), so the migration means the same on every database;
-- each table's current primary key is checked first. The migrator runs this file in one transaction.
DO $$
DECLARE
  -- Keyed by id alone: the key becomes (tenant_id, id).
  by_id constant text[] := ARRAY[
    'api_keys', 'assessment_criteria', 'assessment_scores', 'assessment_template_versions', 'assessment_templates',
    'assessments', 'audit_log', 'banquet_seatings', 'budget_lines', 'checklist_template_items', 'checklist_templates',
    'complaint_complainants', 'complaint_deadlines', 'complaint_escalations', 'complaint_intake_links', 'complaints',
    'department_standard_assessments', 'department_standards', 'departments', 'dietary_restrictions',
    'discharged_patients', 'dishes', 'event_log', 'evidence_files', 'findings', 'gifts', 'green_channel_cases',
    'green_channel_paperwork', 'green_channel_paperwork_deadlines', 'green_channel_patients', 'hotel_areas',
    'hotel_coordination_meetings', 'hotel_drills', 'hotel_emergency_plans', 'hotel_event_areas',
    'hotel_event_plan_versions', 'hotel_event_tasks', 'hotel_event_team_members', 'hotel_events',
    'hotel_readiness_items', 'hotel_room_block_nights', 'hotel_room_blocks', 'hotel_rooming_entries',
    'itinerary_items', 'lodging_rooms', 'lodgings', 'meals', 'memberships', 'persisted_operations', 'ranks',
    'reception_standards', 'service_point_hours', 'service_point_peak_plans', 'service_point_round_checks',
    'service_point_round_templates', 'service_point_rounds', 'service_points', 'survey_answers', 'survey_campaigns',
    'survey_invitations', 'survey_responses', 'survey_versions', 'surveys', 'task_comments', 'task_evidence', 'tasks',
    'tenant_cors_origins', 'tenant_invitations', 'travel_legs', 'vehicle_seatings', 'vehicles', 'visit_contacts',
    'visit_guests', 'visit_hosts', 'visit_photos', 'visit_plan_issue_states', 'visit_plan_versions',
    'visit_reception_standards', 'visits', 'webhook_deliveries', 'webhook_endpoints'];
  t record;
  fk record;
  tables text[] := '{}';
  old_keys text[] := '{}';
  readd text[] := '{}';
  stmt text;
  current_key text;
  redundant name;
  i int;
BEGIN
  -- The tables and their primary key today; the joins of two tenant rows get tenant_id in front of both ids.
  FOR t IN
    SELECT name, 'id' AS old_key FROM unnest(by_id) AS name
    UNION ALL
    VALUES ('gift_recipients', 'gift_id, guest_id'), ('meal_guests', 'meal_id, guest_id'),
           ('room_guests', 'room_id, guest_id'), ('vehicle_guests', 'vehicle_id, guest_id')
  LOOP
    SELECT string_agg(a.attname, ', ' ORDER BY k.o) INTO current_key
      FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(n, o)
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
     WHERE c.conrelid = format('public.%I', t.name)::regclass AND c.contype = 'p' AND c.conname = t.name || '_pkey';
    IF current_key IS DISTINCT FROM t.old_key THEN
      RAISE EXCEPTION '%: primary key %_pkey is (%), expected (%)', t.name, t.name, current_key, t.old_key;
    END IF;
    tables := tables || t.name;
    old_keys := old_keys || t.old_key;
  END LOOP;

  -- Save and drop the foreign keys that reference these tables (self-references included).
  FOR fk IN
    SELECT c.conrelid::regclass AS rel, c.conname, pg_get_constraintdef(c.oid) AS def
      FROM pg_constraint c
     WHERE c.contype = 'f' AND c.confrelid IN (SELECT format('public.%I', x)::regclass FROM unnest(tables) AS x)
     ORDER BY c.conrelid::regclass::text, c.conname
  LOOP
    readd := readd || format('ALTER TABLE %s ADD CONSTRAINT %I %s', fk.rel, fk.conname, fk.def);
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.rel, fk.conname);
  END LOOP;

  -- Swap the keys: the old primary key and UNIQUE (tenant_id, id) go, PRIMARY KEY (tenant_id, …) comes.
  FOR i IN 1 .. array_length(tables, 1) LOOP
    redundant := NULL;
    IF old_keys[i] = 'id' THEN
      SELECT c.conname INTO redundant
        FROM pg_constraint c
       WHERE c.conrelid = format('public.%I', tables[i])::regclass AND c.contype = 'u'
         AND ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) = ARRAY['tenant_id', 'id'];
    END IF;
    stmt := format('ALTER TABLE %I DROP CONSTRAINT %I', tables[i], tables[i] || '_pkey');
    IF redundant IS NOT NULL THEN
      stmt := stmt || format(', DROP CONSTRAINT %I', redundant);
    END IF;
    EXECUTE stmt || format(', ADD CONSTRAINT %I PRIMARY KEY (tenant_id, %s)', tables[i] || '_pkey', old_keys[i]);
  END LOOP;

  -- The foreign keys again, now on the primary keys' indexes.
  FOREACH stmt IN ARRAY readd LOOP
    EXECUTE stmt;
  END LOOP;
END
$$;
