/*
 * ref_int.h: private to the ref layer (shared by load.c and ref.c).
 */
#ifndef PROXIMA_REF_REF_INT_H
#define PROXIMA_REF_REF_INT_H

#include "ref/ref.h"

/* The open end of a validity period, compared as text with ISO dates. */
#define REF_OPEN_END "9999-12-31"

/* True if s is an INSEE commune code: 5 characters, digits or 2A/2B. */
bool ref_valid_insee(const char *s);

#endif
