/*
 * access.h: agents, their rights, and the log of who read what.
 *
 * An agent (user) signs in with a login and a password (argon2id, libsodium
 * crypto_pwhash_str, at least 12 characters). Rights are grants: a role of
 * the catalogue (data/catalogue/roles.json) on a site: an MDS, an MDADT, a
 * central direction, or the whole département. A role says which data
 * classes (social, health, child protection) and which capabilities it has.
 *
 * access_check() is the one place that decides: capability x site x data
 * class. Every read of a personal file or dossier, allowed or refused, goes
 * to the access log (access_log_append): who, when, what, which grant allowed
 * it. The access log is hash-chained like the journal (tamper-evident) and
 * kept apart from it (its own table and chain, never exported with the
 * journal).
 */
#ifndef PROXIMA_ACCESS_ACCESS_H
#define PROXIMA_ACCESS_ACCESS_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/err.h"
#include "catalog/catalog.h"
#include "store/store.h"

#define ACCESS_PASSWORD_MIN 12

/* Site grids a grant can name, beyond the referential's grids. */
#define ACCESS_SITE_DEPARTEMENT "departement" /* code "62": everything */
#define ACCESS_SITE_CENTRAL "central"         /* a central direction: "dsol"... */

struct access_grant {
    const char *role;      /* role code of the catalogue */
    const char *site_grid; /* "mds", "mdadt", "central", "departement" */
    const char *site_code;
};

struct access_user {
    int64_t id;
    const char *login;
    const char *name;
    bool active;
    struct access_grant *grants;
    size_t ngrants;
};

/* Where the object read or changed lives, and what it holds. */
struct access_target {
    const char *site_grid;   /* handling site of the dossier / competent site of the person */
    const char *site_code;
    enum data_class data_class;
    const char *object_type; /* "personne", "dossier", "acte", "journal_acces"... */
    const char *object_id;
    const char *person_id;   /* the person concerned, NULL if none */
};

/* Create an agent (no grant yet). Password policy checked; login unique. */
int access_user_add(struct store *s, const char *login, const char *name, const char *password,
                    const char *actor, struct err *e);
/* Change a password (policy checked). */
int access_user_password(struct store *s, const char *login, const char *password,
                         const char *actor, struct err *e);
/* Grant role on a site; role must exist in cat, site in the referential. */
int access_user_grant(struct store *s, const struct catalog *cat, const struct access_grant *g,
                      const char *login, const char *actor, struct err *e);
int access_user_revoke(struct store *s, const struct access_grant *g, const char *login,
                       const char *actor, struct err *e);
int access_user_disable(struct store *s, const char *login, const char *actor, struct err *e);

/* Load an agent and its grants into arena a (ERR_NOT_FOUND). */
int access_user_load(struct store *s, struct arena *a, const char *login,
                     struct access_user *out, struct err *e);

/*
 * Check a login and password. Same French message and same work (a dummy
 * hash verification) whether the login exists or not. ERR_UNAUTHENTICATED.
 */
int access_authenticate(struct store *s, struct arena *a, const char *login,
                        const char *password, struct access_user *out, struct err *e);

/*
 * May u exercise capability on t? Looks for a grant whose role has the
 * capability and, when t->data_class is not CLASS_NONE, the class, and whose
 * site covers t's site (a "departement" grant covers every site). On success
 * *grant_used (may be NULL) receives "role@grid:code" in arena a.
 * ERR_FORBIDDEN with a French message saying what is missing (« votre rôle
 * accueil ne donne pas accès aux données de santé »).
 */
int access_check(const struct catalog *cat, const struct access_user *u, const char *capability,
                 const struct access_target *t, struct arena *a, const char **grant_used,
                 struct err *e);

/*
 * Append to the access log: action is "lecture", "ecriture" or "refus".
 * Its own transaction when none is open, else the caller's.
 */
int access_log_append(struct store *s, const char *login, const char *action,
                      const struct access_target *t, const char *grant_used, struct err *e);

struct access_log_row {
    int64_t seq;
    int64_t at; /* seconds since the epoch */
    const char *login, *action, *object_type, *object_id, *person_id, *grant_used;
};

/* Rows about person_id (the data officer's "who read this file"), oldest first. */
int access_log_for_person(struct store *s, struct arena *a, const char *person_id,
                          struct access_log_row **rows, size_t *n, struct err *e);

/* Verify the access log's chain; first bad seq in *first_bad. ERR_TAMPERED. */
int access_log_verify(struct store *s, int64_t *count, int64_t *first_bad, struct err *e);

#endif
