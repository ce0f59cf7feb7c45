/*
 * people.c: where the generator's persons live and who they are. The MDS of
 * the reference table and their communes (the referential's mds grid, valid
 * the whole year, weighted by population), the name lists of
 * data/generateur/, and the creation of persons and families (household,
 * members and roles) and of moves, through the case engine's operations.
 * The generator keeps a small record of each person and household (birth,
 * sex, commune, MDS) so that later plans pick beneficiaries that fit a
 * dispositif's rules without asking the database.
 */
#include "core/compat.h"
#include "gen/gen_int.h"

#include "core/csv.h"
#include "core/file.h"
#include "core/strbuf.h"

/* ---- referential ------------------------------------------------------------ */

int gen_geo_load(struct gen *g)
{
    char y0[DATE_ISO_LEN], y1[DATE_ISO_LEN];
    struct store_stmt *q;
    size_t cap = 0;
    int rc;

    date_format_iso(g->y0, y0);
    date_format_iso(g->y1, y1);
    /* communes of each MDS for the whole year, with their population that year */
    q = store_prepare(g->c->store,
                      "SELECT a.area, a.commune, c.name, COALESCE(c.population, 0) "
                      "FROM ref_assignment a JOIN ref_commune c ON c.code = a.commune "
                      "AND c.valid_from <= ?1 AND (c.valid_to IS NULL OR c.valid_to >= ?1) "
                      "WHERE a.grid = 'mds' AND a.valid_from <= ?1 "
                      "AND (a.valid_to IS NULL OR a.valid_to >= ?2) ORDER BY a.area, a.commune",
                      g->e);
    if (!q)
        return gen_fail_op(g, "référentiel");
    store_bind_text(q, 1, y0);
    store_bind_text(q, 2, y1);
    while ((rc = store_step(q, g->e)) == STORE_ROW) {
        const char *area = store_column_text(q, 0);
        int m = -1;
        for (int i = 0; i < g->nmds; i++)
            if (!strcmp(g->mds[i].code, area))
                m = i;
        if (m < 0)
            continue;
        if (g->ncommunes == cap) {
            struct gen_commune *grown;
            cap = cap ? 2 * cap : 1024;
            grown = arena_calloc(g->a, cap, sizeof(*grown));
            if (g->ncommunes)
                memcpy(grown, g->communes, g->ncommunes * sizeof(*grown));
            g->communes = grown;
        }
        g->communes[g->ncommunes].code = arena_strdup(g->a, store_column_text(q, 1));
        g->communes[g->ncommunes].name = arena_strdup(g->a, store_column_text(q, 2));
        g->communes[g->ncommunes].population = store_column_int64(q, 3);
        g->communes[g->ncommunes].mds = m;
        g->ncommunes++;
    }
    store_finalize(q);
    if (rc < 0)
        return gen_fail_op(g, "référentiel");
    for (int m = 0; m < g->nmds; m++) {
        struct gen_mds *d = &g->mds[m];
        size_t n = 0;
        for (size_t i = 0; i < g->ncommunes; i++)
            n += g->communes[i].mds == m;
        if (n == 0)
            return gen_fail(g,
                            "la MDS « %s » de la table de référence n'a aucune commune dans le "
                            "référentiel en %d",
                            d->code, g->year);
        d->communes = arena_calloc(g->a, n, sizeof(*d->communes));
        d->cumul = arena_calloc(g->a, n, sizeof(*d->cumul));
        for (size_t i = 0; i < g->ncommunes; i++) {
            if (g->communes[i].mds != m)
                continue;
            /* a commune without known population still gets a few inhabitants */
            d->population += g->communes[i].population > 0 ? g->communes[i].population : 50;
            d->communes[d->ncommunes] = i;
            d->cumul[d->ncommunes++] = d->population;
        }
    }
    return 0;
}

int32_t gen_commune_pick(struct gen *g, struct gen_rng *r, int m)
{
    const struct gen_mds *d = &g->mds[m];

    return (int32_t)d->communes[gen_rng_cumul(r, d->cumul, d->ncommunes)];
}

int gen_mds_pick(struct gen *g, struct gen_rng *r)
{
    int64_t w[GEN_MAX_MDS];

    for (int m = 0; m < g->nmds; m++)
        w[m] = g->mds[m].population;
    return (int)gen_rng_weighted(r, w, (size_t)g->nmds);
}

const char *gen_site(const struct gen *g, int m)
{
    return m >= 0 && m < g->nmds ? g->mds[m].site : "central:dsol";
}

/* ---- names ------------------------------------------------------------------- */

static int period_of(const char *s)
{
    static const char *const periods[] = {"ancien", "median", "recent", "enfant"};

    for (int i = 0; i < 4; i++)
        if (!strcmp(s, periods[i]))
            return i;
    return -1;
}

/* Lines of a text file (one entry each, '#' comments), into an arena array. */
static int read_lines(struct gen *g, const char *name, const char ***out, size_t *n)
{
    const char *path = arena_printf(g->a, "%s/generateur/%s", g->o->data_dir, name);
    struct strbuf sb;
    size_t cap = 0;
    char *p, *end;

    strbuf_init(&sb, 1 << 20);
    if (file_read_all(path, &sb, 1 << 20, g->e) != 0) {
        strbuf_release(&sb);
        g->failed = true;
        return -1;
    }
    *n = 0;
    for (p = sb.buf; p < sb.buf + sb.len; p = end + 1) {
        size_t len;
        end = strchr(p, '\n');
        if (!end)
            end = sb.buf + sb.len;
        len = (size_t)(end - p);
        while (len && (p[len - 1] == '\r' || p[len - 1] == ' '))
            len--;
        if (len == 0 || p[0] == '#')
            continue;
        if (*n == cap) {
            const char **grown;
            cap = cap ? 2 * cap : 128;
            grown = arena_calloc(g->a, cap, sizeof(*grown));
            if (*n)
                memcpy(grown, *out, *n * sizeof(*grown));
            *out = grown;
        }
        (*out)[(*n)++] = arena_strndup(g->a, p, len);
    }
    strbuf_release(&sb);
    if (*n == 0)
        return gen_fail(g, "fichier %s vide", path);
    return 0;
}

int gen_names_load(struct gen *g)
{
    static const char *const cols[] = {"prenom", "sexe", "periode"};
    const char *path = arena_printf(g->a, "%s/generateur/prenoms.csv", g->o->data_dir);
    struct strbuf sb;
    struct csv_reader r;
    int idx[3], rc;
    size_t cap[2][4] = {{0}};

    if (read_lines(g, "noms.txt", &g->names.last, &g->names.nlast) != 0 ||
        read_lines(g, "voies.txt", &g->names.streets, &g->names.nstreets) != 0)
        return -1;
    strbuf_init(&sb, 1 << 20);
    if (file_read_all(path, &sb, 1 << 20, g->e) != 0) {
        strbuf_release(&sb);
        g->failed = true;
        return -1;
    }
    csv_reader_init(&r, path, sb.buf, sb.len, ',');
    if (csv_read_record(&r, g->e) != 1 || csv_header_map(&r, cols, 3, idx, g->e) != 0)
        goto fail;
    while ((rc = csv_read_record(&r, g->e)) == 1) {
        const char *sex = csv_field_str(&r, (size_t)idx[1]);
        int s = !strcmp(sex, "F") ? 0 : !strcmp(sex, "M") ? 1 : -1;
        int p = period_of(csv_field_str(&r, (size_t)idx[2]));
        const char ***list;
        if (s < 0 || p < 0) {
            err_set(g->e, ERR_INVALID, "%s, ligne %zu : sexe F/M et période attendus", path,
                    r.line);
            goto fail;
        }
        list = &g->names.first[s][p];
        if (g->names.nfirst[s][p] == cap[s][p]) {
            const char **grown;
            cap[s][p] = cap[s][p] ? 2 * cap[s][p] : 32;
            grown = arena_calloc(g->a, cap[s][p], sizeof(*grown));
            if (g->names.nfirst[s][p])
                memcpy(grown, *list, g->names.nfirst[s][p] * sizeof(*grown));
            *list = grown;
        }
        (*list)[g->names.nfirst[s][p]++] = arena_strdup(g->a, csv_field_str(&r, (size_t)idx[0]));
    }
    if (rc < 0)
        goto fail;
    for (int s = 0; s < 2; s++)
        for (int p = 0; p < 4; p++)
            if (g->names.nfirst[s][p] == 0) {
                err_set(g->e, ERR_INVALID, "%s : aucun prénom %s pour une des périodes", path,
                        s ? "masculin" : "féminin");
                goto fail;
            }
    csv_reader_release(&r);
    strbuf_release(&sb);
    return 0;
fail:
    g->failed = true;
    csv_reader_release(&r);
    strbuf_release(&sb);
    return -1;
}

static int birth_period(date_t birth)
{
    int y, m, d;

    date_to_ymd(birth, &y, &m, &d);
    return y < 1955 ? 0 : y < 1985 ? 1 : y < 2005 ? 2 : 3;
}

/* ---- persons ----------------------------------------------------------------- */

static int32_t person_slot(struct gen *g)
{
    if (g->npersons + 1 >= g->cap_persons) {
        size_t cap = g->cap_persons ? 2 * g->cap_persons : 65536;
        struct gen_person *grown = realloc(g->persons, cap * sizeof(*grown));
        if (!grown)
            die_nomem(cap * sizeof(*grown));
        memset(grown + g->cap_persons, 0, (cap - g->cap_persons) * sizeof(*grown));
        g->persons = grown;
        g->cap_persons = cap;
        if (g->npersons == 0)
            g->npersons = 1; /* entry 0 is "no person" */
    }
    return (int32_t)g->npersons++;
}

int32_t gen_person_new(struct gen *g, struct gen_rng *r, char sex, date_t birth, int m,
                       int32_t commune, date_t known, int last, const char *caf,
                       const char *caf_role)
{
    struct case_person_input in = {0};
    char id[16], birth_iso[DATE_ISO_LEN], known_iso[DATE_ISO_LEN];
    const char *got;
    struct gen_person *p;
    int32_t n;
    int s, per;

    if (g->failed)
        return 0;
    if (!sex)
        sex = gen_rng_pct(r, 50) ? 'F' : 'M';
    if (commune < 0)
        commune = gen_commune_pick(g, r, m);
    known = gen_max(gen_max(known, g->y0), birth);
    s = sex == 'F' ? 0 : 1;
    per = birth_period(birth);
    n = person_slot(g);
    p = &g->persons[n];
    p->birth = birth;
    p->known = known;
    p->commune = commune;
    p->mds = (int16_t)g->communes[commune].mds;
    p->sex = sex;
    p->first = (uint16_t)gen_rng_range(r, 0, (int64_t)g->names.nfirst[s][per] - 1);
    p->last = (uint16_t)(last >= 0 ? last : gen_rng_range(r, 0, (int64_t)g->names.nlast - 1));
    date_format_iso(birth, birth_iso);
    date_format_iso(known, known_iso);
    in.id = gen_id('P', n, id);
    in.last_name = g->names.last[p->last];
    in.first_name = g->names.first[s][per][p->first];
    in.birth_date = birth_iso;
    in.sex = sex == 'F' ? "F" : "M";
    in.commune = g->communes[commune].code;
    {
        int number = (int)gen_rng_range(r, 1, 120);
        const char *street = g->names.streets[gen_rng_range(r, 0, (int64_t)g->names.nstreets - 1)];
        in.address = arena_printf(g->c->arena, "%d %s", number, street);
    }
    in.caf_number = caf;
    in.caf_role = caf ? caf_role : NULL;
    in.date = known_iso;
    if (case_person_create(g->c, &in, &got, g->e) != 0) {
        gen_fail_op(g, arena_printf(g->c->arena, "personne %s", id));
        return 0;
    }
    return gen_tick(g, 1) == 0 ? n : 0;
}

static int32_t household_slot(struct gen *g)
{
    if (g->nhouseholds + 1 >= g->cap_households) {
        size_t cap = g->cap_households ? 2 * g->cap_households : 32768;
        struct gen_household *grown = realloc(g->households, cap * sizeof(*grown));
        if (!grown)
            die_nomem(cap * sizeof(*grown));
        memset(grown + g->cap_households, 0, (cap - g->cap_households) * sizeof(*grown));
        g->households = grown;
        g->cap_households = cap;
        if (g->nhouseholds == 0)
            g->nhouseholds = 1;
    }
    return (int32_t)g->nhouseholds++;
}

static int member_add(struct gen *g, int32_t h, int32_t p, const char *role, date_t day)
{
    char hid[16], pid[16], iso[DATE_ISO_LEN];

    if (g->failed)
        return -1;
    date_format_iso(day, iso);
    if (case_household_add(g->c, gen_id('F', h, hid), gen_id('P', p, pid), role, iso, g->e) != 0)
        return gen_fail_op(g, arena_printf(g->c->arena, "foyer %s, membre %s", hid, pid));
    g->persons[p].household = h;
    return gen_tick(g, 1);
}

int32_t gen_family_new(struct gen *g, struct gen_rng *r, const struct gen_family_spec *f)
{
    char hid[16], iso[DATE_ISO_LEN];
    const char *got;
    date_t head_birth, partner_birth = 0, formed, adult;
    int32_t h, head, partner = 0, commune;
    char sex = f->head_sex ? f->head_sex : (gen_rng_pct(r, 50) ? 'F' : 'M');
    int last = (int)gen_rng_range(r, 0, (int64_t)g->names.nlast - 1);
    struct gen_household *hh;

    if (g->failed)
        return 0;
    commune = f->commune >= 0 ? f->commune : gen_commune_pick(g, r, f->mds);
    head_birth = gen_birth(r, g->mid, f->head_age_lo, f->head_age_hi);
    if (f->couple)
        partner_birth = gen_birth(r, head_birth + 365 * 3, 0, 8);
    {
        int y, m, d;
        date_to_ymd(gen_max(head_birth, f->couple ? partner_birth : head_birth), &y, &m, &d);
        adult = gen_ymd(y + 18, m, d);
    }
    formed = gen_max(f->formed, adult);
    if (formed > g->y1)
        formed = g->y1;
    h = household_slot(g);
    hh = &g->households[h];
    hh->formed = formed;
    hh->mds = (int16_t)f->mds;
    date_format_iso(formed, iso);
    if (case_household_create(g->c, gen_id('F', h, hid),
                              arena_printf(g->c->arena, "Foyer %s", g->names.last[last]), iso, &got,
                              g->e) != 0) {
        gen_fail_op(g, arena_printf(g->c->arena, "foyer %s", hid));
        return 0;
    }
    if (gen_tick(g, 1) != 0)
        return 0;
    head =
        gen_person_new(g, r, sex, head_birth, f->mds, commune, f->known, last, f->caf, "demandeur");
    if (f->couple)
        partner = gen_person_new(g, r, sex == 'F' ? 'M' : 'F', partner_birth, f->mds, commune,
                                 f->known, last, f->caf, "conjoint");
    hh = &g->households[h];
    hh->head = head;
    hh->partner = partner;
    if (member_add(g, h, head, "demandeur", formed) != 0 ||
        (partner && member_add(g, h, partner, "conjoint", formed) != 0))
        return 0;
    for (int i = 0; i < f->nchildren; i++) {
        /* a child is born after the parent's eighteenth birthday */
        int y, m, d;
        date_t birth = gen_birth(r, g->mid, f->child_age_lo, f->child_age_hi), min_birth;
        int32_t c;
        date_to_ymd(head_birth, &y, &m, &d);
        min_birth = gen_ymd(y + 18, m, d);
        if (birth < min_birth)
            birth = (date_t)gen_rng_range(r, min_birth,
                                          gen_max(min_birth, g->mid - 366 * f->child_age_lo));
        c = gen_person_new(g, r, 0, birth, f->mds, commune, f->known, last, NULL, NULL);
        if (!c || member_add(g, h, c, "enfant", gen_max(formed, birth)) != 0)
            return 0;
        hh = &g->households[h];
        if (i == 0)
            hh->first_child = c;
        hh->nchildren++;
    }
    return g->failed ? 0 : h;
}

int gen_move(struct gen *g, struct gen_rng *r, int32_t h, int32_t p, int32_t commune, date_t day)
{
    int32_t who[40];
    size_t n = 0;
    char iso[DATE_ISO_LEN], pid[16], address[160];

    if (g->failed)
        return -1;
    if (h) {
        struct gen_household *hh = &g->households[h];
        who[n++] = hh->head;
        if (hh->partner)
            who[n++] = hh->partner;
        for (int i = 0; i < hh->nchildren && n < ARRAY_SIZE(who); i++)
            who[n++] = hh->first_child + i;
        hh->mds = (int16_t)g->communes[commune].mds;
    } else {
        who[n++] = p;
    }
    date_format_iso(day, iso);
    /* a local copy: a commit between two members clears the operations' arena */
    {
        int number = (int)gen_rng_range(r, 1, 120);
        const char *street = g->names.streets[gen_rng_range(r, 0, (int64_t)g->names.nstreets - 1)];
        snprintf(address, sizeof(address), "%d %s", number, street);
    }
    for (size_t i = 0; i < n; i++) {
        /* a member recorded after the move already lives at the new address */
        if (g->persons[who[i]].known >= day)
            continue;
        if (case_person_move(g->c, gen_id('P', who[i], pid), g->communes[commune].code, address,
                             iso, g->e) != 0)
            return gen_fail_op(g, arena_printf(g->c->arena, "déménagement de %s", pid));
        g->persons[who[i]].commune = commune;
        g->persons[who[i]].mds = (int16_t)g->communes[commune].mds;
        if (gen_tick(g, 1) != 0)
            return -1;
    }
    return 0;
}

const char *gen_person_name(struct gen *g, int32_t p)
{
    const struct gen_person *x = &g->persons[p];
    int s = x->sex == 'F' ? 0 : 1;

    return arena_printf(g->c->arena, "%s %s", g->names.first[s][birth_period(x->birth)][x->first],
                        g->names.last[x->last]);
}

const char *gen_random_name(struct gen *g, struct gen_rng *r, char sex)
{
    int s = sex == 'F' ? 0 : 1, per = (int)gen_rng_range(r, 1, 2);
    const char *first =
        g->names.first[s][per][gen_rng_range(r, 0, (int64_t)g->names.nfirst[s][per] - 1)];
    const char *last = g->names.last[gen_rng_range(r, 0, (int64_t)g->names.nlast - 1)];

    return arena_printf(g->a, "%s %s %s", s ? "M." : "Mme", first, last);
}

/*
 * Formed and known to the Département by day (the persons recorded on the
 * year's first day were taken over from the previous system: known before
 * it), not taken, with children if asked.
 */
static bool usable(struct gen *g, const struct gen_household *hh, date_t day, uint8_t avoid,
                   bool with_children)
{
    return hh->formed <= day && g->persons[hh->head].known <= gen_max(day, g->y0) &&
           !(hh->flags & avoid) && (!with_children || hh->nchildren);
}

int32_t gen_pool_pick(struct gen *g, struct gen_rng *r, int m, date_t day, uint8_t avoid,
                      bool with_children)
{
    const struct gen_vec *v = &g->pool[m];
    size_t start;

    if (v->n == 0)
        return 0;
    for (int tries = 0; tries < 24; tries++) {
        int32_t h = v->v[gen_rng_range(r, 0, (int64_t)v->n - 1)];
        const struct gen_household *hh = &g->households[h];
        if (usable(g, hh, day, avoid, with_children))
            return h;
    }
    start = (size_t)gen_rng_range(r, 0, (int64_t)v->n - 1);
    for (size_t k = 0; k < v->n; k++) {
        int32_t h = v->v[(start + k) % v->n];
        const struct gen_household *hh = &g->households[h];
        if (usable(g, hh, day, avoid, with_children))
            return h;
    }
    return 0;
}
