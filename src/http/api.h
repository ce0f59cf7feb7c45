/*
 * api.h: the JSON API over the case engine, one file per resource:
 *
 *   api.c            sign-in and sign-out, the agent (moi), health; the
 *                    list of route groups of the server
 *   api_person.c     personnes: search, read (with dossiers), create
 *   api_dossier.c    dossiers: open, read, operations; actes
 *   api_commission.c séances de commission: create, read, decisions, close,
 *                    procès-verbal
 *   api_catalog.c    dispositifs of the catalogue; the access log of a
 *                    person for the data officer
 *   api_indic.c      the indicators of a year on a territorial grid
 *
 * Handlers are thin: take validated parameters (route.h), call the case
 * layer (writes through case_run, so a failed operation writes nothing and
 * its refusal is logged), render with case/view.h. Documented in
 * docs/openapi.yaml, which tests/e2e/api.sh checks against the table.
 */
#ifndef PROXIMA_HTTP_API_H
#define PROXIMA_HTTP_API_H

#include "core/compat.h"
#include "http/route.h"

extern const struct http_route api_session_routes[];
extern const size_t api_session_nroutes;
extern const struct http_route api_person_routes[];
extern const size_t api_person_nroutes;
extern const struct http_route api_dossier_routes[];
extern const size_t api_dossier_nroutes;
extern const struct http_route api_commission_routes[];
extern const size_t api_commission_nroutes;
extern const struct http_route api_catalog_routes[];
extern const size_t api_catalog_nroutes;
extern const struct http_route api_indic_routes[];
extern const size_t api_indic_nroutes;

/* Run fn as one case operation of r's agent (case_run). */
int api_run(struct http_request *r, int (*fn)(struct case_ctx *c, void *arg, struct err *e),
            void *arg, struct err *e);

/* Answer 201 Created with doc and a Location header (path in the arena). */
int api_created(struct http_request *r, const char *location, json_t *doc);

#endif
