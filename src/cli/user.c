/*
 * user.c: `proxima user`, agents and their rights: add, grant, revoke,
 * list, password, disable; and the data officer's view of the access log:
 * `access-log PERSON_ID` (who read, changed or was refused that person's
 * file) and `access-log --verify` (the log's hash chain).
 *
 * Passwords never come from the command line (it shows in `ps` and in shell
 * history): from PROXIMA_PASSWORD, else the first line of standard input
 * when it is not a terminal, else a prompt without echo, asked twice.
 *
 * Who acts: with --as LOGIN (PROXIMA_USER), that agent, whose rights are
 * checked (utilisateurs.gerer to manage agents, journal_acces.lire to read
 * the access log) and whose refusals go to the access log; without it, the
 * local operator of the database file, named by --acteur (default
 * "system") in the journal.
 */
#include "core/compat.h"
#include "cli/cli.h"
#include "cli/format.h"

#include <jansson.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include "access/access.h"
#include "catalog/catalog.h"
#include "core/date.h"

#define ACTOR_OPT "[--acteur NOM]"
static const char user_usage[] =
    "proxima user add|grant|revoke|list|password|disable|access-log ...";
static const char add_usage[] = "proxima user add IDENTIFIANT --nom \"Nom Prénom\" " ACTOR_OPT;
static const char grant_usage[] = "proxima user grant IDENTIFIANT ROLE SITE " ACTOR_OPT
                                  " (SITE : mds:calaisis, mdadt:artois, central:dsol, "
                                  "departement:62)";
static const char revoke_usage[] = "proxima user revoke IDENTIFIANT ROLE SITE " ACTOR_OPT;
static const char list_usage[] = "proxima [--json] user list";
static const char password_usage[] = "proxima user password IDENTIFIANT " ACTOR_OPT;
static const char disable_usage[] = "proxima user disable IDENTIFIANT " ACTOR_OPT;
static const char log_usage[] = "proxima [--json] user access-log ID_PERSONNE|--verify " ACTOR_OPT;

/* Room for the longest password accepted, its line end, and one byte to see it is longer. */
#define PW_BUF (ACCESS_PASSWORD_MAX_BYTES + 3)

/*
 * Parse "SUB ARG... [--acteur NOM] [--nom NOM]": the positional arguments
 * go to pos (exactly npos of them), the options to *actor and *name (name
 * NULL when the subcommand takes no --nom).
 */
static int parse_args(struct cli_ctx *c, int argc, char **argv, const char *usage, const char **pos,
                      int npos, const char **actor, const char **name)
{
    int k = 0;

    for (int i = 2; i < argc; i++) {
        const char *v;
        if (cli_opt(c, argc, argv, &i, "--acteur", &v)) {
            if (!v)
                return -1;
            *actor = v;
        } else if (name && cli_opt(c, argc, argv, &i, "--nom", &v)) {
            if (!v)
                return -1;
            *name = v;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage(c, usage, "option inconnue : %s", argv[i]);
        } else if (k < npos) {
            pos[k++] = argv[i];
        } else {
            return cli_usage(c, usage, "argument inattendu : %s", argv[i]);
        }
    }
    if (k < npos)
        return cli_usage(c, usage, "argument manquant");
    return 0;
}

/* Drop the line end; returns false when buf holds no full line (too long). */
static bool chomp(char *buf, bool at_eof)
{
    size_t n = strlen(buf);

    if (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    else if (!at_eof)
        return false;
    if (n && buf[n - 1] == '\r')
        buf[--n] = '\0';
    return true;
}

static int too_long(struct cli_ctx *c)
{
    err_set(&c->err, ERR_INVALID, "mot de passe trop long : plus de %d octets",
            ACCESS_PASSWORD_MAX_BYTES);
    return err_hint(&c->err, "choisissez une phrase de passe plus courte");
}

/* One line typed without echo. */
static int prompt_hidden(struct cli_ctx *c, const char *prompt, char buf[PW_BUF])
{
    struct termios old, quiet;
    bool got;

    fputs(prompt, stderr);
    fflush(stderr);
    if (tcgetattr(STDIN_FILENO, &old) != 0)
        return err_set(&c->err, ERR_IO, "impossible de lire le mot de passe au terminal");
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) != 0)
        return err_set(&c->err, ERR_IO, "impossible de masquer la saisie du mot de passe");
    got = fgets(buf, PW_BUF, stdin) != NULL;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fputc('\n', stderr);
    if (!got)
        return err_set(&c->err, ERR_USAGE, "aucun mot de passe saisi");
    if (!chomp(buf, feof(stdin)))
        return too_long(c);
    return 0;
}

/*
 * The new password of login into buf: PROXIMA_PASSWORD, or the first line of
 * a non-terminal stdin, or typed twice at the terminal (policy checked
 * before the second time).
 */
static int read_password(struct cli_ctx *c, const char *login, char buf[PW_BUF])
{
    const char *env = getenv("PROXIMA_PASSWORD");
    char again[PW_BUF];
    int rc;

    buf[0] = '\0';
    if (env) {
        size_t n = strlen(env);
        if (n > ACCESS_PASSWORD_MAX_BYTES)
            return too_long(c);
        memcpy(buf, env, n + 1);
        return 0;
    }
    if (!isatty(STDIN_FILENO)) {
        if (!fgets(buf, PW_BUF, stdin)) {
            err_set(&c->err, ERR_USAGE, "aucun mot de passe sur l'entrée standard");
            return err_hint(&c->err, "donnez-le dans la variable PROXIMA_PASSWORD ou en "
                                     "première ligne de l'entrée standard, jamais en argument");
        }
        if (!chomp(buf, feof(stdin)))
            return too_long(c);
        return 0;
    }
    if (prompt_hidden(c, "Mot de passe (12 caractères au moins) : ", buf) != 0)
        return -1;
    if (access_password_check(login, buf, &c->err) != 0)
        return -1;
    rc = prompt_hidden(c, "Confirmez le mot de passe : ", again);
    if (rc == 0 && strcmp(buf, again) != 0)
        rc = err_set(&c->err, ERR_INVALID, "les deux saisies du mot de passe diffèrent");
    sodium_memzero(again, sizeof(again));
    return rc;
}

/* What every subcommand sets up: the store, the catalogue when needed, who acts. */
struct user_cmd {
    struct cli_ctx *c;
    struct store *s;
    struct catalog cat;
    bool have_cat;
    const char *actor;      /* journal actor and access-log login */
    const char *grant_used; /* "cli" for the local operator, else the --as grant */
};

static int load_catalog(struct user_cmd *uc)
{
    if (uc->have_cat)
        return 0;
    memset(&uc->cat, 0, sizeof(uc->cat));
    if (catalog_load(&uc->cat, cli_data_path(uc->c, "catalogue"), &uc->c->err) != 0) {
        err_prefix(&uc->c->err, "chargement du catalogue : ");
        return -1;
    }
    uc->have_cat = true;
    return 0;
}

static void user_cmd_release(struct user_cmd *uc)
{
    if (uc->have_cat)
        catalog_release(&uc->cat);
    uc->have_cat = false;
}

/*
 * Open the store and decide who acts. acteur is the --acteur option (NULL
 * if absent), which only the local operator may use.
 */
static int user_cmd_open(struct cli_ctx *c, struct user_cmd *uc, const char *acteur,
                         const char *usage)
{
    memset(uc, 0, sizeof(*uc));
    uc->c = c;
    if (acteur && c->as_login)
        return cli_usage(c, usage, "--acteur et --as s'excluent : l'agent de --as est l'auteur");
    uc->actor = c->as_login ? c->as_login : acteur ? acteur : "system";
    uc->grant_used = "cli";
    uc->s = cli_open_store(c, true);
    return uc->s ? 0 : -1;
}

/*
 * With --as, may that agent exercise capability on t? A refusal is written
 * to the access log (its own transaction) before it is reported.
 */
static int authorise(struct user_cmd *uc, const char *capability, const struct access_target *t)
{
    struct cli_ctx *c = uc->c;
    struct access_user u;
    struct err logerr;

    if (!c->as_login)
        return 0;
    if (load_catalog(uc) != 0 || access_user_load(uc->s, &c->arena, c->as_login, &u, &c->err) != 0)
        return -1;
    if (access_check(&uc->cat, &u, capability, t, &c->arena, &uc->grant_used, &c->err) == 0)
        return 0;
    err_clear(&logerr);
    if (access_log_append(uc->s, c->as_login, "refus", t, NULL, &logerr) != 0)
        fprintf(stderr, "proxima: refusal not logged: %s\n", logerr.message);
    return -1;
}

/* Target of the management of agent login ("" for the whole list). */
static struct access_target agent_target(const char *login)
{
    struct access_target t = {.data_class = CLASS_NONE, .object_type = "agent", .object_id = login};
    return t;
}

static int user_add(struct cli_ctx *c, int argc, char **argv)
{
    const char *login, *acteur = NULL, *name = NULL;
    struct access_target t;
    struct user_cmd uc;
    char pw[PW_BUF];
    int rc = -1;

    if (parse_args(c, argc, argv, add_usage, &login, 1, &acteur, &name) != 0)
        return -1;
    if (!name)
        return cli_usage(c, add_usage, "nom de l'agent manquant (--nom)");
    t = agent_target(login);
    if (user_cmd_open(c, &uc, acteur, add_usage) != 0 ||
        authorise(&uc, "utilisateurs.gerer", &t) != 0)
        goto out;
    if (read_password(c, login, pw) == 0)
        rc = access_user_add(uc.s, login, name, pw, uc.actor, &c->err);
    sodium_memzero(pw, sizeof(pw));
    if (rc != 0)
        goto out;
    if (c->json) {
        rc = cli_print_json(c,
                            json_pack("{s:s, s:s, s:b}", "login", login, "nom", name, "actif", 1));
        goto out;
    }
    printf("Agent %s créé : %s.\n", login, name);
    printf("Il n'a encore aucun droit : « proxima user grant %s ROLE SITE ».\n", login);
out:
    user_cmd_release(&uc);
    return rc;
}

static int user_grant(struct cli_ctx *c, int argc, char **argv, bool grant)
{
    const char *usage = grant ? grant_usage : revoke_usage;
    const char *pos[3], *acteur = NULL;
    struct access_target t;
    struct access_grant g;
    struct user_cmd uc;
    int rc = -1;

    memset(&uc, 0, sizeof(uc));
    if (parse_args(c, argc, argv, usage, pos, 3, &acteur, NULL) != 0)
        return -1;
    g.role = pos[1];
    if (access_site_parse(pos[2], &c->arena, &g, &c->err) != 0)
        return -1;
    t = agent_target(pos[0]);
    if (user_cmd_open(c, &uc, acteur, usage) != 0 || authorise(&uc, "utilisateurs.gerer", &t) != 0)
        goto out;
    if (grant)
        rc = load_catalog(&uc) == 0
                 ? access_user_grant(uc.s, &uc.cat, &g, pos[0], uc.actor, &c->err)
                 : -1;
    else
        rc = access_user_revoke(uc.s, &g, pos[0], uc.actor, &c->err);
    if (rc != 0)
        goto out;
    if (c->json) {
        rc = cli_print_json(c, json_pack("{s:s, s:s, s:s, s:s, s:s}", "login", pos[0], "operation",
                                         grant ? "attribution" : "retrait", "role", g.role,
                                         "site_grid", g.site_grid, "site_code", g.site_code));
        goto out;
    }
    printf("Rôle %s %s %s sur %s:%s.\n", g.role, grant ? "attribué à" : "retiré à", pos[0],
           g.site_grid, g.site_code);
out:
    user_cmd_release(&uc);
    return rc;
}

static int print_list(struct cli_ctx *c, const struct access_user *u, size_t n)
{
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *grants = json_array();
            for (size_t k = 0; k < u[i].ngrants; k++)
                json_array_append_new(grants,
                                      json_pack("{s:s, s:s, s:s}", "role", u[i].grants[k].role,
                                                "site_grid", u[i].grants[k].site_grid, "site_code",
                                                u[i].grants[k].site_code));
            json_array_append_new(arr,
                                  json_pack("{s:s, s:s, s:b, s:o}", "login", u[i].login, "nom",
                                            u[i].name, "actif", u[i].active, "droits", grants));
        }
        return cli_print_json(c, arr);
    }
    if (n == 0) {
        printf("Aucun agent. Créez-en un : « proxima user add IDENTIFIANT --nom \"Nom "
               "Prénom\" ».\n");
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        printf("%s%s : %s (%s)\n", i ? "\n" : "", u[i].login, u[i].name,
               u[i].active ? "actif" : "désactivé");
        if (u[i].ngrants == 0)
            printf("  aucun droit\n");
        for (size_t k = 0; k < u[i].ngrants; k++)
            printf("  %s sur %s:%s\n", u[i].grants[k].role, u[i].grants[k].site_grid,
                   u[i].grants[k].site_code);
    }
    return 0;
}

static int user_list(struct cli_ctx *c, int argc, char **argv)
{
    struct access_target t = agent_target("");
    struct access_user *u;
    struct user_cmd uc;
    size_t n;
    int rc = -1;

    if (argc > 2)
        return cli_usage(c, list_usage, "argument inattendu : %s", argv[2]);
    if (user_cmd_open(c, &uc, NULL, list_usage) == 0 &&
        authorise(&uc, "utilisateurs.gerer", &t) == 0 &&
        access_user_list(uc.s, &c->arena, &u, &n, &c->err) == 0)
        rc = print_list(c, u, n);
    user_cmd_release(&uc);
    return rc;
}

static int user_password(struct cli_ctx *c, int argc, char **argv)
{
    const char *login, *acteur = NULL;
    struct access_target t;
    struct access_user u;
    struct user_cmd uc;
    char pw[PW_BUF];
    int rc = -1;

    if (parse_args(c, argc, argv, password_usage, &login, 1, &acteur, NULL) != 0)
        return -1;
    t = agent_target(login);
    /* an unknown agent is reported before the password is asked for */
    if (user_cmd_open(c, &uc, acteur, password_usage) != 0 ||
        authorise(&uc, "utilisateurs.gerer", &t) != 0 ||
        access_user_load(uc.s, &c->arena, login, &u, &c->err) != 0)
        goto out;
    if (read_password(c, login, pw) == 0)
        rc = access_user_password(uc.s, login, pw, uc.actor, &c->err);
    sodium_memzero(pw, sizeof(pw));
    if (rc != 0)
        goto out;
    if (c->json)
        rc = cli_print_json(
            c, json_pack("{s:s, s:s}", "login", login, "operation", "mot_de_passe_change"));
    else
        printf("Mot de passe de %s changé.\n", login);
out:
    user_cmd_release(&uc);
    return rc;
}

static int user_disable(struct cli_ctx *c, int argc, char **argv)
{
    const char *login, *acteur = NULL;
    struct access_target t;
    struct user_cmd uc;
    int rc = -1;

    if (parse_args(c, argc, argv, disable_usage, &login, 1, &acteur, NULL) != 0)
        return -1;
    t = agent_target(login);
    if (user_cmd_open(c, &uc, acteur, disable_usage) != 0 ||
        authorise(&uc, "utilisateurs.gerer", &t) != 0 ||
        access_user_disable(uc.s, login, uc.actor, &c->err) != 0)
        goto out;
    if (c->json) {
        rc = cli_print_json(c, json_pack("{s:s, s:b}", "login", login, "actif", 0));
        goto out;
    }
    printf("Compte %s désactivé : il ne peut plus se connecter ; ses rôles sont conservés.\n",
           login);
    rc = 0;
out:
    user_cmd_release(&uc);
    return rc;
}

/* "07/03/2022 14:05:09" in Europe/Paris. */
static void format_paris(int64_t t, char out[32])
{
    char day[DATE_ISO_LEN];
    int64_t local = t + paris_utc_offset(t);
    int64_t sec = ((local % 86400) + 86400) % 86400;

    date_format_fr(paris_date_of(t), day);
    snprintf(out, 32, "%s %02d:%02d:%02d", day, (int)(sec / 3600), (int)(sec / 60 % 60),
             (int)(sec % 60));
}

static const char *action_label(const char *action)
{
    if (!strcmp(action, "ecriture"))
        return "écriture";
    if (!strcmp(action, "refus"))
        return "REFUS";
    return action;
}

static int log_verify(struct cli_ctx *c, struct store *s)
{
    int64_t count = 0, first_bad = 0;

    if (access_log_verify(s, &count, &first_bad, &c->err) != 0) {
        if (c->json && c->err.code == ERR_TAMPERED) {
            struct err keep = c->err;
            if (cli_print_json(c, json_pack("{s:b, s:I, s:I, s:s, s:s}", "intact", 0, "lignes",
                                            (json_int_t)count, "premiere_ligne_alteree",
                                            (json_int_t)first_bad, "message", keep.message,
                                            "detail", keep.detail)) != 0)
                return -1;
            c->err = keep;
        }
        return -1;
    }
    if (c->json)
        return cli_print_json(c, json_pack("{s:b, s:I}", "intact", 1, "lignes", (json_int_t)count));
    printf("journal des accès intègre : %lld %s\n", (long long)count,
           count > 1 ? "lignes" : "ligne");
    return 0;
}

static int print_log(struct cli_ctx *c, const char *person, const struct access_log_row *r,
                     size_t n)
{
    if (c->json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            char at[32];
            paris_format_instant(r[i].at, at, sizeof(at));
            json_array_append_new(arr,
                                  json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
                                            (json_int_t)r[i].seq, "date", at, "agent", r[i].login,
                                            "action", r[i].action, "objet_type", r[i].object_type,
                                            "objet_id", r[i].object_id, "droit", r[i].grant_used));
        }
        return cli_print_json(c, json_pack("{s:s, s:o}", "personne", person, "acces", arr));
    }
    if (n == 0) {
        printf("Aucun accès enregistré au dossier de la personne %s.\n", person);
        return 0;
    }
    printf("Accès au dossier de la personne %s, du plus ancien au plus récent :\n\n", person);
    for (size_t i = 0; i < n; i++) {
        char at[32];
        format_paris(r[i].at, at);
        printf("%s  %-9s %-20s %s %s", at, action_label(r[i].action), r[i].login, r[i].object_type,
               r[i].object_id);
        if (*r[i].grant_used)
            printf("  (droit : %s)", r[i].grant_used);
        putchar('\n');
    }
    return 0;
}

static int user_access_log(struct cli_ctx *c, int argc, char **argv)
{
    const char *person = NULL, *acteur = NULL;
    struct access_target t = {.data_class = CLASS_NONE, .object_type = "journal_acces"};
    struct access_log_row *r;
    struct user_cmd uc;
    bool verify = false;
    size_t n;
    int rc = -1;

    for (int i = 2; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--verify")) {
            verify = true;
        } else if (cli_opt(c, argc, argv, &i, "--acteur", &v)) {
            if (!v)
                return -1;
            acteur = v;
        } else if (!person && argv[i][0] != '-') {
            person = argv[i];
        } else {
            return cli_usage(c, log_usage, "argument inattendu : %s", argv[i]);
        }
    }
    if (verify == (person != NULL))
        return cli_usage(c, log_usage, "donnez soit un identifiant de personne, soit --verify");
    t.object_id = person ? person : "";
    t.person_id = person;
    if (user_cmd_open(c, &uc, acteur, log_usage) != 0 ||
        authorise(&uc, "journal_acces.lire", &t) != 0)
        goto out;
    if (verify) {
        rc = log_verify(c, uc.s);
        goto out;
    }
    if (access_log_for_person(uc.s, &c->arena, person, &r, &n, &c->err) != 0)
        goto out;
    /* who accessed a person's file is personal data too: this reading is logged */
    if (access_log_append(uc.s, uc.actor, "lecture", &t, uc.grant_used, &c->err) != 0)
        goto out;
    rc = print_log(c, person, r, n);
out:
    user_cmd_release(&uc);
    return rc;
}

int cmd_user(struct cli_ctx *c, int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(c, user_usage, "sous-commande manquante");
    if (!strcmp(argv[1], "add"))
        return user_add(c, argc, argv);
    if (!strcmp(argv[1], "grant"))
        return user_grant(c, argc, argv, true);
    if (!strcmp(argv[1], "revoke"))
        return user_grant(c, argc, argv, false);
    if (!strcmp(argv[1], "list"))
        return user_list(c, argc, argv);
    if (!strcmp(argv[1], "password"))
        return user_password(c, argc, argv);
    if (!strcmp(argv[1], "disable"))
        return user_disable(c, argc, argv);
    if (!strcmp(argv[1], "access-log"))
        return user_access_log(c, argc, argv);
    return cli_usage(c, user_usage, "sous-commande inconnue : %s", argv[1]);
}
