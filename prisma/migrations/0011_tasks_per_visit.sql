-- A visit holds at most 2,000 tasks (MAX_TASKS_PER_VISIT in packages/schema's task.service.ts): an audit read
-- a visit of ~3,000 tasks in 1 s (0.5 MB) and starved the pool at 50 concurrent readers. Enforced here, so
-- every path that adds tasks (ad-hoc, checklists, corrective actions, survey follow-ups) meets it; the
-- services turn SQLSTATE JD001 into the typed error TOO_MANY_TASKS. Concurrent inserts for one visit wait
-- for each other (a transaction-level advisory lock per visit), so the count cannot be overtaken.
CREATE FUNCTION app_tasks_per_visit_cap() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NEW.visit_id IS NULL THEN
    RETURN NEW;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('tasks_per_visit:' || NEW.visit_id::text, 0));
  IF (SELECT count(*) FROM tasks WHERE tenant_id = NEW.tenant_id AND visit_id = NEW.visit_id) >= 2000 THEN
    RAISE EXCEPTION 'A visit has at most 2000 tasks' USING ERRCODE = 'JD001';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER tasks_per_visit_cap
  BEFORE INSERT OR UPDATE OF visit_id ON tasks
  FOR EACH ROW EXECUTE FUNCTION app_tasks_per_visit_cap();
