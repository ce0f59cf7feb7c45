/*
 * person_check.c: the identity checks of persons and organisations (NIR,
 * SIRET, RNA, names, phone, e-mail) and the small store helpers shared by
 * person.c and household.c. The checks are pure, so the apply functions
 * (which replay and import call too) and the unit tests use them alike.
 */
#include "core/compat.h"
#include "case/person_int.h"

#include "core/strbuf.h"
#include "core/utf8.h"
#include "ref/ref.h"

#define NIR_LEN 15

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Set an error whose message ends with the faulty value, quoted (escaped, cut when long). */
static int err_value(struct err *e, enum err_code code, const char *what, const char *value,
                     const char *hint)
{
    struct strbuf q;

    strbuf_init(&q, 256);
    utf8_quote(&q, value, strlen(value));
    err_set(e, code, "%s %s", what, q.buf);
    strbuf_release(&q);
    if (hint)
        err_hint(e, "%s", hint);
    return -1;
}

/* ---- NIR ---- */

const char *person_nir_normalize(struct arena *a, const char *nir)
{
    size_t n = strlen(nir), k = 0;
    char *out = arena_alloc(a, n + 1);

    for (size_t i = 0; i < n; i++) {
        char ch = nir[i];
        if (ch == ' ' || ch == '.' || ch == '-')
            continue;
        if (ch == 'a' || ch == 'b')
            ch = (char)(ch - 'a' + 'A');
        out[k++] = ch;
    }
    out[k] = '\0';
    return out;
}

/* Two digits at s as an int (the caller checked they are digits). */
static int two(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static const char nir_hint[] =
    "un NIR compte 15 caractères : 13 chiffres (sexe, année, mois, département, commune, "
    "rang) puis la clé de 2 chiffres ; vérifiez-le sur la carte Vitale ou l'attestation "
    "de droits";

int person_nir_check(const char *nir, const char *sex, const date_t *birth, struct err *e)
{
    size_t n = strlen(nir);
    int64_t number = 0;
    int key, month;
    bool corsica;

    if (n != NIR_LEN) {
        err_value(e, ERR_INVALID, "NIR invalide :", nir, nir_hint);
        return err_detail(e, "15 caractères attendus, %zu reçus", n);
    }
    corsica = nir[5] == '2' && (nir[6] == 'A' || nir[6] == 'B');
    for (size_t i = 0; i < n; i++) {
        if (is_digit(nir[i]) || (corsica && i == 6))
            continue;
        err_value(e, ERR_INVALID, "NIR invalide :", nir,
                  "seuls des chiffres sont permis, et 2A ou 2B comme département (Corse) "
                  "aux 6e et 7e caractères");
        return err_detail(e, "caractère inattendu en position %zu", i + 1);
    }
    for (size_t i = 0; i < 13; i++) {
        int d = nir[i] - '0';
        if (corsica && i == 5)
            d = 1; /* 2A -> 19, 2B -> 18 */
        else if (corsica && i == 6)
            d = nir[6] == 'A' ? 9 : 8;
        number = number * 10 + d;
    }
    key = 97 - (int)(number % 97);
    if (two(nir + 13) != key) {
        err_value(e, ERR_INVALID, "NIR invalide (clé incorrecte) :", nir, nir_hint);
        return err_detail(e, "clé %.2s, la clé calculée pour ce numéro est %02d", nir + 13, key);
    }
    if (nir[0] != '1' && nir[0] != '2' && nir[0] != '7' && nir[0] != '8') {
        err_value(e, ERR_INVALID, "NIR invalide :", nir,
                  "le premier chiffre est 1 (homme) ou 2 (femme), 7 ou 8 pour un numéro "
                  "provisoire");
        return err_detail(e, "premier chiffre %c", nir[0]);
    }
    if (sex) {
        bool man = nir[0] == '1' || nir[0] == '7';
        if (man != !strcmp(sex, "M")) {
            err_value(e, ERR_INVALID, "NIR incohérent avec le sexe :", nir,
                      "le premier chiffre du NIR est 1 ou 7 pour un homme, 2 ou 8 pour une "
                      "femme : vérifiez le sexe et le NIR");
            return err_detail(e, "premier chiffre %c, sexe %s", nir[0], sex);
        }
    }
    month = two(nir + 3);
    if (month == 0 || (month > 12 && month < 20) || (month > 20 && month < 30) ||
        (month > 42 && month < 50)) {
        err_value(e, ERR_INVALID, "NIR invalide :", nir, nir_hint);
        return err_detail(e, "mois de naissance %.2s impossible", nir + 3);
    }
    if (birth) {
        int y, m, d;
        date_to_ymd(*birth, &y, &m, &d);
        (void)d;
        if (two(nir + 1) != y % 100) {
            err_value(e, ERR_INVALID, "NIR incohérent avec la date de naissance :", nir,
                      "les 2e et 3e chiffres du NIR sont l'année de naissance : vérifiez la "
                      "date de naissance et le NIR");
            return err_detail(e, "année %.2s dans le NIR, naissance en %04d", nir + 1, y);
        }
        if (month >= 1 && month <= 12 && month != m) {
            err_value(e, ERR_INVALID, "NIR incohérent avec la date de naissance :", nir,
                      "les 4e et 5e chiffres du NIR sont le mois de naissance : vérifiez la "
                      "date de naissance et le NIR");
            return err_detail(e, "mois %.2s dans le NIR, naissance en %02d/%04d", nir + 3, m, y);
        }
    }
    return 0;
}

/* ---- SIRET, RNA ---- */

static bool luhn(const char *s, size_t n)
{
    int sum = 0;

    for (size_t i = 0; i < n; i++) {
        int d = s[n - 1 - i] - '0';
        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

int person_siret_check(const char *siret, struct err *e)
{
    size_t n = strlen(siret);
    int sum = 0;

    for (size_t i = 0; i < n; i++)
        if (!is_digit(siret[i]))
            n = 0;
    if (n != 14) {
        err_value(e, ERR_INVALID, "SIRET invalide :", siret,
                  "un SIRET compte 14 chiffres, sans espace (SIREN sur 9 chiffres puis NIC "
                  "sur 5)");
        return err_detail(e, "%zu caractères", strlen(siret));
    }
    if (!strncmp(siret, "356000000", 9)) {
        /* La Poste: one SIREN for thousands of establishments, its own key */
        for (size_t i = 0; i < n; i++)
            sum += siret[i] - '0';
        if (sum % 5 == 0 || luhn(siret, n))
            return 0;
    } else if (!luhn(siret, 9)) {
        err_value(e, ERR_INVALID, "SIRET invalide (clé du SIREN incorrecte) :", siret,
                  "vérifiez le numéro sur l'annuaire des entreprises (annuaire-entreprises."
                  "data.gouv.fr)");
        return err_detail(e, "SIREN %.9s", siret);
    } else if (luhn(siret, n)) {
        return 0;
    }
    err_value(e, ERR_INVALID, "SIRET invalide (clé incorrecte) :", siret,
              "vérifiez le numéro sur l'annuaire des entreprises (annuaire-entreprises."
              "data.gouv.fr)");
    return err_detail(e, "la somme de Luhn des 14 chiffres n'est pas un multiple de 10");
}

int person_rna_check(const char *rna, struct err *e)
{
    size_t n = strlen(rna);
    bool ok = n == 10 && rna[0] == 'W';

    for (size_t i = 1; ok && i < n; i++)
        ok = is_digit(rna[i]);
    if (!ok)
        return err_value(e, ERR_INVALID, "numéro RNA invalide :", rna,
                         "un numéro RNA est la lettre W suivie de 9 chiffres (ex. W623001234)");
    return 0;
}

/* ---- free text, phone, e-mail ---- */

/*
 * One pass over s; the refusals in their order of priority: invalid UTF-8
 * anywhere, then the length, then the first control character, then blank.
 */
int person_text_check(const char *field, const char *s, size_t max, bool required, struct err *e)
{
    size_t n = strlen(s), pos = 0, control = SIZE_MAX;
    bool blank = true;

    while (pos < n) {
        size_t at = pos;
        int32_t cp = utf8_decode(s, n, &pos);

        if (cp < 0)
            return err_set(e, ERR_INVALID, "champ « %s » : texte UTF-8 invalide", field);
        if ((cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) && control == SIZE_MAX)
            control = at;
        if (cp != ' ')
            blank = false;
    }
    if (n > max) {
        err_set(e, ERR_INVALID, "champ « %s » trop long : %zu octets, %zu au plus", field, n, max);
        return err_hint(e, "abrégez la valeur");
    }
    if (control != SIZE_MAX) {
        err_set(e, ERR_INVALID, "champ « %s » : caractère de contrôle interdit", field);
        return err_detail(e, "octet 0x%02X en position %zu", (unsigned char)s[control],
                          control + 1);
    }
    if (required && blank) {
        err_set(e, ERR_INVALID, "champ « %s » vide", field);
        return err_hint(e, "ce champ est obligatoire");
    }
    return 0;
}

int person_phone_check(const char *phone, struct err *e)
{
    size_t digits = 0;
    bool stray = false;

    for (const char *p = phone; *p; p++) {
        if (is_digit(*p))
            digits++;
        else if (!(*p == ' ' || *p == '.' || *p == '-' || *p == '(' || *p == ')' ||
                   (*p == '+' && p == phone)))
            stray = true;
    }
    if (stray || digits < 6 || digits > 15)
        return err_value(e, ERR_INVALID, "numéro de téléphone invalide :", phone,
                         "de 6 à 15 chiffres, éventuellement séparés par des espaces ou des "
                         "points, avec + devant un indicatif (ex. 03 21 21 62 62)");
    return 0;
}

int person_email_check(const char *email, struct err *e)
{
    const char *at = strchr(email, '@');
    size_t n = strlen(email);
    bool ok = at && at != email && !strchr(at + 1, '@') && n <= PERSON_EMAIL_MAX;

    if (ok) {
        const char *dot = strrchr(at + 1, '.');
        ok = dot && dot > at + 1 && dot[1];
    }
    for (const char *p = email; ok && *p; p++)
        ok = (unsigned char)*p > ' ' && *p != 0x7F;
    if (!ok)
        return err_value(e, ERR_INVALID, "adresse électronique invalide :", email,
                         "attendu : nom@domaine.fr, sans espace");
    return 0;
}

const char *person_name_key(struct arena *a, const char *last, const char *first)
{
    struct strbuf both, key;
    const char *out = NULL;

    strbuf_init(&both, 0);
    strbuf_init(&key, 0);
    strbuf_addstr(&both, last);
    strbuf_addch(&both, ' ');
    strbuf_addstr(&both, first);
    utf8_fold(&key, both.buf, both.len);
    if (key.len > 0)
        out = arena_strdup(a, key.buf);
    strbuf_release(&both);
    strbuf_release(&key);
    return out;
}

const char *person_name_key_both(struct arena *a, const char *last, const char *first)
{
    struct strbuf key;
    const char *out = NULL;
    size_t n;

    /* utf8_fold works character by character and drops leading and trailing
       separators: the key of "last first" is the key of last, a space, the
       key of first, when neither is empty */
    strbuf_init(&key, 0);
    utf8_fold(&key, last, strlen(last));
    n = key.len;
    if (n > 0) {
        strbuf_addch(&key, ' ');
        utf8_fold(&key, first, strlen(first));
        if (key.len > n + 1)
            out = arena_strndup(a, key.buf, key.len);
    }
    strbuf_release(&key);
    return out;
}

const char *const person_roles[] = {"demandeur", "conjoint", "enfant", "autre", NULL};

bool person_role_valid(const char *role)
{
    for (const char *const *r = person_roles; *r; r++)
        if (!strcmp(*r, role))
            return true;
    return false;
}

const char *person_trim(struct arena *a, const char *s)
{
    size_t n;

    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return arena_strndup(a, s, n);
}

/* ---- store helpers ---- */

const char *person_date_fr(struct arena *a, date_t day)
{
    char fr[DATE_ISO_LEN];

    date_format_fr(day, fr);
    return arena_strdup(a, fr);
}

void person_today_iso(const struct case_ctx *c, char out[DATE_ISO_LEN])
{
    date_format_iso(c->today, out);
}

const char *person_commune_mds(struct case_ctx *c, const char *commune, const char *iso_day,
                               struct err *e)
{
    return case_query_text(c,
                           "SELECT area FROM ref_assignment WHERE grid = 'mds' AND commune = ? "
                           "AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)",
                           commune, iso_day, iso_day, e);
}

int person_commune_check(struct case_ctx *c, const char *field, const char *commune, date_t day,
                         struct err *e)
{
    if (c->bulk && case_bulk_commune_exists(c, commune, day, e))
        return 0;
    if (e->code != ERR_OK)
        return -1;
    if (ref_commune_check(c->store, commune, day, e) != 0) {
        err_prefix(e, "champ « %s » : ", field);
        if (!e->hint[0])
            err_hint(e, "« proxima registry commune NOM » donne le code INSEE d'une commune");
        return -1;
    }
    return 0;
}

int person_authorize_any(struct case_ctx *c, const char *capability, const char *object_type,
                         const char *object_id, const char *person, struct err *e)
{
    if (!c->user)
        return 0;
    for (size_t i = 0; i < c->user->ngrants; i++) {
        const struct access_grant *g = &c->user->grants[i];
        struct access_user one = *c->user;
        struct access_target t = {
            .site_grid = g->site_grid,
            .site_code = g->site_code,
            .data_class = CLASS_NONE,
            .object_type = object_type,
            .object_id = object_id,
            .person_id = person,
        };
        struct err probe;

        one.grants = &c->user->grants[i];
        one.ngrants = 1;
        err_clear(&probe);
        if (access_check(c->cat, &one, capability, &t, c->arena, NULL, &probe) == 0)
            return case_authorize(c, capability, g->site_grid, g->site_code, CLASS_NONE,
                                  object_type, object_id, person, NULL, "ecriture", e);
    }
    /* no grant gives it: let case_authorize word and log the refusal */
    return case_authorize(c, capability, ACCESS_SITE_DEPARTEMENT, PERSON_DEPARTEMENT, CLASS_NONE,
                          object_type, object_id, person, NULL, "ecriture", e);
}

int person_put(json_t *p, const char *field, const char *value, struct err *e)
{
    json_t *v;

    if (!value)
        return 0;
    v = json_string(value);
    if (!v)
        return err_set(e, ERR_INVALID, "champ « %s » : texte UTF-8 invalide", field);
    if (json_object_set_new(p, field, v) != 0)
        return err_set(e, ERR_NOMEM, "mémoire insuffisante pour le champ « %s »", field);
    return 0;
}

int person_require(const char *field, const char *value, struct err *e)
{
    if (value && *value)
        return 0;
    err_set(e, ERR_INVALID, "champ « %s » manquant", field);
    return err_hint(e, "donnez l'identifiant (ex. P0000042 pour une personne, F0000042 pour "
                       "un foyer)");
}

int person_birth_date(struct case_ctx *c, const char *person, date_t *birth, struct err *e)
{
    const date_t *known = c->bulk ? case_bulk_person_birth(c->bulk, person) : NULL;
    struct store_stmt *q;
    int rc;

    if (known) {
        *birth = *known; /* created in this import or replay (bulk.c) */
        return 0;
    }
    q = store_prepare(c->store, "SELECT birth_date FROM person WHERE id = ?", e);
    if (!q)
        return -1;
    store_bind_text_static(q, 1, person);
    rc = store_step(q, e);
    if (rc == STORE_ROW) {
        const char *iso = store_column_text(q, 0);
        rc = date_parse_iso(iso, strlen(iso), birth, e) == 0 ? STORE_ROW : -1;
    }
    store_finalize(q);
    if (rc < 0)
        return -1;
    if (rc != STORE_ROW) {
        err_value(e, ERR_NOT_FOUND, "personne inconnue :", person,
                  "« proxima person search » retrouve une personne par son nom");
        return -1;
    }
    return 0;
}
