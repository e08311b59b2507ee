-- Scale benchmark data: 600 agencies and 25,000 published services, added beside the demo catalogue.
-- Names are built from Kiswahili and English word pools so that searches hit realistic, overlapping words.
-- Run against a database the portal has migrated (and seeded): psql -v ON_ERROR_STOP=1 -f catalog-generate.sql
-- Never against production: every row it adds is coded bench-*.
BEGIN;

INSERT INTO catalog.categories (code, name_sw, name_en, sort_order)
VALUES ('utambulisho', 'Utambulisho na usajili wa kiraia', 'Identity and civil registration', 0)
ON CONFLICT (code) DO NOTHING;

INSERT INTO catalog.agencies (code, short_name, name_sw, name_en, description_sw, description_en, status)
SELECT format('bench-a%s', lpad(n::text, 3, '0')),
       format('BA%s', n),
       format('%s %s ya %s', (ARRAY['Halmashauri ya Wilaya', 'Mamlaka', 'Wakala', 'Bodi', 'Tume', 'Baraza'])[1 + n % 6],
              n, (ARRAY['Arusha', 'Dodoma', 'Mwanza', 'Mbeya', 'Tanga', 'Morogoro', 'Kigoma', 'Tabora', 'Iringa', 'Mtwara'])[1 + n % 10]),
       format('%s %s of %s', (ARRAY['District Council', 'Authority', 'Agency', 'Board', 'Commission', 'Council'])[1 + n % 6],
              n, (ARRAY['Arusha', 'Dodoma', 'Mwanza', 'Mbeya', 'Tanga', 'Morogoro', 'Kigoma', 'Tabora', 'Iringa', 'Mtwara'])[1 + n % 10]),
       'Taasisi ya majaribio ya kipimo cha utendaji.', 'A benchmark institution.', 'approved'
  FROM generate_series(1, 600) AS n
ON CONFLICT (code) DO NOTHING;

WITH pools AS (
    SELECT ARRAY['Usajili wa', 'Leseni ya', 'Kibali cha', 'Cheti cha', 'Uhakiki wa', 'Malipo ya', 'Maombi ya', 'Nakala ya', 'Hati ya', 'Kuhuisha'] AS sw_verb,
           ARRAY['Registration of', 'Licence for', 'Permit for', 'Certificate of', 'Verification of', 'Payment of', 'Application for', 'Copy of', 'Deed of', 'Renewal of'] AS en_verb,
           ARRAY['biashara', 'gari', 'ardhi', 'ujenzi', 'maji', 'umeme', 'kuzaliwa', 'ndoa', 'kodi', 'mazingira',
                 'afya', 'elimu', 'uvuvi', 'madini', 'utalii', 'kilimo', 'mifugo', 'usafirishaji', 'bima', 'michango'] AS sw_thing,
           ARRAY['business', 'vehicle', 'land', 'construction', 'water', 'electricity', 'birth', 'marriage', 'tax', 'environment',
                 'health', 'education', 'fishing', 'minerals', 'tourism', 'agriculture', 'livestock', 'transport', 'insurance', 'contributions'] AS en_thing
),
numbered AS (
    SELECT n, 1 + n % 10 AS verb, 1 + (n / 10) % 20 AS thing, 1 + n % 600 AS agency
      FROM generate_series(1, 25000) AS n
)
INSERT INTO catalog.services (code, agency_id, category_id, name_sw, name_en, summary_sw, summary_en,
                              channels, cost_tzs, cost_paid, processing_days, keywords_sw, keywords_en, status, published_at)
SELECT format('bench-s%s', lpad(x.n::text, 5, '0')),
       a.id,
       c.id,
       format('%s %s %s', p.sw_verb[x.verb], p.sw_thing[x.thing], x.n),
       format('%s %s %s', p.en_verb[x.verb], p.en_thing[x.thing], x.n),
       format('Huduma ya %s kwa wananchi wa %s.', p.sw_thing[x.thing], a.name_sw),
       format('A %s service for the people served by %s.', p.en_thing[x.thing], a.name_en),
       ARRAY['office', 'agency_online'], (x.n % 50) * 5000, CASE WHEN x.n % 50 = 0 THEN 'free' ELSE 'on_application' END,
       x.n % 60, ARRAY[p.sw_thing[x.thing]], ARRAY[p.en_thing[x.thing]], 'published', now()
  FROM numbered x
  CROSS JOIN pools p
  JOIN catalog.agencies a ON a.code = format('bench-a%s', lpad(x.agency::text, 3, '0'))
  JOIN catalog.categories c ON c.code = (SELECT code FROM catalog.categories ORDER BY id OFFSET x.n % (SELECT count(*) FROM catalog.categories) LIMIT 1)
ON CONFLICT (code) DO NOTHING;

INSERT INTO catalog.service_life_events (service_id, life_event_id)
SELECT s.id, e.id
  FROM catalog.services s
  JOIN catalog.life_events e ON e.id = (SELECT id FROM catalog.life_events ORDER BY id OFFSET s.id % (SELECT count(*) FROM catalog.life_events) LIMIT 1)
 WHERE s.code LIKE 'bench-s%'
ON CONFLICT DO NOTHING;

COMMIT;
-- VACUUM too, not only ANALYZE: after a bulk load the GIN indexes hold 25,000 rows in their pending lists,
-- which every indexed search scans linearly until autovacuum merges them (minutes later, in the middle of a
-- run). A catalogue that agencies edit a few rows at a time never has such a list: measure that steady state.
VACUUM ANALYZE catalog.services;
VACUUM ANALYZE catalog.agencies;
VACUUM ANALYZE catalog.service_life_events;
SELECT count(*) AS published_services FROM catalog.services WHERE status = 'published';
SELECT count(*) AS agencies FROM catalog.agencies;
