-- Search documents and the catalogue version, kept by the database itself so that every writer (the seeder,
-- the onboarding API, an approval, a bulk load with plain SQL) keeps them right without remembering to.

-- A service's search document: names A, summaries and keywords B, its agency's names and its life events C,
-- descriptions D. 'simple' configuration: PostgreSQL has no Kiswahili stemmer, and an English stemmer would
-- mangle Kiswahili words, so both languages are indexed as lower-cased words.
CREATE FUNCTION catalog.service_search_fill() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    agency_text text;
    events_text text;
BEGIN
    SELECT concat_ws(' ', a.short_name, a.name_sw, a.name_en) INTO agency_text
      FROM catalog.agencies a WHERE a.id = NEW.agency_id;
    SELECT string_agg(concat_ws(' ', e.name_sw, e.name_en), ' ') INTO events_text
      FROM catalog.service_life_events sle
      JOIN catalog.life_events e ON e.id = sle.life_event_id
     WHERE sle.service_id = NEW.id;

    NEW.search_document :=
        setweight(to_tsvector('simple', concat_ws(' ', NEW.name_sw, NEW.name_en)), 'A') ||
        setweight(to_tsvector('simple', concat_ws(' ', NEW.summary_sw, NEW.summary_en,
            array_to_string(NEW.keywords_sw, ' '), array_to_string(NEW.keywords_en, ' '))), 'B') ||
        setweight(to_tsvector('simple', concat_ws(' ', agency_text, events_text)), 'C') ||
        setweight(to_tsvector('simple', concat_ws(' ', NEW.description_sw, NEW.description_en)), 'D');
    -- What a misspelt query is compared with, word by word (pg_trgm word_similarity).
    NEW.search_names := lower(concat_ws(' ', NEW.name_sw, NEW.name_en,
        array_to_string(NEW.keywords_sw, ' '), array_to_string(NEW.keywords_en, ' ')));
    RETURN NEW;
END
$$;

CREATE TRIGGER services_search_fill
    BEFORE INSERT OR UPDATE ON catalog.services
    FOR EACH ROW EXECUTE FUNCTION catalog.service_search_fill();

-- Life events are linked after the service row exists: refresh the linked services' documents once per
-- statement (touching the row runs the fill above).
CREATE FUNCTION catalog.service_life_events_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog.services s SET search_names = s.search_names
     WHERE s.id IN (SELECT DISTINCT service_id FROM changed);
    RETURN NULL;
END
$$;

CREATE TRIGGER service_life_events_added
    AFTER INSERT ON catalog.service_life_events
    REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.service_life_events_refresh();

CREATE TRIGGER service_life_events_removed
    AFTER DELETE ON catalog.service_life_events
    REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.service_life_events_refresh();

-- A renamed agency or life event renames what its services are found by.
CREATE FUNCTION catalog.agency_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog.services s SET search_names = s.search_names WHERE s.agency_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER agencies_renamed
    AFTER UPDATE OF short_name, name_sw, name_en ON catalog.agencies
    FOR EACH ROW
    WHEN (OLD.short_name IS DISTINCT FROM NEW.short_name OR OLD.name_sw IS DISTINCT FROM NEW.name_sw
          OR OLD.name_en IS DISTINCT FROM NEW.name_en)
    EXECUTE FUNCTION catalog.agency_renamed();

CREATE FUNCTION catalog.life_event_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog.services s SET search_names = s.search_names
     WHERE s.id IN (SELECT service_id FROM catalog.service_life_events WHERE life_event_id = NEW.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER life_events_renamed
    AFTER UPDATE OF name_sw, name_en ON catalog.life_events
    FOR EACH ROW
    WHEN (OLD.name_sw IS DISTINCT FROM NEW.name_sw OR OLD.name_en IS DISTINCT FROM NEW.name_en)
    EXECUTE FUNCTION catalog.life_event_renamed();

-- Only published services are ever searched, so the search indexes hold only those.
CREATE INDEX services_search_document ON catalog.services USING gin (search_document) WHERE status = 'published';
CREATE INDEX services_search_names_trgm ON catalog.services USING gin (search_names gin_trgm_ops) WHERE status = 'published';

-- The catalogue's version: bumped once per changing statement on any catalogue table, and announced on the
-- channel catalog_changed (delivered at commit; a rolled-back change announces nothing). Nodes drop their
-- cached reads when the number they hold is older.
CREATE FUNCTION catalog.catalog_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    new_version bigint;
BEGIN
    UPDATE catalog.catalog_state SET version = version + 1, changed_at = now() RETURNING version INTO new_version;
    PERFORM pg_notify('catalog_changed', new_version::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER agencies_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog.agencies
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.catalog_changed();
CREATE TRIGGER agency_endpoints_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog.agency_endpoints
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.catalog_changed();
CREATE TRIGGER categories_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog.categories
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.catalog_changed();
CREATE TRIGGER life_events_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog.life_events
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.catalog_changed();
CREATE TRIGGER services_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog.services
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.catalog_changed();
CREATE TRIGGER service_life_events_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog.service_life_events
    FOR EACH STATEMENT EXECUTE FUNCTION catalog.catalog_changed();
