/*
 * indic_fx.h: the fixture of the tests that compute figures (test_indic.c,
 * test_engine.c, tests/report/test_year.c). One per test group, in F: a
 * real SQLite file in a private directory, the shipped referential,
 * catalogue and indicator dictionary (data/), and a case context acting as
 * "system" on a given day.
 */
#ifndef PROXIMA_TESTS_INDIC_INDIC_FX_H
#define PROXIMA_TESTS_INDIC_INDIC_FX_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/compat.h"
#include "case/case.h"
#include "indic/indic.h"
#include "ref/ref.h"

#include "../store/tmpdir.h"

struct fx {
    char dir[TMPDIR_PATH_MAX];
    char path[TMPDIR_PATH_MAX + 64];
    struct store *s;
    struct catalog cat;
    struct indic_dict dict;
    struct arena a;
    struct case_ctx c;
    struct err e;
};

static struct fx *F;

/* Fail the test with the error's message, detail and hint. */
#define OK(call)                                                                                   \
    do {                                                                                           \
        err_clear(&F->e);                                                                          \
        if ((call) != 0)                                                                           \
            fail_msg("%s: %s (%s) [%s]", #call, F->e.message, F->e.detail, F->e.hint);             \
    } while (0)

/* Open the fixture in F, "today" being the ISO date today_iso. */
static inline void fx_open(const char *today_iso)
{
    F = calloc(1, sizeof(*F));
    assert_non_null(F);
    tmpdir_make(F->dir);
    snprintf(F->path, sizeof(F->path), "%s/proxima.db", F->dir);
    err_clear(&F->e);
    F->s = store_open(F->path, &F->e);
    assert_non_null(F->s);
    OK(store_migrate(F->s, NULL, &F->e));
    OK(ref_load(F->s, PROXIMA_DATADIR, "test", NULL, &F->e));
    OK(catalog_load(&F->cat, PROXIMA_DATADIR "/catalogue", &F->e));
    OK(indic_dict_load(&F->dict, PROXIMA_DATADIR "/indicateurs", &F->cat, &F->e));
    arena_init(&F->a, 0);
    F->c.store = F->s;
    F->c.cat = &F->cat;
    F->c.arena = &F->a;
    F->c.actor = "system";
    OK(date_parse_iso(today_iso, strlen(today_iso), &F->c.today, &F->e));
}

/* Close the fixture of F and remove its directory (a group teardown). */
static inline int fx_close(void **state)
{
    (void)state;
    indic_dict_release(&F->dict);
    catalog_release(&F->cat);
    arena_release(&F->a);
    store_close(F->s);
    tmpdir_remove(F->dir);
    free(F);
    F = NULL;
    return 0;
}

#endif
