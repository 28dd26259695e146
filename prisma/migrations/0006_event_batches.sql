-- An operation's events, appended together as its last statement before COMMIT (the gateway's tenant
-- transaction queues them while the operation runs). The tenant's counter row is locked from this
-- statement until COMMIT, so event-writing transactions of one tenant wait for each other only for
-- that last round trip instead of from their first event on; seq stays gapless and in commit order.
-- Runs as the caller (RLS applies). `p_events` is a JSON array of {topic, type, subjectId, payload},
-- in the order the operation made them; they get consecutive seqs in that order.
CREATE FUNCTION append_events(p_actor_user_id uuid, p_events jsonb)
  RETURNS SETOF event_log
  LANGUAGE plpgsql VOLATILE
  AS $$
DECLARE
  v_count int := jsonb_array_length(p_events);
  v_last bigint;
BEGIN
  IF v_count = 0 THEN
    RETURN;
  END IF;
  INSERT INTO tenant_event_counters AS c (tenant_id, seq) VALUES (app_tenant_id(), v_count)
    ON CONFLICT (tenant_id) DO UPDATE SET seq = c.seq + v_count
    RETURNING c.seq INTO v_last;
  RETURN QUERY
    INSERT INTO event_log (tenant_id, seq, topic, type, subject_id, actor_user_id, payload)
    SELECT app_tenant_id(), v_last - v_count + e.n, e.value->>'topic', e.value->>'type',
           (e.value->>'subjectId')::uuid, p_actor_user_id, coalesce(e.value->'payload', '{}')
    FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, n)
    ORDER BY e.n
    RETURNING *;
END
$$;
