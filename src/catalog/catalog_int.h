/*
 * catalog_int.h: private to src/catalog/. The loader's context and its
 * checked JSON getters, shared by load.c (files, roles, workflows) and
 * load_dispositif.c (dispositifs, facts, parameters, rules).
 */
#ifndef PROXIMA_CATALOG_CATALOG_INT_H
#define PROXIMA_CATALOG_CATALOG_INT_H

#include "core/compat.h"

#include <jansson.h>

#include "catalog/catalog.h"
#include "core/strbuf.h"

/* Where the loader is, for messages: file, then object, then field. */
struct cload {
    struct catalog *cat;
    struct arena *a;   /* the catalogue's arena: everything kept goes there */
    const char *path;  /* file as opened: "data/catalogue/insertion.json" */
    const char *file;  /* its base name: "insertion.json" */
    const char *where; /* "dispositif « afase »", NULL at the file's top level */
    struct err *e;
};

/*
 * Fail with « <path> : <where>, champ « <field> » : <text> ». field may be
 * NULL (the object as a whole). Returns -1.
 */
int cl_fail(struct cload *l, const char *field, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* "prefix.key", or key when prefix is NULL; in the arena. */
const char *cl_path(struct cload *l, const char *prefix, const char *key);

/* A JSON value shown in a message: strings as they are, others compact. */
const char *cl_show(struct cload *l, const json_t *v);

/* obj must be an object whose keys are all in allowed (NULL-terminated). */
int cl_keys(struct cload *l, json_t *obj, const char *prefix, const char *const *allowed);

/*
 * Typed fields of obj. A missing (or null) field is an error when required,
 * else the output is left alone. Strings are non-empty, trimmed of nothing,
 * and copied into the arena.
 */
int cl_str(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
           const char **out);
/* A code: 1 to 64 bytes of [a-z0-9_], starting with a letter. */
int cl_code(struct cload *l, json_t *obj, const char *key, const char *prefix, const char **out);
int cl_bool(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
            bool *out);
/* An array (possibly empty); *out NULL when absent and not required. */
int cl_array(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
             json_t **out);
/* An array of distinct non-empty strings (codes when codes is true). */
int cl_strlist(struct cload *l, json_t *obj, const char *key, const char *prefix, bool required,
               bool codes, const char ***out, size_t *n);

bool cl_is_code(const char *s);

/*
 * obj's "code" if it is a valid code, else NULL: lets messages about an
 * object's other keys name it before its code is checked.
 */
const char *cl_peek_code(json_t *obj);

/*
 * A value of type t from JSON v: entier = integer, montant = string in
 * euros ("150.00"), date = "AAAA-MM-JJ", booleen = true/false, texte =
 * non-empty string. field names v in messages.
 */
int cl_value(struct cload *l, json_t *v, enum rules_type t, const char *field,
             struct rules_value *out);

bool catalog_is_capability(const char *code);
int catalog_state_index(const struct catalog_workflow *w, const char *state);

/* load_dispositif.c: read {"dispositifs": [...]} of one file into l->cat. */
int catalog_load_dispositifs(struct cload *l, json_t *root);

#endif
