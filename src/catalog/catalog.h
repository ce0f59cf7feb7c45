/*
 * catalog.h: the declarative catalogue of dispositifs (aid schemes, measures,
 * acts), their workflows and the roles that may move them.
 *
 * Loaded from data/catalogue/ (JSON, documented in docs/CATALOGUE.md) and
 * checked entirely at start-up: every workflow state and role referenced
 * exists, every rule compiles against the declared facts and parameters,
 * every parameter has dated values with a legal reference. Nothing about a
 * dispositif is written in C: the engine (src/case/) only knows the fixed
 * set of operations below and reads everything else from here.
 */
#ifndef PROXIMA_CATALOG_CATALOG_H
#define PROXIMA_CATALOG_CATALOG_H

#include "core/compat.h"
#include "core/arena.h"
#include "core/date.h"
#include "core/err.h"
#include "rules/rules.h"

/* Data classes: what kind of personal data a dossier or act holds. */
enum data_class {
    CLASS_NONE = 0, /* "aucune": no sensitive data (reception act without person...) */
    CLASS_SOCIAL,   /* "social" */
    CLASS_HEALTH,   /* "sante" */
    CLASS_CHILD,    /* "protection_enfance" */
    CLASS__COUNT
};
const char *catalog_class_code(enum data_class c);  /* "social" */
const char *catalog_class_label(enum data_class c); /* "données sociales" */
/* "aucune", "social", "sante", "protection_enfance" -> class; -1 if unknown. */
int catalog_class_from_code(const char *code, enum data_class *out);

enum catalog_nature {
    NATURE_DOSSIER, /* "dossier": an application decided once (or on appeal) */
    NATURE_MESURE,  /* "mesure": a measure with a start and an end (AED, ASLL...) */
    NATURE_ACTE,    /* "acte": punctual activity, no workflow (accueil, consultation) */
};
#define CATALOG_NATURE_COUNT 3

enum catalog_beneficiary {
    BENEF_PERSONNE,     /* "personne" */
    BENEF_FOYER,        /* "foyer" */
    BENEF_ORGANISATION, /* "organisation" */
    BENEF_COMMUNE,      /* "commune" */
    BENEF_AUCUN,        /* "aucun": anonymous acts */
};
#define CATALOG_BENEFICIARY_COUNT 5

/* Which site handles a dossier or act, and so which territory it counts in. */
enum catalog_site_rule {
    SITE_MDS_RESIDENCE, /* "mds_residence": competent MDS of the beneficiary's address */
    SITE_MDADT_COMMUNE, /* "mdadt_commune": MDADT of the beneficiary commune */
    SITE_AGENT,         /* "site_agent": the site where the agent records it */
    SITE_CENTRAL,       /* "central": a central direction, no territory */
};
#define CATALOG_SITE_RULE_COUNT 4

/*
 * Codes of the enums above as written in the catalogue files ("dossier",
 * "foyer", "mds_residence"), French labels for display, and the reverse
 * look-ups (0, or -1 when the code is unknown; nothing is set then).
 */
const char *catalog_nature_code(enum catalog_nature n);
const char *catalog_nature_label(enum catalog_nature n);
int catalog_nature_from_code(const char *code, enum catalog_nature *out);
const char *catalog_beneficiary_code(enum catalog_beneficiary b);
const char *catalog_beneficiary_label(enum catalog_beneficiary b);
int catalog_beneficiary_from_code(const char *code, enum catalog_beneficiary *out);
const char *catalog_site_rule_code(enum catalog_site_rule r);
const char *catalog_site_rule_label(enum catalog_site_rule r);
int catalog_site_rule_from_code(const char *code, enum catalog_site_rule *out);

/* The fixed operations of the engine; workflows say when each is allowed. */
enum catalog_op {
    OP_OUVRIR,              /* "ouvrir" */
    OP_DEMANDER_PIECES,     /* "demander_pieces" */
    OP_COMPLETER,           /* "completer" */
    OP_INSTRUIRE,           /* "instruire" */
    OP_INSCRIRE_COMMISSION, /* "inscrire_commission" */
    OP_DECIDER,             /* "decider" */
    OP_NOTIFIER,            /* "notifier" */
    OP_PAYER,               /* "payer" */
    OP_DEBUTER_MESURE,      /* "debuter_mesure" */
    OP_TERMINER_MESURE,     /* "terminer_mesure" */
    OP_CLORE,               /* "clore" */
    OP_ROUVRIR,             /* "rouvrir" */
    OP_FORMER_RECOURS,      /* "former_recours" */
    OP__COUNT
};
const char *catalog_op_code(enum catalog_op op);
int catalog_op_from_code(const char *code, enum catalog_op *out);
const char *catalog_op_label(enum catalog_op op); /* "former un recours" */
/* Every operation's code in enum order, NULL-terminated: "ouvrir" first, so that
   catalog_op_codes + 1 lists the operations on an open dossier. */
static_assert(OP_OUVRIR == 0, "catalog_op_codes + 1 skips ouvrir");
extern const char *const catalog_op_codes[OP__COUNT + 1];

/* Outcomes of OP_DECIDER. */
enum catalog_outcome {
    OUTCOME_ACCORD,      /* "accord" */
    OUTCOME_REFUS,       /* "refus" */
    OUTCOME_AJOURNEMENT, /* "ajournement" */
    OUTCOME_SANS_SUITE,  /* "sans_suite" */
    OUTCOME__COUNT
};
const char *catalog_outcome_code(enum catalog_outcome o);
int catalog_outcome_from_code(const char *code, enum catalog_outcome *out);
const char *catalog_outcome_label(enum catalog_outcome o); /* "ajournement" */
/* Every outcome's code in enum order, NULL-terminated. */
extern const char *const catalog_outcome_codes[OUTCOME__COUNT + 1];

/* The capabilities a role may list in roles.json (NULL-terminated). */
extern const char *const catalog_capabilities[];

/*
 * Types of facts and parameters as written in the catalogue: "booleen",
 * "entier", "montant", "date", "texte" (RULES_ABSENT has no code: NULL).
 */
const char *catalog_type_code(enum rules_type t);
int catalog_type_from_code(const char *code, enum rules_type *out);

/* Names of the rule environment besides the facts (see catalog_name_type). */
#define CATALOG_ENV_PARAM         "param." /* prefix: "param.plafond" */
#define CATALOG_ENV_BIRTH         "personne.date_naissance"
#define CATALOG_ENV_SEX           "personne.sexe"
#define CATALOG_ENV_DATE_DEMANDE  "date_demande"
#define CATALOG_ENV_DATE_DECISION "date_decision"

struct catalog_role {
    const char *code;           /* "travailleur_social" */
    const char *label;          /* "Travailleur social" */
    bool classes[CLASS__COUNT]; /* data classes the role may read */
    const char **capabilities;  /* "personne.lire", "acte.enregistrer"... */
    size_t ncapabilities;
};

struct catalog_transition {
    enum catalog_op op;
    const char **from; /* states it may start from (none for OP_OUVRIR) */
    size_t nfrom;
    /* target state; for OP_DECIDER one per outcome (NULL: outcome not allowed) */
    const char *to;
    const char *to_outcome[OUTCOME__COUNT];
    const struct catalog_role **roles; /* roles allowed to perform it */
    size_t nroles;
};

struct catalog_workflow {
    const char *code;
    const char *label;
    const char **states;
    const char **state_labels; /* parallel to states: "Accordé" */
    size_t nstates;
    const char *initial;       /* the target of the workflow's one OP_OUVRIR transition */
    const char **final_states; /* states in which the dossier is over */
    size_t nfinal;
    struct catalog_transition *transitions;
    size_t ntransitions;
};

struct catalog_fact {
    const char *code;  /* "montant_demande" */
    const char *label; /* "Montant demandé" */
    enum rules_type type;
    bool required; /* must be given at opening (or at completion for "a_completer") */
    bool has_min, has_max;
    int64_t min, max;           /* in the type's unit (cents, days, integer) */
    const char **choices;       /* for texte: allowed values, NULL if free */
    const char **choice_labels; /* parallel to choices, NULL if the catalogue gives none */
    size_t nchoices;
};

struct catalog_param_value {
    date_t from; /* in force from this date (until the next value) */
    struct rules_value value;
    const char *reference; /* legal reference: "RDAS 2021, art. 3.2" */
};

struct catalog_param {
    const char *code;
    const char *label;
    enum rules_type type;
    struct catalog_param_value *values; /* sorted by from */
    size_t nvalues;
};

struct catalog_rule {
    struct rules_expr *expr;
    const char *message; /* French message when the condition is false */
    const char *label;   /* the condition in French words, NULL if none */
};

struct catalog_dispositif {
    const char *code;      /* "secours_urgence" */
    const char *label;     /* "Secours d'urgence" */
    const char *pacte;     /* "solidarites_humaines" */
    const char *politique; /* "insertion", "autonomie", "enfance", "jeunesse", "accueil" */
    enum catalog_nature nature;
    enum catalog_beneficiary beneficiary;
    enum catalog_site_rule site_rule;
    enum data_class data_class;
    bool commission;                         /* decided by a commission */
    const struct catalog_workflow *workflow; /* NULL for acts */
    struct catalog_fact *facts;
    size_t nfacts;
    struct catalog_param *params;
    size_t nparams;
    struct catalog_rule *eligibility; /* all must hold for an accord */
    size_t neligibility;
    struct rules_expr *amount; /* amount granted, NULL if none */
    const char **references;   /* legal references of the dispositif */
    size_t nreferences;
    const char *note; /* modelling note, NULL if none */
    const char *file; /* catalogue file it comes from: "insertion.json" */
};

struct catalog {
    struct arena arena; /* owns everything below */
    struct catalog_role *roles;
    size_t nroles;
    struct catalog_workflow *workflows;
    size_t nworkflows;
    struct catalog_dispositif *dispositifs;
    size_t ndispositifs;
};

/*
 * Load and check every file of dir (data/catalogue): roles.json, then
 * workflows.json, then every other *.json file in byte order of their names,
 * each holding {"dispositifs": [...]}. On error, the message names the file,
 * the dispositif (or role, workflow), the field and the value, and c is left
 * empty (catalog_release on it is harmless). The catalogue is immutable
 * after loading; catalog_release frees it.
 */
int catalog_load(struct catalog *c, const char *dir, struct err *e);
void catalog_release(struct catalog *c);

const struct catalog_dispositif *catalog_find(const struct catalog *c, const char *code);
const struct catalog_role *catalog_role(const struct catalog *c, const char *code);
const struct catalog_fact *catalog_fact(const struct catalog_dispositif *d, const char *code);
const struct catalog_param *catalog_param(const struct catalog_dispositif *d, const char *code);
const struct catalog_workflow *catalog_workflow(const struct catalog *c, const char *code);

/*
 * Label of the value `value` of a choice fact ("Accès non identifié
 * (recevable)" for "acces_non_identifie"); NULL when f gives no label for it
 * (not a choice, no labels in the catalogue, or not one of its values).
 */
const char *catalog_choice_label(const struct catalog_fact *f, const char *value);

/* Label of a state of w ("Accordé"), NULL if w has no such state. */
const char *catalog_state_label(const struct catalog_workflow *w, const char *state);

/* True if w has at least one transition for op. */
bool catalog_workflow_has_op(const struct catalog_workflow *w, enum catalog_op op);

/*
 * The rule environment of d: the type of a name its rules may use, or
 * RULES_ABSENT if the name is not declared. The names are
 *   - d's fact codes, with their declared type;
 *   - "param.<code>" for each of d's parameters (the value in force on the
 *     decision date, see catalog_param_at);
 *   - "personne.date_naissance" (date) and "personne.sexe" (texte "F"/"M"),
 *     when the beneficiary is a person or a household (its applicant);
 *   - "date_demande" (date the dossier was opened) and "date_decision".
 * catalog_load compiles every rule against it; the engine that evaluates a
 * rule supplies values for the same names.
 */
enum rules_type catalog_name_type(const struct catalog_dispositif *d, const char *name);

/* The value of parameter code in force on day (ERR_NOT_FOUND if none yet). */
int catalog_param_at(const struct catalog_dispositif *d, const char *code, date_t day,
                     struct rules_value *out, const char **reference, struct err *e);

/*
 * The transition of d's workflow for op from state, NULL (with ERR_CONFLICT:
 * « opération "payer" impossible dans l'état "refuse" ») if none. For a
 * dossier not opened yet, state is NULL and only OP_OUVRIR is found (its
 * target is the workflow's initial state). An act (no workflow) or a state
 * the workflow does not know are ERR_CONFLICT too.
 */
const struct catalog_transition *catalog_transition(const struct catalog_dispositif *d,
                                                    enum catalog_op op, const char *state,
                                                    struct err *e);

/* True if role may perform t. */
bool catalog_transition_allows(const struct catalog_transition *t, const char *role);

/* True if role has capability ("personne.lire"...). */
bool catalog_role_can(const struct catalog_role *r, const char *capability);

#endif
