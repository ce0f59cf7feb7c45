-- groupby.sql: the baseline of bench/indic/run.sh. A representative set
-- of the report's indicators written as plain SQL GROUP BY queries over the
-- same SQLite database, for 2022, by month (1..12) and for the year
-- (month 0), on the sites of the dossiers and acts (the MDS grid) and, for
-- two of them, on the commune of residence (the commune grid). One query at
-- least per source (decisions, payments, dossiers, acts) and per measure
-- (rows, distinct persons and households, sums of amounts, measures running
-- in the period, stock at the period's end, average daily stock, a filter
-- on a fact). Results are thrown away (run with output to /dev/null): only
-- the time counts. It is a lower bound, not the same work: no dictionary,
-- no conditions of the rules language, one grid at a time, no territory
-- rules for MDADT sites, no ratios.

-- periods: the year (0) and its months
CREATE TEMP TABLE per(m INTEGER PRIMARY KEY, first TEXT, last TEXT);
INSERT INTO per VALUES (0, '2022-01-01', '2022-12-31'),
  (1, '2022-01-01', '2022-01-31'), (2, '2022-02-01', '2022-02-28'),
  (3, '2022-03-01', '2022-03-31'), (4, '2022-04-01', '2022-04-30'),
  (5, '2022-05-01', '2022-05-31'), (6, '2022-06-01', '2022-06-30'),
  (7, '2022-07-01', '2022-07-31'), (8, '2022-08-01', '2022-08-31'),
  (9, '2022-09-01', '2022-09-30'), (10, '2022-10-01', '2022-10-31'),
  (11, '2022-11-01', '2022-11-30'), (12, '2022-12-01', '2022-12-31');

-- 1. decisions (accord) by dispositif x site x month, and for the year
SELECT d.dispositif, d.site_grid, d.site_code, CAST(substr(x.decided_on, 6, 2) AS INTEGER) AS m,
       count(*), sum(COALESCE(x.amount_cents, 0))
  FROM decision x JOIN dossier d ON d.id = x.dossier
 WHERE x.decided_on BETWEEN '2022-01-01' AND '2022-12-31' AND x.outcome = 'accord'
 GROUP BY 1, 2, 3, 4
UNION ALL
SELECT d.dispositif, d.site_grid, d.site_code, 0, count(*), sum(COALESCE(x.amount_cents, 0))
  FROM decision x JOIN dossier d ON d.id = x.dossier
 WHERE x.decided_on BETWEEN '2022-01-01' AND '2022-12-31' AND x.outcome = 'accord'
 GROUP BY 1, 2, 3;

-- 2. refusals by dispositif x site, year
SELECT d.dispositif, d.site_code, count(*)
  FROM decision x JOIN dossier d ON d.id = x.dossier
 WHERE x.decided_on BETWEEN '2022-01-01' AND '2022-12-31' AND x.outcome = 'refus'
 GROUP BY 1, 2;

-- 3. distinct persons with a decision (accord) by dispositif x site x period, and the département
SELECT d.dispositif, d.site_code, p.m, count(DISTINCT d.person)
  FROM decision x JOIN dossier d ON d.id = x.dossier
  JOIN per p ON x.decided_on BETWEEN p.first AND p.last
 WHERE x.outcome = 'accord'
 GROUP BY 1, 2, 3;
SELECT d.dispositif, p.m, count(DISTINCT d.person)
  FROM decision x JOIN dossier d ON d.id = x.dossier
  JOIN per p ON x.decided_on BETWEEN p.first AND p.last
 WHERE x.outcome = 'accord'
 GROUP BY 1, 2;

-- 4. payments: sums and distinct households by dispositif x site x period
SELECT d.dispositif, d.site_code, p.m, count(*), sum(y.amount_cents),
       count(DISTINCT d.household)
  FROM payment y JOIN dossier d ON d.id = y.dossier
  JOIN per p ON y.paid_on BETWEEN p.first AND p.last
 GROUP BY 1, 2, 3;

-- 5. dossiers opened by dispositif x site x month
SELECT dispositif, site_code, CAST(substr(opened_on, 6, 2) AS INTEGER), count(*)
  FROM dossier WHERE opened_on BETWEEN '2022-01-01' AND '2022-12-31'
 GROUP BY 1, 2, 3;

-- 6. measures and rights running at least one day of the period, distinct beneficiaries
SELECT d.dispositif, d.site_code, p.m, count(*),
       count(DISTINCT d.beneficiary_type || ':' || d.beneficiary)
  FROM dossier d JOIN per p
    ON d.measure_start <= p.last AND (d.measure_end IS NULL OR d.measure_end >= p.first)
 WHERE d.measure_start IS NOT NULL
 GROUP BY 1, 2, 3;

-- 7. stock at the period's end, and average daily stock (days running / days of the period)
SELECT d.dispositif, d.site_code, p.m,
       sum(d.measure_start <= p.last AND (d.measure_end IS NULL OR d.measure_end >= p.last)),
       round(sum(julianday(min(COALESCE(d.measure_end, p.last), p.last)) -
                 julianday(max(d.measure_start, p.first)) + 1) /
             (julianday(p.last) - julianday(p.first) + 1))
  FROM dossier d JOIN per p
    ON d.measure_start <= p.last AND (d.measure_end IS NULL OR d.measure_end >= p.first)
 WHERE d.measure_start IS NOT NULL
 GROUP BY 1, 2, 3;

-- 8. acts by dispositif x site x month, and distinct persons seen by period
SELECT dispositif, site_code, CAST(substr(act_date, 6, 2) AS INTEGER), count(*)
  FROM act WHERE act_date BETWEEN '2022-01-01' AND '2022-12-31'
 GROUP BY 1, 2, 3;
SELECT a.dispositif, a.site_code, p.m, count(DISTINCT a.person)
  FROM act a JOIN per p ON a.act_date BETWEEN p.first AND p.last
 WHERE a.person IS NOT NULL
 GROUP BY 1, 2, 3;

-- 9. a filter on a fact: reception visits by motive and site, year
SELECT site_code, json_extract(facts, '$.motif'), count(*)
  FROM act WHERE dispositif = 'accueil_physique'
   AND act_date BETWEEN '2022-01-01' AND '2022-12-31'
 GROUP BY 1, 2;

-- 10. the commune grid: decisions (accord) by commune of residence of the person at the
-- decision date, by month, and the MDS of that commune (ref_assignment at that date)
SELECT a.commune, r.area, CAST(substr(x.decided_on, 6, 2) AS INTEGER), count(*)
  FROM decision x JOIN dossier d ON d.id = x.dossier
  JOIN person_address a ON a.person = d.person AND a.valid_from <= x.decided_on
   AND (a.valid_to IS NULL OR a.valid_to >= x.decided_on)
  LEFT JOIN ref_assignment r ON r.grid = 'mds' AND r.commune = a.commune
   AND r.valid_from <= x.decided_on AND (r.valid_to IS NULL OR r.valid_to >= x.decided_on)
 WHERE x.decided_on BETWEEN '2022-01-01' AND '2022-12-31' AND x.outcome = 'accord'
 GROUP BY 1, 2, 3;

-- 11. the commune grid: distinct persons seen in acts by commune of residence, year
SELECT pa.commune, count(DISTINCT a.person)
  FROM act a JOIN person_address pa ON pa.person = a.person AND pa.valid_from <= a.act_date
   AND (pa.valid_to IS NULL OR pa.valid_to >= a.act_date)
 WHERE a.act_date BETWEEN '2022-01-01' AND '2022-12-31'
 GROUP BY 1;
