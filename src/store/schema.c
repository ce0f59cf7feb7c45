/*
 * schema.c: the versioned schema, one migration per change, never edited
 * once released: a new change is a new migration at the end of the list.
 * Dates are ISO 8601 text ("2022-12-31"); a NULL valid_to means "still valid".
 */
#include "core/compat.h"
#include "store/store.h"

const struct store_migration store_migrations[] = {
    {1, "journal",
     "CREATE TABLE journal (\n"
     "  seq INTEGER PRIMARY KEY,\n"
     "  recorded_at INTEGER NOT NULL,\n"
     "  type TEXT NOT NULL,\n"
     "  actor TEXT NOT NULL,\n"
     "  subject TEXT NOT NULL DEFAULT '',\n"
     "  reason TEXT NOT NULL DEFAULT '',\n"
     "  payload TEXT NOT NULL,\n"
     "  hash BLOB NOT NULL\n"
     ");\n"
     "CREATE TABLE journal_head (\n"
     "  id INTEGER PRIMARY KEY CHECK (id = 1),\n"
     "  seq INTEGER NOT NULL,\n"
     "  hash BLOB NOT NULL\n"
     ");\n"
     "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal\n"
     "BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;\n"
     "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal\n"
     "BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;\n"},
    {2, "referential",
     /* where each data set came from */
     "CREATE TABLE ref_source (\n"
     "  name TEXT PRIMARY KEY,\n"
     "  version TEXT NOT NULL,\n"
     "  licence TEXT NOT NULL,\n"
     "  origin TEXT NOT NULL\n"
     ");\n"
     /* one row per version of a commune: a change of name, population or
        existence starts a new version */
     "CREATE TABLE ref_commune (\n"
     "  code TEXT NOT NULL,\n"
     "  valid_from TEXT NOT NULL,\n"
     "  valid_to TEXT,\n"
     "  name TEXT NOT NULL,\n"
     "  name_key TEXT NOT NULL,\n"
     "  postcodes TEXT NOT NULL,\n"
     "  population INTEGER,\n"
     "  population_vintage TEXT NOT NULL,\n"
     "  successor TEXT,\n"
     "  PRIMARY KEY (code, valid_from)\n"
     ");\n"
     "CREATE INDEX ref_commune_key ON ref_commune(name_key);\n"
     /* grids laid on the communes: epci, territoire, mds, mdadt... */
     "CREATE TABLE ref_grid (\n"
     "  code TEXT PRIMARY KEY,\n"
     "  label TEXT NOT NULL\n"
     ");\n"
     /* an area of a grid: an EPCI, a territory, an MDS */
     "CREATE TABLE ref_area (\n"
     "  grid TEXT NOT NULL REFERENCES ref_grid(code),\n"
     "  code TEXT NOT NULL,\n"
     "  name TEXT NOT NULL,\n"
     "  kind TEXT NOT NULL DEFAULT '',\n"
     "  parent_grid TEXT,\n"
     "  parent_code TEXT,\n"
     "  PRIMARY KEY (grid, code)\n"
     ");\n"
     /* dated membership of a commune in an area of a grid */
     "CREATE TABLE ref_assignment (\n"
     "  grid TEXT NOT NULL,\n"
     "  area TEXT NOT NULL,\n"
     "  commune TEXT NOT NULL,\n"
     "  valid_from TEXT NOT NULL,\n"
     "  valid_to TEXT,\n"
     "  PRIMARY KEY (grid, commune, valid_from),\n"
     "  FOREIGN KEY (grid, area) REFERENCES ref_area(grid, code)\n"
     ");\n"
     "CREATE INDEX ref_assignment_area ON ref_assignment(grid, area);\n"
     /* dated facts about an area, published or measured elsewhere
        (population published in a report, agents of a site...) */
     "CREATE TABLE ref_area_fact (\n"
     "  grid TEXT NOT NULL,\n"
     "  area TEXT NOT NULL,\n"
     "  fact TEXT NOT NULL,\n"
     "  as_of TEXT NOT NULL,\n"
     "  value INTEGER NOT NULL,\n"
     "  scale INTEGER NOT NULL DEFAULT 0,\n"
     "  source TEXT NOT NULL,\n"
     "  PRIMARY KEY (grid, area, fact, as_of),\n"
     "  FOREIGN KEY (grid, area) REFERENCES ref_area(grid, code)\n"
     ");\n"},
};

const size_t store_migrations_count = ARRAY_SIZE(store_migrations);
