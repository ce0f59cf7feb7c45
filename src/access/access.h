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

#define ACCESS_PASSWORD_MIN       12   /* characters (code points), not bytes */
#define ACCESS_PASSWORD_MAX_BYTES 1024 /* longer input is refused before hashing */
#define ACCESS_LOGIN_MAX          64   /* bytes of a login */
#define ACCESS_NAME_MAX           200  /* bytes of an agent's name */

/* Site grids a grant can name, beyond the referential's grids. */
#define ACCESS_SITE_DEPARTEMENT "departement" /* code "62": everything */
#define ACCESS_SITE_CENTRAL     "central"     /* a central direction: "dsol"... */

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
    const char *site_grid; /* handling site of the dossier / competent site of the person */
    const char *site_code;
    enum data_class data_class;
    const char *object_type; /* "personne", "dossier", "acte", "journal_acces"... */
    const char *object_id;
    const char *person_id; /* the person concerned, NULL if none */
};

/*
 * The password policy, for callers that want to check before asking twice:
 * valid UTF-8, at least ACCESS_PASSWORD_MIN characters counted as code
 * points ("éééééééééééé" is 12), at most ACCESS_PASSWORD_MAX_BYTES bytes,
 * not the login itself (compared ignoring case and accents). ERR_INVALID
 * with a French message that never quotes the password.
 */
int access_password_check(const char *login, const char *password, struct err *e);

/*
 * Logins are 2 to ACCESS_LOGIN_MAX bytes of a-z, 0-9, '.', '_', '-',
 * starting with a letter ("jean.dupont"). Names are non-empty UTF-8 without
 * control characters, at most ACCESS_NAME_MAX bytes.
 *
 * Every change below is one transaction holding the change and its journal
 * event (type "user.created", "user.password_changed", "user.granted",
 * "user.revoked", "user.disabled"; subject the login; actor the caller's
 * actor). Neither the password nor its hash ever goes to the journal, so
 * replaying the journal rebuilds agents and grants but not passwords.
 * ERR_NOT_FOUND for an unknown login.
 */

/* Create an agent (no grant yet). Password policy checked; login unique (ERR_CONFLICT). */
int access_user_add(struct store *s, const char *login, const char *name, const char *password,
                    const char *actor, struct err *e);
/* Change a password (policy checked). */
int access_user_password(struct store *s, const char *login, const char *password,
                         const char *actor, struct err *e);
/*
 * Grant role on a site; role must exist in cat, site in the referential:
 * grid "mds" or "mdadt" with a code of ref_area, "departement" with "62",
 * "central" with a slug ("dsol"). ERR_INVALID otherwise, ERR_CONFLICT if the
 * agent already holds that grant or is disabled.
 */
int access_user_grant(struct store *s, const struct catalog *cat, const struct access_grant *g,
                      const char *login, const char *actor, struct err *e);
/* Remove a grant (ERR_NOT_FOUND if the agent does not hold it). */
int access_user_revoke(struct store *s, const struct access_grant *g, const char *login,
                       const char *actor, struct err *e);
/* Disable an account: no sign-in, no access; grants are kept (ERR_CONFLICT if already). */
int access_user_disable(struct store *s, const char *login, const char *actor, struct err *e);

/* Load an agent and its grants into arena a (ERR_NOT_FOUND). */
int access_user_load(struct store *s, struct arena *a, const char *login, struct access_user *out,
                     struct err *e);

/* Every agent with its grants, sorted by login, in arena a; *n may be 0. */
int access_user_list(struct store *s, struct arena *a, struct access_user **users, size_t *n,
                     struct err *e);

/*
 * Parse a site written "grid:code" ("mds:calaisis", "departement:62") into
 * g->site_grid and g->site_code (copies in arena a). Only the form is
 * checked here (ERR_INVALID); access_user_grant checks the site exists.
 */
int access_site_parse(const char *text, struct arena *a, struct access_grant *g, struct err *e);

/*
 * Check a login and password. Same French message and same work (a dummy
 * hash verification) whether the login exists or not. ERR_UNAUTHENTICATED.
 * A disabled account is refused (after the password check, so that only
 * the holder of the right password learns that it is disabled). A hash made
 * with weaker parameters than today's is silently upgraded
 * ("user.password_rehashed" event, no secret in it).
 */
int access_authenticate(struct store *s, struct arena *a, const char *login, const char *password,
                        struct access_user *out, struct err *e);

/*
 * May u exercise capability on t? Looks for a grant whose role has the
 * capability and, when t->data_class is not CLASS_NONE, the class, and whose
 * site covers t's site (a "departement" grant covers every site). On success
 * *grant_used (may be NULL) receives "role@grid:code" in arena a.
 * ERR_FORBIDDEN with a French message saying what is missing (« votre rôle
 * accueil ne donne pas accès aux données de santé »).
 *
 * A grant covers a site when it is the same grid and code, or when the
 * grant is on "departement" (every site, and targets without a site). A
 * disabled agent has no access. Grants whose role is no longer in the
 * catalogue count for nothing. Pure: reads neither the store nor the clock.
 */
int access_check(const struct catalog *cat, const struct access_user *u, const char *capability,
                 const struct access_target *t, struct arena *a, const char **grant_used,
                 struct err *e);

/*
 * Append to the access log: action is "lecture", "ecriture" or "refus".
 * Its own transaction when none is open, else the caller's: a refusal must
 * then be logged in a transaction that is committed, not in the one the
 * refused operation rolls back. t->object_type is required; NULL object_id,
 * person_id and grant_used are stored as "".
 *
 * When no transaction is open and s->log_sink is set (the HTTP server), the
 * row goes to that sink, whose writer thread commits it with others in one
 * transaction (group commit, logger.h): the row is then durable when this
 * returns (a waiting sink), or when the sink says so (the server holds the
 * answer back until then).
 */
int access_log_append(struct store *s, const char *login, const char *action,
                      const struct access_target *t, const char *grant_used, struct err *e);

struct access_log_row {
    int64_t seq;
    int64_t at; /* seconds since the epoch */
    /* never NULL: "" when absent (grant_used of a "refus") */
    const char *login, *action, *object_type, *object_id, *person_id, *grant_used;
};

#define ACCESS_LOG_HASH_BYTES 32

/*
 * The access log's chain, built like the journal's (journal.h):
 *
 *   hash(0) = 32 zero bytes
 *   hash(n) = BLAKE2b-256(hash(n-1) || F(seq) || F(at) || F(login) || F(action)
 *                         || F(object_type) || F(object_id) || F(person_id)
 *                         || F(grant_used))
 *
 * F(x): x's length in bytes as 8 bytes big-endian, then its bytes (an integer
 * is 8 bytes big-endian two's complement). access_log_head holds the seq and
 * hash of the last row, so that rows removed at the end are detected too.
 */
void access_log_hash(const unsigned char prev[ACCESS_LOG_HASH_BYTES],
                     const struct access_log_row *r, unsigned char out[ACCESS_LOG_HASH_BYTES]);

/* Rows about person_id (the data officer's "who read this file"), oldest first. */
int access_log_for_person(struct store *s, struct arena *a, const char *person_id,
                          struct access_log_row **rows, size_t *n, struct err *e);

/*
 * Verify the access log's chain; rows checked in *count, first bad seq in
 * *first_bad (0 when intact). ERR_TAMPERED with a French message naming the
 * row. One statement, so one consistent snapshot, writers not blocked.
 */
int access_log_verify(struct store *s, int64_t *count, int64_t *first_bad, struct err *e);

#endif
