/*
 * basis.c: what the report of a year is built with. An open year is read
 * with today's dictionary and layout; a closed year with the definitions
 * and the layout frozen when it was closed (migrations 5 and 7), so that
 * its report says what its frozen figures meant, whatever the dictionary
 * says later. Today's dictionary is kept beside them to flag the
 * definitions changed since the closing.
 */
#include "core/compat.h"
#include "report/report.h"

#include "core/file.h"

int report_basis_open(struct report_basis *b, struct store *s, int year,
                      const struct indic_dict *current, const char *layout_path, struct err *e)
{
    const char *frozen_layout = NULL;
    struct arena a;
    int rc = -1;

    memset(b, 0, sizeof(*b));
    arena_init(&a, 0);
    b->dict = current;
    if (indic_dict_frozen(s, year, current, &b->frozen, &b->closed, e) != 0)
        goto out;
    if (b->closed) {
        b->dict = &b->frozen;
        b->current = current;
        if (indic_frozen_document(s, year, REPORT_LAYOUT_DOC, &a, &frozen_layout, e) != 0)
            goto out;
    }
    if (frozen_layout) {
        const char *name = arena_printf(&a, "%s figée à la clôture de %d", REPORT_LAYOUT_DOC, year);
        if (report_layout_parse(&b->layout, frozen_layout, strlen(frozen_layout), name, b->dict,
                                e) != 0)
            goto out;
        b->layout_frozen = true;
    } else if (report_layout_load(&b->layout, layout_path, b->dict, e) != 0) {
        if (b->closed)
            err_hint(e,
                     "l'année %d a été close sans sa mise en page : la mise en page actuelle "
                     "doit ne citer que des indicateurs figés à la clôture",
                     year);
        goto out;
    }
    rc = 0;
out:
    arena_release(&a);
    if (rc != 0)
        report_basis_release(b);
    return rc;
}

void report_basis_release(struct report_basis *b)
{
    report_layout_release(&b->layout);
    indic_dict_release(&b->frozen);
    memset(b, 0, sizeof(*b));
}
