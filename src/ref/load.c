/*
 * load.c: validating and loading the territorial referential from data/ref/.
 *
 * Everything is read and checked in memory first; only then is the database
 * touched, in one transaction with a "ref.loaded" journal event. So a bad
 * file (or a bad line in a good file) changes nothing, and the error names
 * the file, the line, the field and the value.
 */
#include "core/compat.h"
#include "ref/ref_int.h"

#include <jansson.h>
#include <sodium.h>

#include "core/csv.h"
#include "core/file.h"
#include "core/json.h"
#include "core/strbuf.h"
#include "core/utf8.h"
#include "journal/chain.h"
#include "journal/journal.h"

#define REF_FILE_MAX (16u << 20)

/* The files, in the order they are read and digested. */
enum ref_file {
    RF_COMMUNES,
    RF_EPCI,
    RF_MEMBRES,
    RF_TERRITOIRES,
    RF_SITES,
    RF_AFFECTATIONS,
    RF_FAITS,
    RF_MILLESIMES,
    RF__COUNT
};

static const char *const ref_file_names[RF__COUNT] = {
    "communes.csv",    "epci.csv",  "epci-membres.csv", "territoires.csv",
    "sites.csv",       "affectations-epci.csv", "faits-publies.csv", "millesimes.csv",
};

struct commune_row {
    const char *code, *from, *to, *name, *key, *postcodes, *psource, *successor;
    int64_t population; /* -1 unknown */
    size_t line;
};

struct epci_row {
    const char *siren, *name, *kind, *from, *to;
};

struct member_row {
    const char *epci, *commune, *from, *to;
    size_t line;
};

struct simple_row { /* territoires and sites */
    const char *grid, *code, *name, *parent;
};

struct affect_row {
    const char *epci, *territoire, *mds, *mdadt, *from, *to;
};

struct fact_row {
    const char *grid, *area, *fact, *date, *source;
    int64_t value, scale;
};

/* Everything read from the files, in the load's arena. */
struct ref_data {
    struct commune_row *communes;
    size_t ncommunes;
    struct epci_row *epci;
    size_t nepci;
    struct member_row *members;
    size_t nmembers;
    struct simple_row *territoires;
    size_t nterritoires;
    struct simple_row *sites;
    size_t nsites;
    struct affect_row *affect;
    size_t naffect;
    struct fact_row *facts;
    size_t nfacts;
    const char *versions; /* package versions, "2022:2.3.1 2023:3.1.1 ..." */
    char digest[crypto_generichash_BYTES * 2 + 1];
    char file_digest[RF__COUNT][crypto_generichash_BYTES * 2 + 1];
};

/* Cursor over one CSV file with its header mapped. */
struct table {
    struct csv_reader r;
    const char *path;
    int idx[16];
    size_t ncols;
    const char *const *cols;
};

static int table_error(struct table *t, struct err *e, const char *col, const char *value,
                       const char *what)
{
    err_set(e, ERR_INVALID, "%s, ligne %zu : %s", t->path, t->r.line, what);
    return err_detail(e, "colonne « %s », valeur « %s »", col, value);
}

static const char *table_get(struct table *t, struct arena *a, size_t k)
{
    int i = t->idx[k];
    if (i < 0 || (size_t)i >= t->r.nfields)
        return "";
    return arena_strndup(a, t->r.fields[i].p, t->r.fields[i].n);
}

static int table_open(struct table *t, const char *path, const char *data, size_t len,
                      const char *const *cols, size_t ncols, struct err *e)
{
    int rc;

    assert(ncols <= ARRAY_SIZE(t->idx));
    t->path = path;
    t->cols = cols;
    t->ncols = ncols;
    csv_reader_init(&t->r, path, data, len, ',');
    rc = csv_read_record(&t->r, e);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_INVALID, "%s : fichier vide (ligne d'en-tête attendue)", path);
    return csv_header_map(&t->r, cols, ncols, t->idx, e);
}

/* Next data row: 1, 0 at the end, -1 on error; checks the field count. */
static int table_next(struct table *t, struct err *e)
{
    int rc = csv_read_record(&t->r, e);

    if (rc <= 0)
        return rc;
    for (size_t k = 0; k < t->ncols; k++) {
        if (t->idx[k] >= 0 && (size_t)t->idx[k] >= t->r.nfields) {
            err_set(e, ERR_INVALID, "%s, ligne %zu : ligne incomplète", t->path, t->r.line);
            return err_detail(e, "%zu champs lus, la colonne « %s » manque", t->r.nfields,
                              t->cols[k]);
        }
    }
    return 1;
}

static bool is_slug(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
            return false;
    return true;
}

static bool all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool ref_valid_insee(const char *s)
{
    if (strlen(s) != 5)
        return false;
    if (!(s[0] >= '0' && s[0] <= '9'))
        return false;
    if (!((s[1] >= '0' && s[1] <= '9') || (s[0] == '2' && (s[1] == 'A' || s[1] == 'B'))))
        return false;
    return all_digits(s + 2, 3);
}

/* SIREN: 9 digits with a valid Luhn key. */
static bool valid_siren(const char *s)
{
    int sum = 0;

    if (!all_digits(s, 9))
        return false;
    for (int i = 0; i < 9; i++) {
        int d = s[8 - i] - '0';
        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

/* Check a validity period: from is a date, to is "" or a date >= from. */
static int check_period(struct table *t, struct err *e, const char *from, const char *to)
{
    date_t d1, d2;
    struct err sub;

    if (date_parse_iso(from, strlen(from), &d1, &sub) != 0)
        return table_error(t, e, "valid_from", from, "date de début invalide (attendu AAAA-MM-JJ)");
    if (!*to)
        return 0;
    if (date_parse_iso(to, strlen(to), &d2, &sub) != 0)
        return table_error(t, e, "valid_to", to, "date de fin invalide (attendu AAAA-MM-JJ ou vide)");
    if (d2 < d1)
        return table_error(t, e, "valid_to", to, "date de fin antérieure à la date de début");
    return 0;
}

static int check_text(struct table *t, struct err *e, const char *col, const char *v)
{
    if (!*v)
        return table_error(t, e, col, v, "valeur obligatoire manquante");
    if (!utf8_valid(v, strlen(v)))
        return table_error(t, e, col, v, "texte qui n'est pas de l'UTF-8 valide");
    return 0;
}

static int parse_count(struct table *t, struct err *e, const char *col, const char *v,
                       int64_t *out)
{
    if (parse_int64(v, strlen(v), out) != 0 || *out < 0)
        return table_error(t, e, col, v, "nombre entier positif attendu");
    return 0;
}

/* Grow-by-doubling array in the arena. */
static void *grow(struct arena *a, void *arr, size_t n, size_t *cap, size_t size)
{
    void *na;

    if (n < *cap)
        return arr;
    *cap = *cap ? *cap * 2 : 64;
    na = arena_calloc(a, *cap, size);
    if (n)
        memcpy(na, arr, n * size);
    return na;
}

#define PUSH(a, arr, n, cap) \
    ((arr) = grow((a), (arr), (n), &(cap), sizeof(*(arr))), &(arr)[(n)++])

static int read_communes(struct arena *a, struct table *t, struct ref_data *d, struct err *e)
{
    size_t cap = 0;
    int rc;

    while ((rc = table_next(t, e)) == 1) {
        struct commune_row *c = PUSH(a, d->communes, d->ncommunes, cap);
        const char *pop;
        struct strbuf key;

        c->line = t->r.line;
        c->code = table_get(t, a, 0);
        c->from = table_get(t, a, 1);
        c->to = table_get(t, a, 2);
        c->name = table_get(t, a, 3);
        c->postcodes = table_get(t, a, 4);
        pop = table_get(t, a, 5);
        c->psource = table_get(t, a, 6);
        c->successor = table_get(t, a, 7);
        if (!ref_valid_insee(c->code))
            return table_error(t, e, "code", c->code, "code INSEE de commune invalide (5 caractères, ex. 62001)");
        if (check_period(t, e, c->from, c->to) || check_text(t, e, "nom", c->name) ||
            check_text(t, e, "population_source", c->psource))
            return -1;
        for (const char *p = c->postcodes; *p;) {
            const char *sp = strchr(p, ' ');
            size_t n = sp ? (size_t)(sp - p) : strlen(p);
            if (n != 5 || !all_digits(arena_strndup(a, p, n), 5))
                return table_error(t, e, "codes_postaux", c->postcodes,
                                   "codes postaux attendus : 5 chiffres séparés par des espaces");
            p += n + (sp ? 1 : 0);
        }
        c->population = -1;
        if (*pop && parse_count(t, e, "population", pop, &c->population))
            return -1;
        if (*c->successor && !ref_valid_insee(c->successor))
            return table_error(t, e, "successeur", c->successor, "code INSEE de commune invalide");
        if (*c->successor && !*c->to)
            return table_error(t, e, "successeur", c->successor,
                               "une commune qui a un successeur doit avoir une date de fin");
        strbuf_init(&key, 4096);
        utf8_fold(&key, c->name, strlen(c->name));
        c->key = arena_strdup(a, key.buf);
        strbuf_release(&key);
    }
    return rc;
}

static int read_epci(struct arena *a, struct table *t, struct ref_data *d, struct err *e)
{
    size_t cap = 0;
    int rc;

    while ((rc = table_next(t, e)) == 1) {
        struct epci_row *x = PUSH(a, d->epci, d->nepci, cap);
        x->siren = table_get(t, a, 0);
        x->name = table_get(t, a, 1);
        x->kind = table_get(t, a, 2);
        x->from = table_get(t, a, 3);
        x->to = table_get(t, a, 4);
        if (!valid_siren(x->siren))
            return table_error(t, e, "siren", x->siren, "SIREN invalide (9 chiffres, clé de Luhn)");
        if (strcmp(x->kind, "CA") && strcmp(x->kind, "CC") && strcmp(x->kind, "CU") &&
            strcmp(x->kind, "ME"))
            return table_error(t, e, "nature", x->kind, "nature d'EPCI inconnue (CA, CC, CU ou ME)");
        if (check_text(t, e, "nom", x->name) || check_period(t, e, x->from, x->to))
            return -1;
    }
    return rc;
}

static const struct epci_row *find_epci(const struct ref_data *d, const char *siren)
{
    for (size_t i = 0; i < d->nepci; i++)
        if (!strcmp(d->epci[i].siren, siren))
            return &d->epci[i];
    return NULL;
}

static bool commune_known(const struct ref_data *d, const char *code)
{
    /* communes are sorted by code (checked in check_communes) */
    size_t lo = 0, hi = d->ncommunes;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(d->communes[mid].code, code);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

static int read_members(struct arena *a, struct table *t, struct ref_data *d, struct err *e)
{
    size_t cap = 0;
    int rc;

    while ((rc = table_next(t, e)) == 1) {
        struct member_row *m = PUSH(a, d->members, d->nmembers, cap);
        m->line = t->r.line;
        m->epci = table_get(t, a, 0);
        m->commune = table_get(t, a, 1);
        m->from = table_get(t, a, 2);
        m->to = table_get(t, a, 3);
        if (!find_epci(d, m->epci))
            return table_error(t, e, "epci", m->epci, "EPCI absent de epci.csv");
        if (!commune_known(d, m->commune))
            return table_error(t, e, "commune", m->commune, "commune absente de communes.csv");
        if (check_period(t, e, m->from, m->to))
            return -1;
        /* memberships of one commune must not overlap (file is in commune order) */
        for (size_t i = d->nmembers - 1; i-- > 0 && !strcmp(d->members[i].commune, m->commune);) {
            const struct member_row *o = &d->members[i];
            const char *oto = *o->to ? o->to : REF_OPEN_END;
            const char *mto = *m->to ? m->to : REF_OPEN_END;
            if (strcmp(m->from, oto) <= 0 && strcmp(o->from, mto) <= 0)
                return table_error(t, e, "valid_from", m->from,
                                   "la commune appartient déjà à un EPCI sur cette période");
        }
    }
    return rc;
}

static const struct simple_row *find_simple(const struct simple_row *rows, size_t n,
                                            const char *grid, const char *code)
{
    for (size_t i = 0; i < n; i++)
        if ((!grid || !strcmp(rows[i].grid, grid)) && !strcmp(rows[i].code, code))
            return &rows[i];
    return NULL;
}

static int read_territoires(struct arena *a, struct table *t, struct ref_data *d,
                            struct err *e)
{
    size_t cap = 0;
    int rc;

    while ((rc = table_next(t, e)) == 1) {
        struct simple_row *x = PUSH(a, d->territoires, d->nterritoires, cap);
        x->grid = REF_GRID_TERRITOIRE;
        x->code = table_get(t, a, 0);
        x->name = table_get(t, a, 1);
        x->parent = "";
        if (!is_slug(x->code))
            return table_error(t, e, "code", x->code, "code attendu en minuscules, chiffres et tirets");
        if (check_text(t, e, "nom", x->name))
            return -1;
        if (find_simple(d->territoires, d->nterritoires - 1, NULL, x->code))
            return table_error(t, e, "code", x->code, "territoire déclaré deux fois");
    }
    return rc;
}

static int read_sites(struct arena *a, struct table *t, struct ref_data *d, struct err *e)
{
    size_t cap = 0;
    int rc;

    while ((rc = table_next(t, e)) == 1) {
        struct simple_row *x = PUSH(a, d->sites, d->nsites, cap);
        x->grid = table_get(t, a, 0);
        x->code = table_get(t, a, 1);
        x->name = table_get(t, a, 2);
        x->parent = table_get(t, a, 3);
        if (strcmp(x->grid, REF_GRID_MDS) && strcmp(x->grid, REF_GRID_MDADT))
            return table_error(t, e, "grille", x->grid, "grille inconnue (mds ou mdadt)");
        if (!is_slug(x->code))
            return table_error(t, e, "code", x->code, "code attendu en minuscules, chiffres et tirets");
        if (check_text(t, e, "nom", x->name))
            return -1;
        if (!find_simple(d->territoires, d->nterritoires, NULL, x->parent))
            return table_error(t, e, "territoire", x->parent, "territoire absent de territoires.csv");
        if (find_simple(d->sites, d->nsites - 1, x->grid, x->code))
            return table_error(t, e, "code", x->code, "site déclaré deux fois");
    }
    return rc;
}

static int read_affect(struct arena *a, struct table *t, struct ref_data *d, struct err *e)
{
    size_t cap = 0;
    int rc;

    while ((rc = table_next(t, e)) == 1) {
        struct affect_row *x = PUSH(a, d->affect, d->naffect, cap);
        x->epci = table_get(t, a, 0);
        x->territoire = table_get(t, a, 2);
        x->mds = table_get(t, a, 3);
        x->mdadt = table_get(t, a, 4);
        x->from = table_get(t, a, 5);
        x->to = table_get(t, a, 6);
        if (!find_epci(d, x->epci))
            return table_error(t, e, "epci", x->epci, "EPCI absent de epci.csv");
        if (!find_simple(d->territoires, d->nterritoires, NULL, x->territoire))
            return table_error(t, e, "territoire", x->territoire, "territoire absent de territoires.csv");
        if (!find_simple(d->sites, d->nsites, REF_GRID_MDS, x->mds))
            return table_error(t, e, "mds", x->mds, "MDS absente de sites.csv");
        if (!find_simple(d->sites, d->nsites, REF_GRID_MDADT, x->mdadt))
            return table_error(t, e, "mdadt", x->mdadt, "MDADT absente de sites.csv");
        if (check_period(t, e, x->from, x->to))
            return -1;
        for (size_t i = 0; i + 1 < d->naffect; i++) {
            const struct affect_row *o = &d->affect[i];
            const char *oto = *o->to ? o->to : REF_OPEN_END;
            const char *xto = *x->to ? x->to : REF_OPEN_END;
            if (!strcmp(o->epci, x->epci) && strcmp(x->from, oto) <= 0 &&
                strcmp(o->from, xto) <= 0)
                return table_error(t, e, "epci", x->epci, "EPCI déjà rattaché sur cette période");
        }
    }
    return rc;
}

static bool area_known(const struct ref_data *d, const char *grid, const char *code)
{
    if (!strcmp(grid, REF_GRID_TERRITOIRE))
        return find_simple(d->territoires, d->nterritoires, NULL, code) != NULL;
    if (!strcmp(grid, REF_GRID_EPCI))
        return find_epci(d, code) != NULL;
    return find_simple(d->sites, d->nsites, grid, code) != NULL;
}

static int read_facts(struct arena *a, struct table *t, struct ref_data *d, struct err *e)
{
    size_t cap = 0;
    int rc;

    while ((rc = table_next(t, e)) == 1) {
        struct fact_row *x = PUSH(a, d->facts, d->nfacts, cap);
        const char *v;
        date_t day;
        struct err sub;

        x->grid = table_get(t, a, 0);
        x->area = table_get(t, a, 1);
        x->fact = table_get(t, a, 2);
        x->date = table_get(t, a, 3);
        x->source = table_get(t, a, 6);
        if (strcmp(x->grid, REF_GRID_TERRITOIRE) && strcmp(x->grid, REF_GRID_MDS) &&
            strcmp(x->grid, REF_GRID_MDADT) && strcmp(x->grid, REF_GRID_EPCI))
            return table_error(t, e, "grille", x->grid, "grille inconnue");
        if (!area_known(d, x->grid, x->area))
            return table_error(t, e, "zone", x->area, "zone inconnue dans cette grille");
        if (!is_slug(x->fact))
            return table_error(t, e, "fait", x->fact, "code de fait attendu en minuscules");
        if (date_parse_iso(x->date, strlen(x->date), &day, &sub) != 0)
            return table_error(t, e, "date", x->date, "date invalide (attendu AAAA-MM-JJ)");
        v = table_get(t, a, 4);
        if (parse_int64(v, strlen(v), &x->value) != 0)
            return table_error(t, e, "valeur", v, "nombre entier attendu (sans séparateur)");
        v = table_get(t, a, 5);
        if (parse_int64(v, strlen(v), &x->scale) != 0 || x->scale < 0 || x->scale > 6)
            return table_error(t, e, "echelle", v, "nombre de décimales attendu, de 0 à 6");
        if (check_text(t, e, "source", x->source))
            return -1;
    }
    return rc;
}

static int read_versions(struct arena *a, struct table *t, struct ref_data *d, struct err *e)
{
    struct strbuf sb;
    int rc;

    strbuf_init(&sb, 4096);
    while ((rc = table_next(t, e)) == 1) {
        const char *year = table_get(t, a, 0), *version = table_get(t, a, 2);
        if (!all_digits(year, 4)) {
            strbuf_release(&sb);
            return table_error(t, e, "annee", year, "année sur 4 chiffres attendue");
        }
        strbuf_addf(&sb, "%s%s:%s", sb.len ? " " : "", year, version);
    }
    d->versions = arena_strdup(a, sb.buf);
    strbuf_release(&sb);
    return rc;
}

/* Communes: sorted by (code, valid_from), versions of one code not overlapping. */
static int check_communes(const struct ref_data *d, const char *path, struct err *e)
{
    for (size_t i = 0; i < d->ncommunes; i++) {
        const struct commune_row *c = &d->communes[i];
        if (c->successor[0] && !commune_known(d, c->successor)) {
            err_set(e, ERR_INVALID, "%s, ligne %zu : successeur inconnu", path, c->line);
            return err_detail(e, "colonne « successeur », valeur « %s »", c->successor);
        }
        if (i == 0)
            continue;
        const struct commune_row *p = &d->communes[i - 1];
        int cmp = strcmp(p->code, c->code);
        if (cmp > 0 || (cmp == 0 && strcmp(p->from, c->from) >= 0)) {
            err_set(e, ERR_INVALID, "%s, ligne %zu : lignes hors d'ordre", path, c->line);
            return err_detail(e, "attendu : tri par code puis date de début ; valeur « %s »",
                              c->code);
        }
        if (cmp == 0 && (!*p->to || strcmp(p->to, c->from) >= 0)) {
            err_set(e, ERR_INVALID, "%s, ligne %zu : deux versions de la commune se chevauchent",
                    path, c->line);
            return err_detail(e, "colonne « valid_from », valeur « %s »", c->from);
        }
    }
    return 0;
}

static int read_all(struct arena *a, const char *data_dir, struct ref_data *d, struct err *e)
{
    static const char *const cols[RF__COUNT][9] = {
        [RF_COMMUNES] = {"code", "valid_from", "valid_to", "nom", "codes_postaux", "population",
                         "population_source", "successeur"},
        [RF_EPCI] = {"siren", "nom", "nature", "valid_from", "valid_to"},
        [RF_MEMBRES] = {"epci", "commune", "valid_from", "valid_to"},
        [RF_TERRITOIRES] = {"code", "nom"},
        [RF_SITES] = {"grille", "code", "nom", "territoire"},
        [RF_AFFECTATIONS] = {"epci", "?nom_rapport", "territoire", "mds", "mdadt", "valid_from",
                             "valid_to"},
        [RF_FAITS] = {"grille", "zone", "fait", "date", "valeur", "echelle", "source"},
        [RF_MILLESIMES] = {"annee", "paquet", "version"},
    };
    static int (*const readers[RF__COUNT])(struct arena *, struct table *, struct ref_data *,
                                           struct err *) = {
        read_communes, read_epci, read_members, read_territoires,
        read_sites,    read_affect, read_facts, read_versions,
    };
    crypto_generichash_state all;
    unsigned char h[crypto_generichash_BYTES];
    int rc = 0;

    crypto_generichash_init(&all, NULL, 0, sizeof(h));
    for (int f = 0; f < RF__COUNT && rc == 0; f++) {
        const char *path = arena_printf(a, "%s/ref/%s", data_dir, ref_file_names[f]);
        struct strbuf buf;
        struct table t;
        size_t ncols = 0;

        strbuf_init(&buf, REF_FILE_MAX);
        if (file_read_all(path, &buf, REF_FILE_MAX, e) != 0) {
            strbuf_release(&buf);
            return -1;
        }
        crypto_generichash(h, sizeof(h), (const unsigned char *)buf.buf, buf.len, NULL, 0);
        chain_hex(d->file_digest[f], h, sizeof(h));
        crypto_generichash_update(&all, (const unsigned char *)ref_file_names[f],
                                  strlen(ref_file_names[f]) + 1);
        crypto_generichash_update(&all, h, sizeof(h));
        while (ncols < ARRAY_SIZE(cols[f]) && cols[f][ncols])
            ncols++;
        rc = table_open(&t, path, buf.buf, buf.len, cols[f], ncols, e);
        if (rc == 0)
            rc = readers[f](a, &t, d, e) < 0 ? -1 : 0;
        if (rc == 0 && f == RF_COMMUNES)
            rc = check_communes(d, path, e);
        csv_reader_release(&t.r);
        strbuf_release(&buf);
    }
    if (rc)
        return -1;
    crypto_generichash_final(&all, h, sizeof(h));
    chain_hex(d->digest, h, sizeof(h));
    if (d->ncommunes == 0)
        return err_set(e, ERR_INVALID, "%s/ref/communes.csv : aucune commune", data_dir);
    return 0;
}

/* Run one prepared statement with text parameters (NULL binds NULL). */
static int exec_text(struct store *s, const char *sql, const char *const *vals, size_t n,
                     struct err *e)
{
    struct store_stmt *st = store_prepare(s, sql, e);

    if (!st)
        return -1;
    for (size_t i = 0; i < n; i++)
        store_bind_text(st, (int)i + 1, vals[i]);
    return store_step_done(st, e);
}

#define EXEC(s, sql, e, ...)                                                  \
    exec_text((s), (sql), (const char *const[]){__VA_ARGS__},                \
              sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *), (e))

static const char *nullable(const char *s)
{
    return *s ? s : NULL;
}

static int write_assignment(struct store *s, const char *grid, const char *area,
                            const char *commune, const char *from, const char *to,
                            struct err *e)
{
    return EXEC(s,
                "INSERT INTO ref_assignment(grid, area, commune, valid_from, valid_to) "
                "VALUES (?, ?, ?, ?, ?)",
                e, grid, area, commune, from, nullable(to));
}

static const char *later(const char *a, const char *b)
{
    return strcmp(a, b) >= 0 ? a : b;
}

/* The earlier of two period ends, "" standing for the open end. */
static const char *earlier_end(const char *a, const char *b)
{
    if (!*a)
        return b;
    if (!*b)
        return a;
    return strcmp(a, b) <= 0 ? a : b;
}

static int write_all(struct store *s, struct arena *a, const struct ref_data *d,
                     struct ref_load_stats *st, struct err *e)
{
    static const char *const clear[] = {
        "DELETE FROM ref_area_fact", "DELETE FROM ref_assignment", "DELETE FROM ref_area",
        "DELETE FROM ref_grid",      "DELETE FROM ref_commune",    "DELETE FROM ref_source",
    };
    static const char *const grids[][2] = {
        {REF_GRID_EPCI, "EPCI à fiscalité propre"},
        {REF_GRID_TERRITOIRE, "Territoire"},
        {REF_GRID_MDS, "Maison du Département Solidarité"},
        {REF_GRID_MDADT, "Maison du Département Aménagement et Développement Territorial"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(clear); i++)
        if (store_step_done(store_prepare(s, clear[i], e), e))
            return -1;
    for (size_t i = 0; i < ARRAY_SIZE(grids); i++)
        if (EXEC(s, "INSERT INTO ref_grid(code, label) VALUES (?, ?)", e, grids[i][0],
                 grids[i][1]))
            return -1;
    for (size_t i = 0; i < d->nepci; i++)
        if (EXEC(s, "INSERT INTO ref_area(grid, code, name, kind) VALUES ('epci', ?, ?, ?)", e,
                 d->epci[i].siren, d->epci[i].name, d->epci[i].kind))
            return -1;
    for (size_t i = 0; i < d->nterritoires; i++)
        if (EXEC(s, "INSERT INTO ref_area(grid, code, name) VALUES ('territoire', ?, ?)", e,
                 d->territoires[i].code, d->territoires[i].name))
            return -1;
    for (size_t i = 0; i < d->nsites; i++)
        if (EXEC(s,
                 "INSERT INTO ref_area(grid, code, name, kind, parent_grid, parent_code) "
                 "VALUES (?, ?, ?, 'site', 'territoire', ?)",
                 e, d->sites[i].grid, d->sites[i].code, d->sites[i].name, d->sites[i].parent))
            return -1;
    for (size_t i = 0; i < d->ncommunes; i++) {
        const struct commune_row *c = &d->communes[i];
        struct store_stmt *q = store_prepare(
            s,
            "INSERT INTO ref_commune(code, valid_from, valid_to, name, name_key, postcodes, "
            "population, population_vintage, successor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            e);
        if (!q)
            return -1;
        store_bind_text(q, 1, c->code);
        store_bind_text(q, 2, c->from);
        store_bind_text(q, 3, nullable(c->to));
        store_bind_text(q, 4, c->name);
        store_bind_text(q, 5, c->key);
        store_bind_text(q, 6, c->postcodes);
        if (c->population >= 0)
            store_bind_int64(q, 7, c->population);
        else
            store_bind_null(q, 7);
        store_bind_text(q, 8, c->psource);
        store_bind_text(q, 9, nullable(c->successor));
        if (store_step_done(q, e))
            return -1;
    }
    for (size_t i = 0; i < d->nmembers; i++) {
        const struct member_row *m = &d->members[i];
        if (write_assignment(s, REF_GRID_EPCI, m->epci, m->commune, m->from, m->to, e))
            return -1;
        st->assignments++;
        /* the other grids follow the EPCI: intersect the two periods */
        for (size_t k = 0; k < d->naffect; k++) {
            const struct affect_row *x = &d->affect[k];
            const char *from = later(m->from, x->from);
            const char *to = earlier_end(m->to, x->to);
            if (strcmp(x->epci, m->epci) || (*to && strcmp(from, to) > 0))
                continue;
            if (write_assignment(s, REF_GRID_TERRITOIRE, x->territoire, m->commune, from, to, e) ||
                write_assignment(s, REF_GRID_MDS, x->mds, m->commune, from, to, e) ||
                write_assignment(s, REF_GRID_MDADT, x->mdadt, m->commune, from, to, e))
                return -1;
            st->assignments += 3;
        }
    }
    for (size_t i = 0; i < d->nfacts; i++) {
        const struct fact_row *f = &d->facts[i];
        struct store_stmt *q = store_prepare(
            s,
            "INSERT INTO ref_area_fact(grid, area, fact, as_of, value, scale, source) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            e);
        if (!q)
            return -1;
        store_bind_text(q, 1, f->grid);
        store_bind_text(q, 2, f->area);
        store_bind_text(q, 3, f->fact);
        store_bind_text(q, 4, f->date);
        store_bind_int64(q, 5, f->value);
        store_bind_int64(q, 6, f->scale);
        store_bind_text(q, 7, f->source);
        if (store_step_done(q, e))
            return -1;
    }
    if (EXEC(s, "INSERT INTO ref_source(name, version, licence, origin) VALUES (?, ?, ?, ?)", e,
             "decoupage-administratif", d->versions, "Licence Ouverte 2.0 (données), MIT (paquet)",
             "npm @etalab/decoupage-administratif, un millésime par année") ||
        EXEC(s, "INSERT INTO ref_source(name, version, licence, origin) VALUES (?, ?, ?, ?)", e,
             "referentiel", d->digest, "voir data/ref/SOURCES.md", "data/ref/"))
        return -1;
    (void)a;
    return 0;
}

static bool already_loaded(struct store *s, const char *digest, struct err *e)
{
    struct store_stmt *q =
        store_prepare(s, "SELECT version FROM ref_source WHERE name = 'referentiel'", e);
    bool same = false;

    if (!q)
        return false;
    if (store_step(q, e) == STORE_ROW)
        same = !strcmp(store_column_text(q, 0), digest);
    store_finalize(q);
    return same;
}

static char *load_payload(const struct ref_data *d, const struct ref_load_stats *st)
{
    json_t *files = json_object();
    json_t *o;
    char *text;

    for (int f = 0; f < RF__COUNT; f++)
        json_object_set_new(files, ref_file_names[f], json_string(d->file_digest[f]));
    o = json_pack("{s:s, s:s, s:o, s:I, s:I, s:I, s:I, s:I}", "digest", d->digest, "versions",
                  d->versions, "files", files, "communes", (json_int_t)st->communes, "epci",
                  (json_int_t)st->epci, "memberships", (json_int_t)st->memberships,
                  "assignments", (json_int_t)st->assignments, "facts", (json_int_t)st->facts);
    text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    if (!text)
        die_nomem(0);
    return text;
}

int ref_load(struct store *s, const char *data_dir, const char *actor,
             struct ref_load_stats *stats, struct err *e)
{
    struct arena a;
    struct ref_data d;
    struct ref_load_stats st = {0};
    int rc = -1;

    if (sodium_init() < 0)
        return err_set(e, ERR_INTERNAL, "initialisation de libsodium impossible");
    memset(&d, 0, sizeof(d));
    arena_init(&a, 0);
    if (read_all(&a, data_dir, &d, e) != 0)
        goto out;
    st.communes = (int64_t)d.ncommunes;
    st.epci = (int64_t)d.nepci;
    st.memberships = (int64_t)d.nmembers;
    st.facts = (int64_t)d.nfacts;
    if (store_begin(s, e) != 0)
        goto out;
    if (already_loaded(s, d.digest, e)) {
        store_rollback(s);
        st.unchanged = true;
        rc = 0;
        goto out;
    }
    if (e->code != ERR_OK || write_all(s, &a, &d, &st, e) != 0) {
        store_rollback(s);
        goto out;
    }
    {
        char *payload = load_payload(&d, &st);
        struct journal_event ev = {
            .type = "ref.loaded",
            .actor = actor,
            .subject = "referentiel",
            .reason = "chargement du référentiel territorial",
            .payload = payload,
        };
        int jrc = journal_append(s, &ev, NULL, e);
        json_text_free(payload);
        if (jrc != 0) {
            store_rollback(s);
            goto out;
        }
    }
    if (store_commit(s, e) != 0) {
        store_rollback(s);
        goto out;
    }
    rc = 0;
out:
    if (stats)
        *stats = st;
    arena_release(&a);
    return rc;
}
