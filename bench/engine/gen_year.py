#!/usr/bin/env python3
"""gen_year.py: a deterministic year (2022) of a Département's case events,
in the proxima-journal/1 format of docs/FORMAT.md, for the engine benchmark.

Families arrive every day (a household, its members as persons, their
membership), some ask for a secours d'urgence (opened, instructed, decided,
notified, paid, closed), some for an aide financière personnalisée decided
in the fortnightly commission of their MDS (sessions created, dossiers
scheduled, decided in session, sessions closed), some sign an RSA contract
(a measure started and ended); agents record reception acts and PMI
consultations; people move; members leave; organisations are registered.
Every event is valid against the shipped catalogue and referential, in
journal order, recorded on the day of the operation.

usage: gen_year.py --communes COMMUNES.csv --events N --out FILE [--seed S]

COMMUNES.csv: "insee,mds,population" lines (the MDS of each commune in
2022), dumped from a database by run.sh. Same arguments, same bytes.
"""
import argparse
import datetime as dt
import heapq
import json
import os
import random
import shutil
import sys
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
YEAR_FIRST = dt.date(2022, 1, 3)
YEAR_LAST = dt.date(2022, 12, 31)

LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Lefèvre", "Dupont", "Lambert", "Bonnet", "François", "Delattre",
              "Vasseur", "Lemaire", "Caron", "Dumont", "Leclercq", "Lecomte", "Hochart", "Boulanger",
              "Fournier", "Benali", "Kaczmarek", "Nowak", "Ouali", "Decroix", "Delannoy", "Deprez"]
FIRST_F = ["Marie", "Sophie", "Inès", "Léa", "Chloé", "Manon", "Camille", "Nathalie", "Sandrine",
           "Aurélie", "Émilie", "Fatima", "Jade", "Louise", "Zoé", "Hélène"]
FIRST_M = ["Jean", "Pierre", "Éric", "Thomas", "Lucas", "Hugo", "Karim", "Nicolas", "Julien",
           "Franck", "David", "Mehdi", "Louis", "Gabriel", "Théo", "Stéphane"]
STREETS = ["rue de la Gare", "rue Jean Jaurès", "place du Général de Gaulle", "rue Victor Hugo",
           "rue Pasteur", "avenue de la République", "rue des Écoles", "rue du Moulin"]
BESOINS = ["alimentation", "hygiene", "energie", "transport", "sante", "logement", "autre"]
OBJETS_AFP = ["logement", "energie", "mobilite", "sante", "equipement", "dettes", "autre"]
MOTIFS_ACCUEIL = ["rsa_insertion", "logement", "aide_financiere", "enfance_famille", "pmi",
                  "autonomie", "rendez_vous", "information", "demarche_administrative", "autre"]
ORIENTATIONS = ["travailleur_social", "pmi", "autonomie", "insertion", "partenaire", "aucune"]


def load_communes(path):
    communes, weights, by_mds = [], [], {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            code, mds, pop = line.split(",")
            communes.append((code, mds))
            weights.append(max(1, int(pop or 1)))
            by_mds.setdefault(mds, []).append(code)
    return communes, weights, by_mds


def money(cents):
    return "%d.%02d" % (cents // 100, cents % 100)


class Year:
    def __init__(self, communes_csv, target, seed):
        self.r = random.Random(seed)
        self.communes, self.weights, self.by_mds = load_communes(communes_csv)
        self.mds_of = dict(self.communes)
        self.mds_list = sorted(self.by_mds)
        # cumulative weights, for a fast weighted choice
        self.cum = []
        acc = 0
        for w in self.weights:
            acc += w
            self.cum.append(acc)
        self.scale = target / 1_500_000
        self.target = target
        self.counters = {k: 0 for k in "PFODVAS"}
        self.pending = []      # heap of (day, order, fn, args)
        self.order = 0
        self.today = []        # (type, actor, content) of the day being generated
        self.persons = []      # [id, commune, address_from_day, birth]
        self.children = []     # person ids of young children, for PMI acts
        # [household, applicant, conjoint or None, joined_day, left, applicant's commune]
        self.families = []
        self.family_of = {}    # applicant -> index in families
        self.nirs = set()
        self.sessions = {}     # mds -> list of (date, id)
        self.session_load = {}  # session id -> dossiers decided in it
        self.events = 0

    # ---- helpers ----
    def new_id(self, kind):
        self.counters[kind] += 1
        return "%s%07d" % (kind, self.counters[kind])

    def commune(self):
        x = self.r.random() * self.cum[-1]
        lo, hi = 0, len(self.cum) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cum[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return self.communes[lo][0]

    def agent(self, mds):
        return "ts.%s.%02d" % (mds, self.r.randrange(1, 31))

    def emit(self, type_, actor, content):
        self.today.append((type_, actor, content))

    def later(self, day, fn, *args):
        if day <= YEAR_LAST:
            self.order += 1
            heapq.heappush(self.pending, (day, self.order, fn, args))

    def days(self, day, lo, hi):
        return day + dt.timedelta(days=self.r.randint(lo, hi))

    def birth(self, day, age_lo, age_hi):
        y = day.year - self.r.randint(age_lo, age_hi)
        b = dt.date(y, self.r.randint(1, 12), self.r.randint(1, 28))
        return min(b, day - dt.timedelta(days=1))

    def nir(self, sex, birth, commune):
        for _ in range(5):
            head = "%d%02d%02d%s%03d" % (1 if sex == "M" else 2, birth.year % 100, birth.month,
                                         commune, self.r.randint(1, 999))
            n = head + "%02d" % (97 - int(head) % 97)
            if n not in self.nirs:
                self.nirs.add(n)
                return n
        return None

    # ---- families ----
    def person(self, day, sex, birth, commune, address, adult):
        pid = self.new_id("P")
        c = {"id": pid, "nom": self.r.choice(LAST_NAMES),
             "prenom": self.r.choice(FIRST_F if sex == "F" else FIRST_M),
             "date_naissance": birth.isoformat(), "sexe": sex, "commune": commune,
             "adresse": address, "date": day.isoformat()}
        if adult and self.r.random() < 0.6:
            n = self.nir(sex, birth, commune)
            if n:
                c["nir"] = n
        if adult and self.r.random() < 0.3:
            c["identifiant_interne"] = "IODAS-%d" % (100000 + self.counters["P"])
        if adult and self.r.random() < 0.2:
            c["telephone"] = "03 21 %02d %02d %02d" % (self.r.randrange(100), self.r.randrange(100),
                                                        self.r.randrange(100))
        self.emit("person.created", self.agent(self.mds_of[commune]), c)
        self.persons.append([pid, commune, day, birth])
        return pid

    def family(self, day):
        commune = self.commune()
        mds = self.mds_of[commune]
        address = "%d %s" % (self.r.randint(1, 120), self.r.choice(STREETS))
        actor = self.agent(mds)
        sex = "F" if self.r.random() < 0.6 else "M"
        applicant = self.person(day, sex, self.birth(day, 20, 75), commune, address, True)
        name = self.today[-1][2]["nom"]
        if self.r.random() < 0.4:
            self.today[-1][2]["numero_caf"] = "%07d" % (1000000 + self.counters["P"])
            self.today[-1][2]["role_caf"] = "demandeur"
        conjoint = None
        if self.r.random() < 0.45:
            conjoint = self.person(day, "M" if sex == "F" else "F", self.birth(day, 20, 75),
                                   commune, address, True)
        kids = []
        for _ in range(self.r.choice([0, 0, 1, 1, 2, 3])):
            kid = self.person(day, self.r.choice("FM"), self.birth(day, 0, 17), commune, address,
                              False)
            kids.append(kid)
            if self.persons[-1][3] > day - dt.timedelta(days=6 * 365):
                self.children.append(kid)
        hid = self.new_id("F")
        self.emit("household.created", actor,
                  {"id": hid, "libelle": "Foyer %s" % name, "date": day.isoformat()})
        self.emit("household.member_added", actor,
                  {"foyer": hid, "personne": applicant, "role": "demandeur", "date": day.isoformat()})
        if conjoint:
            self.emit("household.member_added", actor,
                      {"foyer": hid, "personne": conjoint, "role": "conjoint", "date": day.isoformat()})
        for kid in kids:
            self.emit("household.member_added", actor,
                      {"foyer": hid, "personne": kid, "role": "enfant", "date": day.isoformat()})
        self.families.append([hid, applicant, conjoint, day, False, commune])
        fam = len(self.families) - 1
        self.family_of[applicant] = fam
        if self.r.random() < 0.55:
            self.later(self.days(day, 1, 60), self.su_open, fam)
        if self.r.random() < 0.16:
            self.later(self.days(day, 1, 90), self.afp_open, fam)
        if self.r.random() < 0.30:
            self.later(self.days(day, 1, 45), self.cer_open, fam)

    def site_of(self, fam):
        # the applicant's commune today (moves change it)
        return "mds:" + self.mds_of[self.families[fam][5]]

    # ---- secours d'urgence ----
    def su_open(self, day, fam):
        f = self.families[fam]
        did = self.new_id("D")
        asked = self.r.randint(5, 35) * 1000
        site = self.site_of(fam)
        actor = self.agent(site[4:])
        self.emit("dossier.opened", actor, {
            "id": did, "dispositif": "secours_urgence", "beneficiaire_type": "foyer",
            "beneficiaire": f[0], "foyer": f[0], "personne": f[1], "site": site,
            "date": day.isoformat(),
            "faits": {"montant_demande": money(asked), "besoin": self.r.choice(BESOINS)}})
        self.later(self.days(day, 1, 3), self.simple_op, "dossier.instructed", did, actor, None)
        self.later(self.days(day, 4, 9), self.su_decide, did, actor, asked)

    def simple_op(self, day, type_, did, actor, motive):
        c = {"dossier": did, "date": day.isoformat()}
        if motive:
            c["motif"] = motive
        self.emit(type_, actor, c)

    def su_decide(self, day, did, actor, asked):
        if self.r.random() < 0.85:
            granted = asked if self.r.random() < 0.7 else asked // 2
            self.emit("dossier.decided", actor, {"dossier": did, "date": day.isoformat(),
                                                 "decision": "accord", "montant": money(granted)})
            self.later(self.days(day, 1, 2), self.simple_op, "dossier.notified", did, actor, None)
            self.later(self.days(day, 3, 8), self.pay, did, actor, granted, True)
        else:
            self.emit("dossier.decided", actor, {"dossier": did, "date": day.isoformat(),
                                                 "decision": "refus",
                                                 "motif": "ressources suffisantes au regard du RDAS"})
            self.later(self.days(day, 1, 2), self.simple_op, "dossier.notified", did, actor, None)

    def pay(self, day, did, actor, amount, close):
        self.emit("dossier.paid", actor, {"dossier": did, "date": day.isoformat(),
                                          "versement": self.new_id("V"), "montant": money(amount)})
        if close:
            self.later(self.days(day, 10, 30), self.simple_op, "dossier.closed", did, actor,
                       "aide versée")

    # ---- aide financière personnalisée, in commission ----
    def session_for(self, mds, day):
        """The first session of mds sitting after day (created 14 days before it sits)."""
        for date, sid in self.sessions.get(mds, []):
            if date > day:
                return date, sid
        return None, None

    def sessions_of_day(self, day):
        # every other Tuesday, for each MDS, created two weeks ahead
        sit = day + dt.timedelta(days=14)
        if sit.weekday() == 1 and ((sit - dt.date(2022, 1, 11)).days // 7) % 2 == 0 and \
                sit <= YEAR_LAST:
            for mds in self.mds_list:
                sid = self.new_id("S")
                self.emit("commission.session_created", "cadre.%s" % mds, {
                    "id": sid, "commission": "Commission AFP de la MDS %s" % mds,
                    "date": sit.isoformat(), "president": "Mme la vice-présidente",
                    "site": "mds:" + mds})
                self.sessions.setdefault(mds, []).append((sit, sid))
                self.session_load[sid] = 0
                self.later(sit + dt.timedelta(days=1), self.session_close, sid, mds)

    def session_close(self, day, sid, mds):
        n = self.session_load[sid]
        self.emit("commission.session_closed", "cadre.%s" % mds, {
            "id": sid, "date": day.isoformat(),
            "proces_verbal": "Séance du %s : %d dossier%s examiné%s." % (
                (day - dt.timedelta(days=1)).strftime("%d/%m/%Y"), n, "s" if n > 1 else "",
                "s" if n > 1 else "")})

    def afp_open(self, day, fam):
        f = self.families[fam]
        did = self.new_id("D")
        asked = self.r.randint(10, 100) * 1000
        site = self.site_of(fam)
        actor = self.agent(site[4:])
        self.emit("dossier.opened", actor, {
            "id": did, "dispositif": "aide_financiere_personnalisee", "beneficiaire_type": "foyer",
            "beneficiaire": f[0], "foyer": f[0], "personne": f[1], "site": site,
            "date": day.isoformat(),
            "faits": {"montant_demande": money(asked), "objet": self.r.choice(OBJETS_AFP)}})
        self.later(self.days(day, 1, 4), self.afp_instruct, did, actor, asked, site[4:])

    def afp_instruct(self, day, did, actor, asked, mds):
        self.simple_op(day, "dossier.instructed", did, actor, None)
        self.later(self.days(day, 1, 3), self.afp_schedule, did, actor, asked, mds)

    def afp_schedule(self, day, did, actor, asked, mds):
        date, sid = self.session_for(mds, day)
        if not sid:
            return  # no session left this year: the dossier waits
        self.emit("dossier.scheduled", actor, {"dossier": did, "date": day.isoformat(),
                                               "seance": sid})
        self.later(date, self.afp_decide, did, actor, asked, sid, mds)

    def afp_decide(self, day, did, actor, asked, sid, mds):
        self.session_load[sid] += 1
        chair = "cadre.%s" % mds
        if self.r.random() < 0.75:
            granted = asked if self.r.random() < 0.6 else asked * 3 // 4
            self.emit("dossier.decided", chair, {"dossier": did, "date": day.isoformat(),
                                                 "decision": "accord", "montant": money(granted),
                                                 "seance": sid})
            self.later(self.days(day, 2, 4), self.simple_op, "dossier.notified", did, actor, None)
            self.later(self.days(day, 5, 12), self.pay, did, actor, granted, True)
        else:
            self.emit("dossier.decided", chair, {"dossier": did, "date": day.isoformat(),
                                                 "decision": "refus", "seance": sid,
                                                 "motif": "dette déjà prise en charge par le FSL"})
            self.later(self.days(day, 2, 4), self.simple_op, "dossier.notified", did, actor, None)

    # ---- RSA contract (a measure) ----
    def cer_open(self, day, fam):
        f = self.families[fam]
        did = self.new_id("D")
        months = self.r.randint(3, 12)
        site = self.site_of(fam)
        actor = self.agent(site[4:])
        self.emit("dossier.opened", actor, {
            "id": did, "dispositif": "rsa_cer", "beneficiaire_type": "personne",
            "beneficiaire": f[1], "personne": f[1], "site": site, "date": day.isoformat(),
            "faits": {"orientation": self.r.choice(["sociale", "professionnelle"]),
                      "duree_mois": months}})
        self.later(self.days(day, 2, 10), self.cer_decide, did, actor, months)

    def cer_decide(self, day, did, actor, months):
        end = day + dt.timedelta(days=30 * months)
        self.emit("dossier.decided", actor, {"dossier": did, "date": day.isoformat(),
                                             "decision": "accord", "droit_du": day.isoformat(),
                                             "droit_au": end.isoformat()})
        self.later(self.days(day, 1, 5), self.cer_start, did, actor, end)

    def cer_start(self, day, did, actor, end):
        self.simple_op(day, "dossier.measure_started", did, actor, None)
        self.later(end, self.simple_op, "dossier.measure_ended", did, actor, None)

    # ---- acts, moves, departures, organisations ----
    def act(self, day):
        if self.children and self.r.random() < 0.25:
            kid = self.r.choice(self.children)
            p = self.persons[int(kid[1:]) - 1]
            mds = self.mds_of[p[1]]
            self.emit("act.recorded", "pmi.%s.%02d" % (mds, self.r.randrange(1, 11)), {
                "id": self.new_id("A"), "dispositif": "pmi_consultation_enfant",
                "date": day.isoformat(), "site": "mds:" + mds, "personne": kid,
                "faits": {"professionnel": self.r.choice(["medecin", "puericultrice"]),
                          "lieu": self.r.choice(["centre_pmi", "domicile", "permanence"]),
                          "vaccination": self.r.random() < 0.4}})
            return
        mds = self.mds_of[self.commune()]
        facts = {"motif": self.r.choice(MOTIFS_ACCUEIL)}
        if self.r.random() < 0.5:
            facts["orientation"] = self.r.choice(ORIENTATIONS)
        self.emit("act.recorded", "accueil.%s.%02d" % (mds, self.r.randrange(1, 11)), {
            "id": self.new_id("A"),
            "dispositif": "accueil_physique" if self.r.random() < 0.6 else "accueil_telephonique",
            "date": day.isoformat(), "site": "mds:" + mds, "faits": facts})

    def move(self, day):
        p = self.r.choice(self.persons)
        if p[2] >= day:
            return
        commune = self.commune()
        p[1], p[2] = commune, day
        self.emit("person.moved", self.agent(self.mds_of[commune]), {
            "personne": p[0], "commune": commune, "date": day.isoformat(),
            "adresse": "%d %s" % (self.r.randint(1, 120), self.r.choice(STREETS))})
        # a moving applicant takes the household's next dossiers to the new MDS
        if p[0] in self.family_of:
            self.families[self.family_of[p[0]]][5] = commune

    def leave(self, day):
        f = self.r.choice(self.families)
        if not f[2] or f[4] or f[3] >= day:
            return
        f[4] = True
        self.emit("household.member_left", self.agent(self.mds_of[f[5]]),
                  {"foyer": f[0], "personne": f[2], "date": day.isoformat()})

    def organisation(self, day):
        commune = self.commune()
        oid = self.new_id("O")
        self.emit("organisation.created", self.agent(self.mds_of[commune]), {
            "id": oid, "nom": "Association solidaire n° %d" % self.counters["O"],
            "rna": "W62%07d" % self.counters["O"], "commune": commune, "date": day.isoformat()})

    # ---- the year ----
    def rate(self, per_day):
        """An integer count for today, per_day on average (scaled)."""
        x = per_day * self.scale
        n = int(x)
        return n + (1 if self.r.random() < x - n else 0)

    def run(self, out):
        day = YEAR_FIRST
        while day <= YEAR_LAST and self.events < self.target:
            self.today = []
            self.sessions_of_day(day)
            for _ in range(self.rate(272)):
                self.family(day)
            for _ in range(self.rate(3)):
                self.organisation(day)
            while self.pending and self.pending[0][0] == day:
                _, _, fn, args = heapq.heappop(self.pending)
                fn(day, *args)
            for _ in range(self.rate(32)):
                self.move(day)
            for _ in range(self.rate(10)):
                self.leave(day)
            for _ in range(self.rate(1245)):
                self.act(day)
            self.write_day(out, day)
            day += dt.timedelta(days=1)

    def write_day(self, out, day):
        n = len(self.today)
        if self.events + n > self.target:
            n = self.target - self.events
        start = dt.datetime(day.year, day.month, day.day, 8, 0, 0, tzinfo=PARIS)
        step = 36000 / max(n, 1)
        for i in range(n):
            type_, actor, content = self.today[i]
            at = (start + dt.timedelta(seconds=int(i * step))).isoformat()
            out.write('{"type":"%s","date_enregistrement":"%s","acteur":"%s","contenu":%s}\n' % (
                type_, at, actor,
                json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True)))
        self.events += n


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--communes", required=True)
    ap.add_argument("--events", type=int, default=1_500_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=62)
    a = ap.parse_args()
    y = Year(a.communes, a.events, a.seed)
    tmp = a.out + ".corps"
    with open(tmp, "w", encoding="utf-8") as body:
        y.run(body)
    with open(a.out, "w", encoding="utf-8") as out:
        out.write('{"format":"proxima-journal","version":1,"departement":"62",'
                  '"exporte_le":"2023-01-02T08:00:00+01:00","evenements":%d}\n' % y.events)
        with open(tmp, encoding="utf-8") as body:
            shutil.copyfileobj(body, out, 1 << 20)
    os.unlink(tmp)
    print("%d événements écrits dans %s" % (y.events, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
