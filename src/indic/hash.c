/*
 * hash.c: the two hash tables of the indicator engine. A string set gives
 * each distinct id (person, household, dossier, site) a dense index, so that
 * the engine's distinct counts work on integers; a 64-bit map keeps, for
 * each (indicator, area, id), the months in which the id was already
 * counted. Open addressing with linear probing, power-of-two sizes, grown at
 * half load; allocation failure aborts (die_nomem), as everywhere in proxima.
 * Identifiers made of a prefix and digits are also indexed by their number
 * (struct strset, indic_int.h): a look-up of a person among the year's
 * addresses is then one array access.
 */
#include "core/compat.h"
#include "indic/indic_int.h"

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static uint64_t hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die_nomem(n * size);
    return p;
}

static void *xrealloc(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        die_nomem(SIZE_MAX);
    p = realloc(p, n * size);
    if (!p)
        die_nomem(n * size);
    return p;
}

/* ---- string set ------------------------------------------------------------ */

void strset_init(struct strset *s, struct arena *a)
{
    memset(s, 0, sizeof(*s));
    s->a = a;
}

void strset_release(struct strset *s)
{
    free(s->num);
    free(s->strs);
    free(s->hashes);
    free(s->slots);
    memset(s, 0, sizeof(*s));
}

static void strset_rehash(struct strset *s, size_t nslots)
{
    free(s->slots);
    s->slots = xcalloc(nslots, sizeof(*s->slots));
    s->nslots = nslots;
    for (size_t i = 0; i < s->n; i++) {
        size_t k = (size_t)s->hashes[i] & (nslots - 1);
        while (s->slots[k])
            k = (k + 1) & (nslots - 1);
        s->slots[k] = (uint32_t)i + 1;
    }
}

/* The number of p[0..len) when it has the form of the set's numbered strings, else -1. */
static int64_t num_of(const struct strset *s, const char *p, size_t len)
{
    int64_t v = 0;

    if (s->num_off || !s->num_ndig || len != s->num_plen + s->num_ndig ||
        memcmp(p, s->num_prefix, s->num_plen) != 0)
        return -1;
    for (size_t i = s->num_plen; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* Decide the form of the numbered strings from the first string: a short prefix, then digits. */
static void num_form(struct strset *s, const char *p, size_t len)
{
    size_t plen = 0;

    while (plen < len && (p[plen] < '0' || p[plen] > '9'))
        plen++;
    s->num_off = plen >= sizeof(s->num_prefix) || len - plen < 1 || len - plen > 9;
    for (size_t i = plen; i < len && !s->num_off; i++)
        s->num_off = p[i] < '0' || p[i] > '9';
    if (s->num_off)
        return;
    memcpy(s->num_prefix, p, plen);
    s->num_plen = plen;
    s->num_ndig = len - plen;
}

/* Record string i under its number v; off when the numbers are too sparse. */
static void num_put(struct strset *s, int64_t v, uint32_t i)
{
    if ((size_t)v >= s->nnum) {
        size_t cap = s->nnum ? 2 * s->nnum : 1024;
        while (cap <= (size_t)v)
            cap *= 2;
        if (cap > 16 * (s->n + 1) + 65536) {
            free(s->num);
            s->num = NULL;
            s->nnum = 0;
            s->num_off = true;
            return;
        }
        s->num = xrealloc(s->num, cap, sizeof(*s->num));
        memset(s->num + s->nnum, 0, (cap - s->nnum) * sizeof(*s->num));
        s->nnum = cap;
    }
    s->num[v] = i + 1;
}

int64_t strset_find(const struct strset *s, const char *p, size_t len)
{
    uint64_t h;
    size_t k;
    int64_t v = num_of(s, p, len);

    if (v >= 0)
        return (size_t)v < s->nnum ? (int64_t)s->num[v] - 1 : -1;
    if (!s->nslots)
        return -1;
    h = hash_bytes(p, len);
    for (k = (size_t)h & (s->nslots - 1); s->slots[k]; k = (k + 1) & (s->nslots - 1)) {
        uint32_t i = s->slots[k] - 1;
        if (s->hashes[i] == h && !strncmp(s->strs[i], p, len) && s->strs[i][len] == '\0')
            return i;
    }
    return -1;
}

uint32_t strset_add(struct strset *s, const char *p, size_t len)
{
    uint64_t h;
    size_t k;
    int64_t v;

    if (s->n == 0 && !s->num_off && !s->num_ndig)
        num_form(s, p, len);
    v = num_of(s, p, len);
    if (v >= 0 && (size_t)v < s->nnum && s->num[v])
        return s->num[v] - 1;
    h = hash_bytes(p, len);
    if (2 * (s->n + 1) > s->nslots)
        strset_rehash(s, s->nslots ? 2 * s->nslots : 64);
    for (k = (size_t)h & (s->nslots - 1); s->slots[k]; k = (k + 1) & (s->nslots - 1)) {
        uint32_t i = s->slots[k] - 1;
        if (s->hashes[i] == h && !strncmp(s->strs[i], p, len) && s->strs[i][len] == '\0')
            return i;
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->strs = xrealloc(s->strs, s->cap, sizeof(*s->strs));
        s->hashes = xrealloc(s->hashes, s->cap, sizeof(*s->hashes));
    }
    if (s->n >= UINT32_MAX - 1)
        die_nomem(SIZE_MAX);
    s->strs[s->n] = arena_strndup(s->a, p, len);
    s->hashes[s->n] = h;
    s->slots[k] = (uint32_t)s->n + 1;
    if (v >= 0)
        num_put(s, v, (uint32_t)s->n);
    return (uint32_t)s->n++;
}

/* ---- 64-bit map ------------------------------------------------------------ */

void map64_init(struct map64 *m)
{
    memset(m, 0, sizeof(*m));
}

void map64_release(struct map64 *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

static void map64_grow(struct map64 *m)
{
    size_t cap = m->cap ? 2 * m->cap : 1024;
    uint64_t *keys = xcalloc(cap, sizeof(*keys));
    uint32_t *vals = xcalloc(cap, sizeof(*vals));

    for (size_t i = 0; i < m->cap; i++) {
        size_t k;
        if (!m->keys[i])
            continue;
        for (k = (size_t)hash_u64(m->keys[i]) & (cap - 1); keys[k]; k = (k + 1) & (cap - 1))
            ;
        keys[k] = m->keys[i];
        vals[k] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
}

uint32_t *map64_slot(struct map64 *m, uint64_t key)
{
    uint64_t stored = key + 1;
    size_t k;

    assert(key != UINT64_MAX);
    if (2 * (m->n + 1) > m->cap)
        map64_grow(m);
    for (k = (size_t)hash_u64(stored) & (m->cap - 1); m->keys[k]; k = (k + 1) & (m->cap - 1))
        if (m->keys[k] == stored)
            return &m->vals[k];
    m->keys[k] = stored;
    m->vals[k] = 0;
    m->n++;
    return &m->vals[k];
}
