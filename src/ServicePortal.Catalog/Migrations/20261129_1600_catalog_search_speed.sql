-- Search gathers its candidates kind by kind (see ServiceSearch), the strongest first: every word of the query
-- in a service's names or keywords. The search document cannot answer that exactly (its weights say names A,
-- but summaries share B with keywords, and checking weights means reading every row that has the words
-- anywhere), so search_names gets a word index of its own. It is an expression index, not a column, so the
-- history snapshots and every writer stay as they are; the query repeats the expression exactly.
CREATE INDEX services_search_names_words ON catalog.services
    USING gin (to_tsvector('simple', search_names)) WHERE status = 'published';
