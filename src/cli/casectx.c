/*
 * casectx.c: what every CLI command of the case layer starts with: the case
 * context (store, catalogue, the agent given by --as), the transaction
 * around one operation, and the parsing of options, dates, amounts and
 * facts as French users type them. Output helpers are in caseprint.c.
 */
#include "core/compat.h"
#include "cli/casecli.h"

#include "access/access.h"
#include "case/run.h"
#include "catalog/catalog.h"
#include "core/date.h"
#include "core/money.h"
#include "core/strbuf.h"

int cli_case_ctx(struct cli_ctx *c, struct case_ctx *cc, struct catalog *cat, struct access_user *u,
                 bool allow_system)
{
    struct store *s;

    memset(cc, 0, sizeof(*cc));
    memset(cat, 0, sizeof(*cat));
    memset(u, 0, sizeof(*u));
    if (!c->as_login && !allow_system) {
        err_set(&c->err, ERR_USAGE,
                "agent non précisé : cette commande agit pour un agent, "
                "dont les droits s'appliquent");
        return err_hint(&c->err, "ajoutez --as IDENTIFIANT avant la commande "
                                 "(proxima --as jean.dupont ...) ou définissez PROXIMA_USER");
    }
    s = cli_open_store(c, true);
    if (!s)
        return -1;
    if (c->as_login) {
        if (access_user_load(s, &c->arena, c->as_login, u, &c->err) != 0) {
            if (c->err.code == ERR_NOT_FOUND) {
                err_set(&c->err, ERR_UNAUTHENTICATED, "agent inconnu : « %s » (--as)", c->as_login);
                err_hint(&c->err, "« proxima user list » liste les agents");
            }
            return -1;
        }
        if (!u->active) {
            err_set(&c->err, ERR_UNAUTHENTICATED, "le compte de l'agent %s est désactivé",
                    c->as_login);
            return err_hint(&c->err, "un administrateur peut créer un autre compte");
        }
    }
    if (catalog_load(cat, cli_data_path(c, "catalogue"), &c->err) != 0) {
        err_prefix(&c->err, "chargement du catalogue : ");
        memset(cat, 0, sizeof(*cat));
        return -1;
    }
    cc->store = s;
    cc->cat = cat;
    cc->arena = &c->arena;
    cc->user = c->as_login ? u : NULL;
    cc->actor = c->as_login ? u->login : "system";
    cc->today = paris_today();
    return 0;
}

int cli_case_open(struct cli_ctx *c, struct cli_case *k, bool allow_system)
{
    return cli_case_ctx(c, &k->cc, &k->cat, &k->u, allow_system);
}

int cli_case_close(struct cli_case *k, int rc)
{
    catalog_release(&k->cat);
    return rc;
}

int cli_case_run(struct cli_ctx *c, struct case_ctx *cc,
                 int (*fn)(struct case_ctx *cc, void *arg, struct err *e), void *arg)
{
    return case_run(cc, fn, arg, &c->err);
}

/* ---- options ---- */

void cli_list_add(struct cli_ctx *c, struct cli_list *l, const char *v)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 8;
        const char **grown = arena_calloc(&c->arena, cap, sizeof(*grown));
        if (l->n)
            memcpy(grown, l->v, l->n * sizeof(*grown));
        l->v = grown;
        l->cap = cap;
    }
    l->v[l->n++] = v;
}

int cli_parse(struct cli_ctx *c, int argc, char **argv, int start, const char *usage,
              const struct cli_optdef *defs, size_t ndefs, const char **pos, size_t minpos,
              size_t maxpos, size_t *npos)
{
    size_t k = 0;
    bool options = true;

    for (int i = start; i < argc; i++) {
        const char *a = argv[i];
        bool matched = false;

        if (options && !strcmp(a, "--")) {
            options = false;
            continue;
        }
        if (options && a[0] == '-' && a[1] == '-') {
            for (size_t d = 0; d < ndefs && !matched; d++) {
                const char *v = NULL;
                if (defs[d].kind == CLI_OPT_FLAG) {
                    if (strcmp(a, defs[d].name) != 0)
                        continue;
                    *(bool *)defs[d].dest = true;
                    matched = true;
                    continue;
                }
                if (!cli_opt(c, argc, argv, &i, defs[d].name, &v))
                    continue;
                matched = true;
                if (!v)
                    return cli_usage(c, usage, "l'option %s attend une valeur", defs[d].name);
                if (defs[d].kind == CLI_OPT_ONE) {
                    const char **one = defs[d].dest;
                    if (*one)
                        return cli_usage(c, usage, "option %s donnée deux fois", defs[d].name);
                    *one = v;
                } else {
                    cli_list_add(c, defs[d].dest, v);
                }
            }
            if (!matched)
                return cli_usage(c, usage, "option inconnue : %s", a);
            continue;
        }
        if (k >= maxpos)
            return cli_usage(c, usage, "argument inattendu : %s", a);
        pos[k++] = a;
    }
    if (k < minpos)
        return cli_usage(c, usage, "argument manquant");
    if (npos)
        *npos = k;
    return 0;
}

/* ---- values ---- */

int cli_date_iso(struct cli_ctx *c, const char *opt, const char *v, const char **iso)
{
    char out[DATE_ISO_LEN];
    date_t day;
    int rc;

    *iso = NULL;
    if (!v)
        return 0;
    if (strchr(v, '/'))
        rc = date_parse_fr(v, strlen(v), &day, &c->err);
    else
        rc = date_parse_iso(v, strlen(v), &day, &c->err);
    if (rc != 0) {
        err_prefix(&c->err, "%s : ", opt);
        return err_hint(&c->err, "écrivez la date AAAA-MM-JJ ou JJ/MM/AAAA");
    }
    date_format_iso(day, out);
    *iso = arena_strdup(&c->arena, out);
    return 0;
}

const char *cli_money(struct cli_ctx *c, int64_t cents)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, 64);
    money_format(&sb, cents);
    r = arena_strdup(&c->arena, sb.buf);
    strbuf_release(&sb);
    return r;
}

const char *cli_date_fr(struct cli_ctx *c, const char *iso)
{
    char out[DATE_ISO_LEN];
    struct err ignore;
    date_t day;

    if (!iso || !*iso)
        return "";
    err_clear(&ignore);
    if (date_parse_iso(iso, strlen(iso), &day, &ignore) != 0)
        return iso;
    date_format_fr(day, out);
    return arena_strdup(&c->arena, out);
}

const struct catalog_dispositif *cli_dispositif(struct cli_ctx *c, const struct catalog *cat,
                                                const char *code)
{
    const struct catalog_dispositif *d = catalog_find(cat, code);

    if (!d) {
        err_set(&c->err, ERR_NOT_FOUND, "dispositif inconnu : « %s »", code);
        err_hint(&c->err, "« proxima catalogue list » liste les dispositifs et leurs codes");
    }
    return d;
}

static int fact_value_error(struct cli_ctx *c, const struct catalog_fact *f, const char *v,
                            const char *expected)
{
    err_set(&c->err, ERR_INVALID, "fait « %s » (%s) : valeur « %s » invalide, %s attendu", f->code,
            f->label, v, expected);
    return err_hint(&c->err, "--fait %s=VALEUR", f->code);
}

/* The known facts of d, for hints: "montant_demande, besoin, ...". */
static const char *fact_codes(struct cli_ctx *c, const struct catalog_dispositif *d)
{
    struct strbuf sb;
    const char *r;

    strbuf_init(&sb, ERR_HINT_MAX - 64);
    for (size_t i = 0; i < d->nfacts; i++) {
        if (i)
            strbuf_addstr(&sb, ", ");
        strbuf_addstr(&sb, d->facts[i].code);
    }
    r = arena_strdup(&c->arena, sb.buf);
    strbuf_release(&sb);
    return r;
}

static json_t *fact_value(struct cli_ctx *c, const struct catalog_fact *f, const char *v)
{
    struct err sub;

    err_clear(&sub);
    switch (f->type) {
    case RULES_BOOL:
        if (!strcmp(v, "vrai") || !strcmp(v, "oui"))
            return json_true();
        if (!strcmp(v, "faux") || !strcmp(v, "non"))
            return json_false();
        fact_value_error(c, f, v, "vrai ou faux");
        return NULL;
    case RULES_INT: {
        int64_t n;
        if (parse_int64(v, strlen(v), &n) != 0) {
            fact_value_error(c, f, v, "un nombre entier");
            return NULL;
        }
        return json_integer((json_int_t)n);
    }
    case RULES_MONEY: {
        int64_t cents;
        struct strbuf sb;
        json_t *j;
        if (money_parse(v, strlen(v), &cents, &sub) != 0) {
            fact_value_error(c, f, v, "un montant en euros (ex. 150,00)");
            return NULL;
        }
        strbuf_init(&sb, 64);
        money_format_plain(&sb, cents);
        j = json_string(sb.buf);
        strbuf_release(&sb);
        return j;
    }
    case RULES_DATE: {
        const char *iso;
        if (cli_date_iso(c, f->code, v, &iso) != 0) {
            fact_value_error(c, f, v, "une date AAAA-MM-JJ ou JJ/MM/AAAA");
            return NULL;
        }
        return json_string(iso);
    }
    case RULES_TEXT:
        return json_string(v);
    default:
        err_set(&c->err, ERR_INTERNAL, "fait « %s » : type non pris en charge", f->code);
        return NULL;
    }
}

int cli_facts_parse(struct cli_ctx *c, const struct catalog_dispositif *d,
                    const struct cli_list *facts, json_t **out)
{
    json_t *o;

    *out = NULL;
    if (!facts || facts->n == 0)
        return 0;
    o = json_object();
    for (size_t i = 0; i < facts->n; i++) {
        const char *arg = facts->v[i], *eq = strchr(arg, '=');
        const struct catalog_fact *f;
        const char *code;
        json_t *v;

        if (!eq || eq == arg) {
            json_decref(o);
            err_set(&c->err, ERR_USAGE, "--fait « %s » : attendu CODE=VALEUR", arg);
            return err_hint(&c->err,
                            "ex. --fait montant_demande=150,00 ; faits du dispositif "
                            "%s : %s",
                            d->code, fact_codes(c, d));
        }
        code = arena_strndup(&c->arena, arg, (size_t)(eq - arg));
        f = catalog_fact(d, code);
        if (!f) {
            json_decref(o);
            err_set(&c->err, ERR_INVALID, "fait inconnu pour le dispositif %s : « %s »", d->code,
                    code);
            return err_hint(&c->err, "faits du dispositif %s : %s", d->code, fact_codes(c, d));
        }
        if (json_object_get(o, code)) {
            json_decref(o);
            return err_set(&c->err, ERR_USAGE, "fait « %s » donné deux fois", code);
        }
        v = fact_value(c, f, eq + 1);
        if (!v) {
            json_decref(o);
            return -1;
        }
        json_object_set_new(o, code, v);
    }
    *out = o;
    return 0;
}
