/*
 * person_int.h: private to the persons / households / organisations part of
 * the case layer (person.c, household.c, person_check.c). Identity checks
 * (NIR, SIRET, RNA, names, phone, e-mail) and the site look-ups their
 * access checks need (the transaction wrapper is case_int.h's).
 *
 * The names carry the prefix person_ so that they cannot collide with the
 * private helpers of the other files of the case layer.
 */
#ifndef PROXIMA_CASE_PERSON_INT_H
#define PROXIMA_CASE_PERSON_INT_H

#include "case/case_int.h"
#include "ref/ref.h"

/* Bytes allowed in free-text identity fields. */
#define PERSON_NAME_MAX     100 /* nom, prénom */
#define PERSON_LABEL_MAX    200 /* adresse, libellé de foyer, nom d'organisation */
#define PERSON_INTERNAL_MAX 64  /* identifiant interne */
#define PERSON_CAF_MAX      20  /* numéro d'allocataire */
#define PERSON_EMAIL_MAX    254

/* Date before which a birth date is refused (a typing error, not a person). */
#define PERSON_BIRTH_MIN_YEAR 1900

/*
 * The site of an access check on a person: its competent MDS, or for a
 * person without one (no address) the whole département, which only a
 * département-wide grant covers.
 */
#define PERSON_DEPARTEMENT    "62"
#define PERSON_SITE_GRID(mds) ((mds) ? REF_GRID_MDS : ACCESS_SITE_DEPARTEMENT)
#define PERSON_SITE_CODE(mds) ((mds) ? (mds) : PERSON_DEPARTEMENT)

/* ---- identity checks (pure: no store) ---- */

/*
 * A NIR (numéro d'inscription au répertoire) in canonical form: 15
 * characters, the 13 of the number then the 2-digit key, digits only except
 * "2A"/"2B" (Corsica) as department (6th and 7th characters). The key is
 * 97 - (number mod 97), with 2A read as 19 and 2B as 18. The first digit
 * gives the sex: 1 (man) or 2 (woman), 7 or 8 for a temporary number (NIA).
 * When sex is given ("F"/"M") it must agree; when birth is given, the
 * 2-digit year must be its year and the month, when it is a real month
 * (01-12; 20, 30-42 and 50-99 mean "unknown"), its month. ERR_INVALID with
 * a French message naming the NIR and what is wrong.
 */
int person_nir_check(const char *nir, const char *sex, const date_t *birth, struct err *e);

/*
 * Canonical form of a NIR typed by an agent: blanks, dots and dashes removed,
 * "2a"/"2b" upper-cased; in arena a. Only the form changes: check it with
 * person_nir_check.
 */
const char *person_nir_normalize(struct arena *a, const char *nir);

/*
 * A SIRET: 14 digits whose Luhn sum is a multiple of 10, and whose SIREN (the
 * first 9) passes Luhn too; La Poste's establishments (SIREN 356000000) use
 * their own rule (sum of the digits a multiple of 5). ERR_INVALID.
 */
int person_siret_check(const char *siret, struct err *e);

/* An RNA number (répertoire national des associations): "W" then 9 digits. */
int person_rna_check(const char *rna, struct err *e);

/*
 * A free-text field: valid UTF-8, no control character (tabs and line
 * breaks included), at most max bytes; with required, not empty nor blank.
 * field is the payload field's name for the message.
 */
int person_text_check(const char *field, const char *s, size_t max, bool required, struct err *e);

/* A phone number: digits, blanks, '.', '-', '(', ')', one leading '+'; 6 to 15 digits. */
int person_phone_check(const char *phone, struct err *e);

/* An e-mail address: one '@', no blank, a dotted domain, at most PERSON_EMAIL_MAX bytes. */
int person_email_check(const char *email, struct err *e);

/*
 * The search key of a person's name: utf8_fold of "last first", in arena a;
 * NULL when it folds to nothing (a name made only of punctuation).
 */
const char *person_name_key(struct arena *a, const char *last, const char *first);

/*
 * person_name_key(a, last, first) when both the last name and the first
 * name hold a letter (neither person_name_key(a, last, "") nor
 * person_name_key(a, "", first) is NULL), NULL otherwise; each name folded
 * once. last and first must be valid UTF-8 (person_text_check).
 */
const char *person_name_key_both(struct arena *a, const char *last, const char *first);

/* ---- store helpers ---- */

/* The MDS code of commune on iso_day (arena), NULL if none (e->code says if an error). */
const char *person_commune_mds(struct case_ctx *c, const char *commune, const char *iso_day,
                               struct err *e);

/*
 * Check that commune is an INSEE code of the referential existing on day;
 * field names the payload field for the message.
 */
int person_commune_check(struct case_ctx *c, const char *field, const char *commune, date_t day,
                         struct err *e);

/*
 * Authorise capability for an object that has no site of its own yet (a new
 * household, an organisation): allowed when one of the user's grants gives
 * the capability on its own site; the access log row names that site.
 * Refused (and logged) when no grant gives it.
 */
int person_authorize_any(struct case_ctx *c, const char *capability, const char *object_type,
                         const char *object_id, const char *person, struct err *e);

/* day as "07/03/2022" in arena a, for messages. */
const char *person_date_fr(struct arena *a, date_t day);

/* Today as ISO text (for look-ups "as of today"). */
void person_today_iso(const struct case_ctx *c, char out[DATE_ISO_LEN]);

/*
 * Add a string member to an event payload (skipped when value is NULL).
 * A value that is not valid UTF-8 is an error naming the field.
 */
int person_put(json_t *p, const char *field, const char *value, struct err *e);

/* Roles in a household, and of a CAF number: NULL-terminated. */
extern const char *const person_roles[];
bool person_role_valid(const char *role);

/* Copy of s without leading and trailing ASCII blanks (arena); NULL stays NULL. */
const char *person_trim(struct arena *a, const char *s);

/* An identifier an operation needs: ERR_INVALID naming field when NULL or empty. */
int person_require(const char *field, const char *value, struct err *e);

/* Birth date of a person (date_t), or ERR_NOT_FOUND naming the id. */
int person_birth_date(struct case_ctx *c, const char *person, date_t *birth, struct err *e);

#endif
