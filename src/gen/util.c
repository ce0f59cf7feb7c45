/*
 * util.c: the generator's tools that know nothing of the Département: its
 * random streams (xoshiro256** seeded by splitmix64, so that a seed gives
 * the same year on every machine), the French working-day calendar, and the
 * arithmetic that turns a target into exact integers (largest remainder,
 * shares that round to their printed percentage, amounts that sum to the
 * cent within per-item bounds).
 */
#include "core/compat.h"
#include "gen/gen_int.h"

/* ---- random streams ------------------------------------------------------ */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void gen_rng_init(struct gen_rng *r, uint64_t seed, const char *name)
{
    /* FNV-1a of the stream's name, mixed with the seed */
    uint64_t h = 0xcbf29ce484222325ull, x;

    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ull;
    x = seed ^ h;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t gen_rng_u64(struct gen_rng *r)
{
    uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

int64_t gen_rng_range(struct gen_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span, limit, x;

    assert(lo <= hi);
    span = (uint64_t)(hi - lo) + 1;
    if (span == 0) /* the whole 64-bit range */
        return (int64_t)gen_rng_u64(r);
    /* rejection: no modulo bias */
    limit = UINT64_MAX - UINT64_MAX % span;
    do
        x = gen_rng_u64(r);
    while (x >= limit);
    return lo + (int64_t)(x % span);
}

bool gen_rng_pct(struct gen_rng *r, int pct)
{
    return gen_rng_range(r, 0, 99) < pct;
}

size_t gen_rng_weighted(struct gen_rng *r, const int64_t *w, size_t n)
{
    int64_t total = 0, x;

    for (size_t i = 0; i < n; i++)
        total += w[i];
    assert(total > 0);
    x = gen_rng_range(r, 0, total - 1);
    for (size_t i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

size_t gen_rng_cumul(struct gen_rng *r, const int64_t *cumul, size_t n)
{
    int64_t x = gen_rng_range(r, 0, cumul[n - 1] - 1);
    size_t lo = 0, hi = n - 1;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cumul[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void gen_rng_shuffle(struct gen_rng *r, void *base, size_t n, size_t size)
{
    unsigned char *b = base, tmp[64];

    assert(size <= sizeof(tmp));
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)gen_rng_range(r, 0, (int64_t)i - 1);
        if (j == i - 1)
            continue;
        memcpy(tmp, b + (i - 1) * size, size);
        memcpy(b + (i - 1) * size, b + j * size, size);
        memcpy(b + j * size, tmp, size);
    }
}

/* ---- calendar ------------------------------------------------------------ */

date_t gen_ymd(int y, int m, int d)
{
    date_t out;
    int last = date_days_in_month(y, m);
    int rc = date_from_ymd(y, m, d > last ? last : d, &out, NULL);

    assert(rc == 0);
    (void)rc;
    return out;
}

int gen_age(date_t birth, date_t day)
{
    int by, bm, bd, y, m, d;

    date_to_ymd(birth, &by, &bm, &bd);
    date_to_ymd(day, &y, &m, &d);
    return y - by - ((m < bm || (m == bm && d < bd)) ? 1 : 0);
}

date_t gen_birth(struct gen_rng *r, date_t day, int lo, int hi)
{
    int y, m, d;
    date_t earliest, latest;

    date_to_ymd(day, &y, &m, &d);
    earliest = gen_ymd(y - hi - 1, m, d) + 1;
    latest = gen_ymd(y - lo, m, d);
    if (latest > day)
        latest = day;
    if (earliest > latest)
        earliest = latest;
    return (date_t)gen_rng_range(r, earliest, latest);
}

/* Easter Sunday of year y (anonymous Gregorian algorithm). */
static date_t easter(int y)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4, f = (b + 8) / 25;
    int g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30, i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31, day = ((h + l - 7 * m + 114) % 31) + 1;

    return gen_ymd(y, month, day);
}

bool gen_workday_p(date_t day)
{
    static const int fixed[][2] = {{1, 1},  {5, 1},  {5, 8},   {7, 14},
                                   {8, 15}, {11, 1}, {11, 11}, {12, 25}};
    int y, m, d;
    date_t e;

    if (date_weekday(day) >= 6)
        return false;
    date_to_ymd(day, &y, &m, &d);
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
        if (fixed[i][0] == m && fixed[i][1] == d)
            return false;
    e = easter(y);
    /* lundi de Pâques, Ascension, lundi de Pentecôte */
    return day != e + 1 && day != e + 39 && day != e + 50;
}

date_t gen_workday(struct gen_rng *r, date_t lo, date_t hi)
{
    if (hi < lo)
        return lo;
    for (int tries = 0; tries < 16; tries++) {
        date_t d = (date_t)gen_rng_range(r, lo, hi);
        if (gen_workday_p(d))
            return d;
    }
    for (date_t d = lo; d <= hi; d++)
        if (gen_workday_p(d))
            return d;
    return lo;
}

date_t gen_next_workday(date_t day)
{
    while (!gen_workday_p(day))
        day++;
    return day;
}

date_t gen_min(date_t a, date_t b)
{
    return a < b ? a : b;
}

date_t gen_max(date_t a, date_t b)
{
    return a > b ? a : b;
}

/* ---- arithmetic ------------------------------------------------------------ */

/*
 * Integers out[i] in [lo[i], hi[i]] summing to total (within the bounds'
 * sums), random around the mean. Integer arithmetic only, so that a seed
 * gives the same amounts on every machine and compiler.
 */
static void split_units(struct gen_rng *r, int64_t total, size_t n, const int64_t *lo,
                        const int64_t *hi, int64_t *out)
{
    int64_t *w = calloc(n ? n : 1, sizeof(*w)), wsum = 0, rest = total, spare = 0, left;

    if (!w)
        die_nomem(n * sizeof(*w));
    for (size_t i = 0; i < n; i++) {
        /* a random share of the item's room: 45 % to 155 % of the mean fill */
        w[i] = (hi[i] - lo[i]) * gen_rng_range(r, 45, 155);
        wsum += w[i];
        rest -= lo[i];
    }
    /* proportional fill, capped by each room; what the caps and floors leave... */
    for (size_t i = 0; i < n; i++) {
        int64_t x = wsum > 0 ? rest / wsum * w[i] + rest % wsum * w[i] / wsum : 0;
        if (x > hi[i] - lo[i])
            x = hi[i] - lo[i];
        out[i] = lo[i] + x;
    }
    left = total;
    for (size_t i = 0; i < n; i++) {
        left -= out[i];
        spare += hi[i] - out[i];
    }
    /* ...goes where there is room left, in proportion, then one unit at a time */
    if (left > 0 && spare > 0) {
        int64_t given = 0;
        for (size_t i = 0; i < n; i++) {
            int64_t room = hi[i] - out[i];
            int64_t add = left / spare * room + left % spare * room / spare;
            out[i] += add;
            given += add;
        }
        left -= given;
    }
    free(w);
    while (left > 0) {
        size_t start = (size_t)gen_rng_range(r, 0, (int64_t)n - 1);
        bool moved = false;
        for (size_t k = 0; k < n && left > 0; k++) {
            size_t i = (start + k) % n;
            if (out[i] < hi[i]) {
                out[i]++;
                left--;
                moved = true;
            }
        }
        assert(moved);
        if (!moved)
            break;
    }
}

int gen_split_bounds(struct gen_rng *r, int64_t total, size_t n, const int64_t *lo,
                     const int64_t *hi, int64_t *out, const char *what, struct err *e)
{
    int64_t sumlo = 0, sumhi = 0;

    for (size_t i = 0; i < n; i++) {
        sumlo += lo[i];
        sumhi += hi[i];
    }
    if (total < sumlo || total > sumhi || (n == 0 && total != 0))
        return err_set(e, ERR_INVALID,
                       "plan impossible (%s) : %lld à répartir en %zu parts (de %lld à %lld au "
                       "total)",
                       what, (long long)total, n, (long long)sumlo, (long long)sumhi);
    split_units(r, total, n, lo, hi, out);
    return 0;
}

int gen_split_int(struct gen_rng *r, int64_t total, size_t n, int64_t lo, int64_t hi, int64_t *out,
                  const char *what, struct err *e)
{
    int64_t *l = calloc(n ? n : 1, sizeof(*l)), *h = calloc(n ? n : 1, sizeof(*h));

    if (!l || !h)
        die_nomem(n * sizeof(*l));
    for (size_t i = 0; i < n; i++) {
        l[i] = lo;
        h[i] = hi;
    }
    if (n == 0 ? total != 0 : (total < lo * (int64_t)n || total > hi * (int64_t)n)) {
        free(l);
        free(h);
        return err_set(e, ERR_INVALID,
                       "plan impossible (%s) : %lld à répartir en %zu parts de %lld à %lld", what,
                       (long long)total, n, (long long)lo, (long long)hi);
    }
    split_units(r, total, n, l, h, out);
    free(l);
    free(h);
    return 0;
}

int gen_split(struct gen_rng *r, int64_t total, size_t n, const int64_t *lo, const int64_t *hi,
              int64_t *out, const char *what, struct err *e)
{
    int64_t *le = calloc(n ? n : 1, sizeof(*le)), *he = calloc(n ? n : 1, sizeof(*he));
    int64_t sumlo = 0, sumhi = 0, cents = total % 100;
    int rc = 0;

    if (!le || !he)
        die_nomem(n * sizeof(*le));
    for (size_t i = 0; i < n; i++) {
        le[i] = (lo[i] + 99) / 100;
        he[i] = hi[i] / 100;
        if (he[i] < le[i])
            he[i] = le[i];
        sumlo += le[i];
        sumhi += he[i];
    }
    if (total < 0 || (n == 0 && total != 0) || total / 100 < sumlo || total / 100 > sumhi) {
        rc = err_set(e, ERR_INVALID,
                     "plan impossible (%s) : %lld,%02lld € à répartir en %zu montants entre %lld "
                     "et %lld € au total",
                     what, (long long)(total / 100), (long long)(total % 100), n, (long long)sumlo,
                     (long long)sumhi);
        goto out;
    }
    split_units(r, total / 100, n, le, he, out);
    for (size_t i = 0; i < n; i++)
        out[i] *= 100;
    if (cents) {
        /* the cents go to one amount that has room for them */
        size_t start = (size_t)gen_rng_range(r, 0, (int64_t)n - 1), k;
        for (k = 0; k < n; k++) {
            size_t i = (start + k) % n;
            if (out[i] + cents <= hi[i]) {
                out[i] += cents;
                break;
            }
            if (out[i] - 100 + cents >= lo[i] && out[i] - 100 + cents <= hi[i]) {
                /* take one euro here, give it back where there is room */
                for (size_t j = 0; j < n; j++)
                    if (j != i && out[j] + 100 <= hi[j]) {
                        out[i] += cents - 100;
                        out[j] += 100;
                        break;
                    }
                if (out[i] % 100 != 0)
                    break;
            }
        }
        if (k == n)
            rc = err_set(e, ERR_INVALID, "plan impossible (%s) : pas de place pour %lld centimes",
                         what, (long long)cents);
    }
out:
    free(le);
    free(he);
    return rc;
}

void gen_alloc(int64_t total, const int64_t *w, size_t n, int64_t *out)
{
    int64_t wsum = 0, given = 0;
    int64_t *rem;
    size_t *idx;

    for (size_t i = 0; i < n; i++)
        wsum += w[i];
    if (n == 0)
        return;
    if (wsum <= 0) {
        for (size_t i = 0; i < n; i++)
            out[i] = i == 0 ? total : 0;
        return;
    }
    rem = calloc(n, sizeof(*rem));
    idx = calloc(n, sizeof(*idx));
    if (!rem || !idx)
        die_nomem(n * sizeof(*rem));
    for (size_t i = 0; i < n; i++) {
        out[i] = total * w[i] / wsum;
        rem[i] = total * w[i] % wsum;
        given += out[i];
        idx[i] = i;
    }
    /* largest remainders first, ties to the lower index: deterministic */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && (rem[idx[j]] > rem[idx[j - 1]]); j--) {
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    for (size_t k = 0; given < total; k = (k + 1) % n, given++)
        out[idx[k]]++;
    free(rem);
    free(idx);
}

int64_t gen_percent(int64_t num, int64_t den)
{
    assert(den > 0);
    return num >= 0 ? (200 * num + den) / (2 * den) : -((-200 * num + den) / (2 * den));
}

int gen_shares(int64_t total, const int *pct, size_t n, int64_t *out, const char *what,
               struct err *e)
{
    int64_t w[16] = {0};

    assert(n <= ARRAY_SIZE(w));
    for (size_t i = 0; i < n; i++)
        w[i] = pct[i];
    gen_alloc(total, w, n, out);
    for (size_t i = 0; i < n; i++)
        if (total <= 0 || gen_percent(out[i], total) != pct[i])
            return err_set(e, ERR_INVALID,
                           "plan impossible (%s) : aucune répartition de %lld ne donne %d %%", what,
                           (long long)total, pct[i]);
    return 0;
}

/* ---- vectors ----------------------------------------------------------------- */

void gen_vec_push(struct gen_vec *v, int32_t x)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 64;
        int32_t *grown = realloc(v->v, cap * sizeof(*grown));
        if (!grown)
            die_nomem(cap * sizeof(*grown));
        v->v = grown;
        v->cap = cap;
    }
    v->v[v->n++] = x;
}

void gen_vec_release(struct gen_vec *v)
{
    free(v->v);
    memset(v, 0, sizeof(*v));
}
