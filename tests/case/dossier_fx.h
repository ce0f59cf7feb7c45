/*
 * dossier_fx.h: the fixture shared by the case layer's tests. A real
 * SQLite file in a private directory, the real referential and catalogue
 * (data/), a case context whose "today" is fixed, agents built in memory
 * (access_check reads their grants from the struct), persons and
 * households created through the case layer itself.
 */
#ifndef PROXIMA_TESTS_CASE_DOSSIER_FX_H
#define PROXIMA_TESTS_CASE_DOSSIER_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/case.h"
#include "core/json.h"
#include "ref/ref.h"

#include "../store/tmpdir.h"

#define FX_TODAY "2022-09-30"

struct fx {
    char dir[TMPDIR_PATH_MAX];
    char path[TMPDIR_PATH_MAX + 64];
    struct store *s;
    struct catalog cat;
    struct arena a;
    struct case_ctx c;
    struct err e;
};

/* ---- agents: a role on a site ---- */

#define FX_USER(var, login_, role_, grid_, code_)                                                  \
    static struct access_grant var##_grant = {                                                     \
        .role = role_, .site_grid = grid_, .site_code = code_};                                    \
    static struct access_user var = {.id = 1,                                                      \
                                     .login = login_,                                              \
                                     .name = login_,                                               \
                                     .active = true,                                               \
                                     .grants = &var##_grant,                                       \
                                     .ngrants = 1}

static inline void fx_as(struct fx *f, const struct access_user *u)
{
    f->c.user = u;
    f->c.actor = u ? u->login : "system";
}

/* The fixture with "today" set to the ISO date today_iso. */
static inline int fx_setup_at(void **state, const char *today_iso)
{
    struct fx *f = calloc(1, sizeof(*f));
    date_t today;

    assert_non_null(f);
    tmpdir_make(f->dir);
    snprintf(f->path, sizeof(f->path), "%s/proxima.db", f->dir);
    err_clear(&f->e);
    f->s = store_open(f->path, &f->e);
    assert_non_null(f->s);
    assert_int_equal(store_migrate(f->s, NULL, &f->e), 0);
    if (ref_load(f->s, PROXIMA_DATADIR, "test", NULL, &f->e) != 0)
        fail_msg("ref_load: %s", f->e.message);
    if (catalog_load(&f->cat, PROXIMA_DATADIR "/catalogue", &f->e) != 0)
        fail_msg("catalog_load: %s (%s)", f->e.message, f->e.detail);
    arena_init(&f->a, 0);
    assert_int_equal(date_parse_iso(today_iso, strlen(today_iso), &today, &f->e), 0);
    f->c.store = f->s;
    f->c.cat = &f->cat;
    f->c.arena = &f->a;
    f->c.today = today;
    fx_as(f, NULL);
    *state = f;
    return 0;
}

static inline int fx_setup(void **state)
{
    return fx_setup_at(state, FX_TODAY);
}

static inline int fx_teardown(void **state)
{
    struct fx *f = *state;

    catalog_release(&f->cat);
    arena_release(&f->a);
    store_close(f->s);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Fail the test with the error's message and detail. */
#define FX_OK(f, call)                                                                             \
    do {                                                                                           \
        err_clear(&(f)->e);                                                                        \
        if ((call) != 0)                                                                           \
            fail_msg("%s: %s (%s) [%s]", #call, (f)->e.message, (f)->e.detail, (f)->e.hint);       \
    } while (0)

/* Expect call to fail with code and a message containing text. */
#define FX_FAILS(f, call, code_, text)                                                             \
    do {                                                                                           \
        err_clear(&(f)->e);                                                                        \
        if ((call) == 0)                                                                           \
            fail_msg("%s: succeeded, expected failure", #call);                                    \
        if ((f)->e.code != (code_) || !strstr((f)->e.message, (text)))                             \
            fail_msg("%s: got %s « %s », expected %s « %s »", #call, err_code_name((f)->e.code),   \
                     (f)->e.message, err_code_name(code_), (text));                                \
    } while (0)

/* A person living in commune since 2022-01-03, created by the system. */
static inline const char *fx_person(struct fx *f, const char *last, const char *first,
                                    const char *birth, const char *sex, const char *commune)
{
    struct case_person_input in = {.last_name = last,
                                   .first_name = first,
                                   .birth_date = birth,
                                   .sex = sex,
                                   .commune = commune,
                                   .address = commune ? "1 rue du Port" : NULL,
                                   .date = "2022-01-03"};
    const struct access_user *saved = f->c.user;
    const char *id;

    fx_as(f, NULL);
    FX_OK(f, case_person_create(&f->c, &in, &id, &f->e));
    fx_as(f, saved);
    return id;
}

/* A household whose demandeur is person, since 2022-01-03. */
static inline const char *fx_household(struct fx *f, const char *label, const char *person)
{
    const struct access_user *saved = f->c.user;
    const char *id;

    fx_as(f, NULL);
    assert_int_equal(store_begin(f->s, &f->e), 0);
    FX_OK(f, case_household_create(&f->c, NULL, label, "2022-01-03", &id, &f->e));
    FX_OK(f, case_household_add(&f->c, id, person, "demandeur", "2022-01-03", &f->e));
    assert_int_equal(store_commit(f->s, &f->e), 0);
    fx_as(f, saved);
    return id;
}

/* JSON facts from text (owned by the caller). */
static inline json_t *fx_json(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, 0, &je);

    if (!v)
        fail_msg("bad JSON in test: %s", je.text);
    return v;
}

/* One integer from a query with up to 3 text parameters (NULL: unused). */
static inline int64_t fx_count(struct fx *f, const char *sql, const char *a1, const char *a2,
                               const char *a3)
{
    struct err e;
    struct store_stmt *q;
    int64_t n = -1;

    err_clear(&e);
    q = store_prepare(f->s, sql, &e);
    assert_non_null(q);
    if (a1)
        store_bind_text(q, 1, a1);
    if (a2)
        store_bind_text(q, 2, a2);
    if (a3)
        store_bind_text(q, 3, a3);
    if (store_step(q, &e) == STORE_ROW)
        n = store_column_int64(q, 0);
    store_finalize(q);
    assert_int_equal(e.code, ERR_OK);
    return n;
}

/* Access log rows with this action and object id. */
static inline int64_t fx_log_rows(struct fx *f, const char *action, const char *object_id)
{
    return fx_count(f, "SELECT COUNT(*) FROM access_log WHERE action = ? AND object_id = ?", action,
                    object_id, NULL);
}

/* One text value from a query with one parameter, in the arena ("" for NULL, NULL if no row). */
static inline const char *fx_text(struct fx *f, const char *sql, const char *a1)
{
    struct err e;
    struct store_stmt *q;
    const char *s = NULL;

    err_clear(&e);
    q = store_prepare(f->s, sql, &e);
    assert_non_null(q);
    store_bind_text(q, 1, a1);
    if (store_step(q, &e) == STORE_ROW)
        s = arena_strdup(&f->a, store_column_text(q, 0));
    store_finalize(q);
    assert_int_equal(e.code, ERR_OK);
    return s;
}

#endif
