-- A service as one jsonb value: what service_history keeps before and after every change, so an approver
-- (and the agency) can see exactly what changed. Codes stand in for internal ids.
CREATE FUNCTION catalog.service_snapshot(service_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT (to_jsonb(s) - 'id' - 'agency_id' - 'category_id' - 'search_document' - 'search_names')
           || jsonb_build_object(
                'agency', a.code,
                'category', c.code,
                'life_events', coalesce((SELECT jsonb_agg(e.code ORDER BY e.code)
                                           FROM catalog.service_life_events sle
                                           JOIN catalog.life_events e ON e.id = sle.life_event_id
                                          WHERE sle.service_id = s.id), '[]'::jsonb))
      FROM catalog.services s
      JOIN catalog.agencies a ON a.id = s.agency_id
      JOIN catalog.categories c ON c.id = s.category_id
     WHERE s.id = service_snapshot.service_id
$$;
