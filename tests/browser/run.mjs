// run.mjs: the agents' pages in a real browser (Debian's Chromium driven by
// playwright-core), started by tests/e2e/browser.sh against a real server.
//
// A new MDS social worker handles a secours d'urgence from request to
// payment by clicking only: sign in, the menu, a search without accents nor
// capitals, the person's file (with her acts), "Nouvelle demande" (the choice
// forgotten first), the form with the ceiling in force (an invalid amount
// first: the message next to the field and the summary at the top), then on
// the dossier page each next step offered first: instruction, decision (an
// amount above the rules first, the ceiling stated next to the field),
// notification, payment; the payment on the dossier, the decision and
// payment among the latest operations of the person's file, the home page's
// figure +1. The reception counter records an accueil. The MDS manager finds
// the session in the list of sessions (menu "Commissions"), prepares another
// (a mistake first), decides the session in one batch (a mistake first),
// closes it and opens the printable minutes; the report leads to the
// dossiers behind a figure; the data officer sees the social worker's read
// of the person's file in the access log. Each role's menu shows only what
// it may use. axe-core checks every page visited (no violation allowed).
//
// Environment: BASE_URL, PASSWORD, PERSON_NAME (search text), PERSON_ID,
// SEANCE (session on whose agenda are DOSSIERS, two ids), SHOTS (dir).
import { chromium } from 'playwright-core';
import { readFileSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const base = process.env.BASE_URL;
const password = process.env.PASSWORD;
const personName = process.env.PERSON_NAME || 'lefevre';
const personId = process.env.PERSON_ID;
const seance = process.env.SEANCE;
const [afp, cpc] = (process.env.DOSSIERS || '').split(' ');
const shots = process.env.SHOTS || join(here, 'screenshots');
mkdirSync(shots, { recursive: true });

let checks = 0;
let failures = 0;
function check(name, ok, detail) {
  checks++;
  if (!ok) {
    failures++;
    console.error(`ÉCHEC: ${name}${detail ? ' : ' + detail : ''}`);
  } else {
    console.log(`ok ${checks} - ${name}`);
  }
}

async function axe(page, name) {
  await page.addScriptTag({ content: axeSource });
  const res = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }));
  const v = res.violations;
  check(`axe ${name} : aucune violation`, v.length === 0,
    v.map((x) => `${x.id} (${x.impact}) ${x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`).join('; '));
  return v.length;
}

async function signIn(page, login, target) {
  await page.goto(base + target);
  check(`${login} : redirigé vers la connexion`, page.url().includes('/connexion'), page.url());
  await page.getByLabel('Identifiant').fill(login);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState('load');
  check(`${login} : revenu sur ${target} après la connexion`, new URL(page.url()).pathname === target, page.url());
}

async function signOut(page) {
  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.waitForLoadState('load');
  check('déconnexion : page de connexion', page.url().includes('/connexion'), page.url());
}

async function homeFigure(page) {
  await page.goto(base + '/');
  const cell = page.locator('tr[data-indicateur="su_accordes"] td[data-periode="mois"]');
  return (await cell.textContent()).trim();
}

const userDataDir = mkdtempSync(join(tmpdir(), 'proxima-chromium-'));
// a fresh profile (--user-data-dir): playwright passes it to Chromium itself
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  locale: 'fr-FR',
  bypassCSP: true, // axe-core is injected as a script; the pages themselves need none
  viewport: { width: 1280, height: 900 },
});
let axeViolations = 0;
try {
  const page = await context.newPage();

  // --- sign-in page, the accessibility statement ---
  await page.goto(base + '/connexion');
  axeViolations += await axe(page, 'connexion');
  const wrong = await page.request.get(base + '/static/proxima.css');
  check('feuille de style servie et cacheable', wrong.ok() && /max-age/.test(wrong.headers()['cache-control'] || ''),
    wrong.headers()['cache-control']);
  await page.getByLabel('Identifiant').fill('ts');
  await page.getByLabel('Mot de passe').fill('pas le bon mot de passe');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  check('mauvais mot de passe : résumé des erreurs',
    (await page.locator('.resume-erreurs').count()) === 1 &&
    (await page.locator('#identifiant').getAttribute('aria-invalid')) === 'true');
  await page.goto(base + '/accessibilite');
  check('déclaration : partiellement conforme', (await page.content()).includes('Accessibilité : partiellement conforme'));
  axeViolations += await axe(page, 'accessibilité');

  // --- the walk-through of a new MDS social worker: a secours d'urgence from request to payment,
  // by clicking only (no URL typed after the first page) ---
  await signIn(page, 'ts', '/');
  const before = await homeFigure(page);
  const menu = async () => (await page.locator('nav.menu a').allTextContents()).map((x) => x.trim());
  const tsMenu = await menu();
  check('menu du travailleur social : personnes et accueil, ni commissions ni rapport ni journal',
    tsMenu.includes('Personnes') && tsMenu.includes('Accueil du public') &&
    !tsMenu.includes('Commissions') && !tsMenu.includes('Rapport d\'activité') &&
    !tsMenu.includes('Journal des accès'), tsMenu.join(', '));
  await page.locator('nav.menu').getByRole('link', { name: 'Personnes' }).click();
  await page.waitForLoadState('load');
  await page.getByLabel('Nom', { exact: true }).fill(personName.toUpperCase());
  await page.getByRole('button', { name: 'Rechercher' }).click();
  const link = page.locator('table.donnees tbody a').first();
  check('recherche sans accents ni casse : une personne trouvée', (await link.count()) === 1);
  await link.click();
  await page.waitForLoadState('load');
  check('fiche de la personne', /\/personnes\/P\d+$/.test(page.url()), page.url());
  check('fiche : l\'acte d\'insertion de la personne',
    ((await page.locator('#actes').textContent()) || '').includes('Participation à une action d\'insertion'));
  axeViolations += await axe(page, 'fiche de la personne');
  // "Nouvelle demande": only what the role may open; forgetting the choice is explained
  const offered = await page.locator('#dispositif option').allTextContents();
  // the APA is opened by the instructeur, the permis citoyen by a central direction
  check('nouvelle demande : le secours d\'urgence proposé, ni l\'APA ni le permis citoyen',
    offered.includes('Secours d\'urgence') && !offered.some((x) => x.includes('APA')) &&
    !offered.includes('Permis citoyen'), offered.join(' | '));
  await page.getByRole('button', { name: 'Commencer la demande' }).click();
  await page.waitForLoadState('load');
  check('nouvelle demande sans dispositif : message près du choix',
    (await page.locator('#dispositif-erreur').count()) === 1 &&
    (await page.locator('.resume-erreurs a[href="#dispositif"]').count()) === 1);
  await page.getByLabel('Dispositif demandé').selectOption('secours_urgence');
  await page.getByRole('button', { name: 'Commencer la demande' }).click();
  await page.waitForLoadState('load');
  check('formulaire de demande : le plafond en vigueur est affiché',
    ((await page.locator('dl.parametres').textContent()) || '').includes('350,00'));
  // a mistake first: an amount in words, the need forgotten
  await page.getByLabel(/Montant demandé/).fill('cent euros');
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await page.waitForLoadState('load');
  check('demande invalide : message près du montant',
    ((await page.locator('#fait_montant_demande-erreur').textContent()) || '').includes('montant en euros attendu'));
  check('demande invalide : résumé en tête avec un lien vers chaque champ',
    (await page.locator('.resume-erreurs a[href="#fait_montant_demande"]').count()) === 1 &&
    (await page.locator('.resume-erreurs a[href="#fait_besoin"]').count()) === 1);
  check('demande invalide : la saisie est conservée',
    (await page.getByLabel(/Montant demandé/).inputValue()) === 'cent euros');
  axeViolations += await axe(page, 'formulaire de demande avec erreurs');
  await page.getByLabel(/Montant demandé/).fill('180,00');
  await page.getByLabel(/Nature du besoin/).selectOption('alimentation');
  await page.getByRole('button', { name: 'Enregistrer la demande' }).click();
  await page.waitForLoadState('load');
  const dossierUrl = page.url().replace(/\?.*$/, '');
  check('demande enregistrée : page du dossier', /\/dossiers\/D\d+$/.test(dossierUrl), page.url());
  check('demande enregistrée : message de confirmation',
    ((await page.locator('.message-succes').textContent()) || '').includes('Demande enregistrée'));
  check('état Déposé', (await page.locator('#etat').textContent()).includes('Déposé'));
  check('prochaine étape : terminer l\'instruction',
    (await page.locator('.operation.prochaine h3').textContent()) === 'Terminer l\'instruction');
  axeViolations += await axe(page, 'dossier déposé');
  await page.getByRole('button', { name: 'Terminer l\'instruction' }).click();
  await page.waitForLoadState('load');
  check('état Instruit', (await page.locator('#etat').textContent()).includes('Instruit'));
  check('prochaine étape : la décision, par le travailleur social',
    (await page.locator('.operation.prochaine h3').textContent()) === 'Enregistrer la décision');
  check('décision : le plafond du montant est indiqué près du champ',
    ((await page.locator('#decider-montant-aide').textContent()) || '').includes('au plus 180,00'));
  check('décision : la condition du plafond est remplie',
    (await page.locator('li.condition-remplie').count()) === 1);
  check('décision : la condition est dite en français',
    ((await page.locator('li.condition-remplie').textContent()) || '')
      .includes('Montant demandé dans la limite du plafond fixé par le RDAS'));
  check('faits : le besoin est affiché par son libellé',
    ((await page.locator('section[aria-labelledby="titre-faits"]').textContent()) || '').includes('Alimentation'));
  // a mistake: an accord above what the rules allow
  await page.locator('#decider-decision').selectOption('accord');
  await page.locator('#decider-montant').fill('400,00');
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await page.waitForLoadState('load');
  check('accord au-dessus du plafond : résumé avec un lien vers le montant',
    (await page.locator('.resume-erreurs a[href="#decider-montant"]').count()) === 1);
  check('accord au-dessus du plafond : message près du champ',
    ((await page.locator('#decider-montant-erreur').textContent()) || '').includes('180,00') &&
    ((await page.locator('#decider-montant').getAttribute('aria-describedby')) || '').includes('decider-montant-erreur'));
  check('accord refusé : rien d\'enregistré', (await page.locator('#etat').textContent()).includes('Instruit'));
  axeViolations += await axe(page, 'dossier avec erreurs');
  await page.locator('#decider-decision').selectOption('accord');
  await page.locator('#decider-montant').fill('180,00');
  await page.getByRole('button', { name: 'Enregistrer la décision' }).click();
  await page.waitForLoadState('load');
  check('état Accordé', (await page.locator('#etat').textContent()).includes('Accordé'));
  check('prochaine étape : notifier', (await page.locator('.operation.prochaine h3').textContent()) === 'Notifier la décision');
  await page.getByRole('button', { name: 'Notifier la décision' }).click();
  await page.waitForLoadState('load');
  check('état Notifié', (await page.locator('#etat').textContent()).includes('Notifié'));
  check('paiement : le reste à verser est proposé', (await page.locator('#payer-montant').inputValue()) === '180,00');
  await page.getByRole('button', { name: 'Enregistrer un paiement' }).click();
  await page.waitForLoadState('load');
  check('état Payé', (await page.locator('#etat').textContent()).includes('Payé'));
  check('paiement listé sur le dossier',
    ((await page.locator('#titre-paiements + table tbody').textContent()) || '').includes('180,00'));
  check('tout versé : plus de paiement proposé, clore est la prochaine étape',
    (await page.locator('#titre-payer').count()) === 0 &&
    (await page.locator('.operation.prochaine h3').textContent()) === 'Clore le dossier');
  axeViolations += await axe(page, 'dossier payé');
  await page.screenshot({ path: join(shots, 'dossier.png'), fullPage: true });
  await page.locator('nav.ariane a[href^="/personnes/P"]').click();
  await page.waitForLoadState('load');
  const dossierId = dossierUrl.replace(/.*\//, '');
  const ops = page.locator('#operations tbody tr', { hasText: dossierId });
  check('fiche : les actes du secours (décision, paiement)',
    (await ops.filter({ hasText: 'décision : accord' }).count()) === 1 &&
    (await ops.filter({ hasText: 'payer' }).filter({ hasText: '180,00' }).count()) === 1,
    await page.locator('#operations').textContent());
  check('fiche : le dossier payé parmi les demandes',
    ((await page.locator('#dossiers').textContent()) || '').includes(dossierId));
  axeViolations += await axe(page, 'fiche de la personne après paiement');
  await page.screenshot({ path: join(shots, 'fiche.png'), fullPage: true });
  const after = await homeFigure(page);
  check('tableau de bord : secours accordés du mois +1',
    Number(after.replace(/\D/g, '')) === Number(before.replace(/\D/g, '')) + 1, `${before} -> ${after}`);
  check('tableau de bord : graphique SVG et tableau',
    (await page.locator('svg[role="img"] title').count()) === 1 && (await page.locator('table.donnees').count()) >= 2);
  axeViolations += await axe(page, 'tableau de bord');
  await page.screenshot({ path: join(shots, 'tableau-de-bord.png'), fullPage: true });

  // --- the reception counter ---
  await page.locator('nav.menu').getByRole('link', { name: 'Accueil du public' }).click();
  await page.waitForLoadState('load');
  axeViolations += await axe(page, 'accueil du public');
  await page.locator('#motif-accueil_physique').selectOption('logement');
  await page.getByRole('button', { name: 'Enregistrer un accueil physique' }).click();
  await page.waitForLoadState('load');
  check('accueil enregistré', (await page.locator('.message-succes').count()) === 1);

  await signOut(page);

  // --- the MDS manager decides the commission session in one batch ---
  if (seance) {
    await signIn(page, 'cadre', '/');
    const cadreMenu = await menu();
    check('menu du cadre : commissions et rapport, pas le journal des accès',
      cadreMenu.includes('Commissions') && cadreMenu.includes('Rapport d\'activité') &&
      !cadreMenu.includes('Journal des accès'), cadreMenu.join(', '));
    await page.locator('nav.menu').getByRole('link', { name: 'Commissions' }).click();
    await page.waitForLoadState('load');
    check('séances : la séance à tenir est listée avec ses deux dossiers',
      (await page.locator(`#seances-a-tenir tr:has(a[href="/seances/${seance}"]) td.nombre`).first().textContent()) === '2');
    axeViolations += await axe(page, 'liste des séances');
    // preparing a session: a mistake first
    await page.getByLabel('Commission', { exact: true }).fill('Commission locale du fonds de solidarité logement');
    await page.getByLabel('Date de la séance').fill('2026-04-02');
    await page.getByRole('button', { name: 'Créer la séance' }).click();
    await page.waitForLoadState('load');
    check('séance sans présidence : message près du champ',
      (await page.locator('#presidence-erreur').count()) === 1 &&
      (await page.locator('.resume-erreurs a[href="#presidence"]').count()) === 1);
    axeViolations += await axe(page, 'liste des séances avec erreurs');
    await page.getByLabel('Présidence').fill('Mme Blandine Drain');
    await page.getByRole('button', { name: 'Créer la séance' }).click();
    await page.waitForLoadState('load');
    check('séance créée et listée', (await page.locator('.message-succes').count()) === 1 &&
      (await page.locator('#seances-a-tenir tbody tr').count()) === 2);
    await page.locator(`#seances-a-tenir a[href="/seances/${seance}"]`).click();
    await page.waitForLoadState('load');
    check('séance : ordre du jour de deux dossiers',
      (await page.locator('#ordre-du-jour tbody tr').count()) === 2);
    check('séance : une ligne de décision par dossier',
      (await page.locator('fieldset.ligne-decision').count()) === 2);
    axeViolations += await axe(page, 'séance de commission');
    // a mistake: an accord without its amount, and a refusal with its motive
    await page.locator(`#${afp}-decision`).selectOption('accord');
    await page.locator(`#${cpc}-decision`).selectOption('refus');
    await page.locator(`#${cpc}-motif`).fill('Formation déjà financée par ailleurs');
    await page.getByRole('button', { name: 'Enregistrer les décisions' }).click();
    await page.waitForLoadState('load');
    check('lot sans montant : résumé avec un lien vers le champ de la ligne',
      (await page.locator(`.resume-erreurs a[href="#${afp}-montant"]`).count()) === 1);
    check('lot sans montant : message près du champ',
      (await page.locator(`#${afp}-montant-erreur`).count()) === 1 &&
      ((await page.locator(`#${afp}-montant`).getAttribute('aria-describedby')) || '').includes(`${afp}-montant-erreur`));
    check('lot sans montant : rien d\'enregistré, saisie conservée',
      (await page.locator('fieldset.ligne-decision').count()) === 2 &&
      (await page.locator(`#${cpc}-motif`).inputValue()) === 'Formation déjà financée par ailleurs');
    axeViolations += await axe(page, 'séance avec erreurs');
    await page.locator(`#${afp}-decision`).selectOption('accord');
    await page.locator(`#${afp}-montant`).fill('300,00');
    await page.getByRole('button', { name: 'Enregistrer les décisions' }).click();
    await page.waitForLoadState('load');
    check('lot enregistré', (await page.locator('.message-succes').count()) === 1, page.url());
    check('ordre du jour : accord et refus',
      (await page.locator(`tr[data-dossier="${afp}"] td.decision`).textContent()).includes('accord') &&
      (await page.locator(`tr[data-dossier="${cpc}"] td.decision`).textContent()).includes('refus'));
    await page.getByLabel('Texte du procès-verbal').fill('Quorum atteint : 5 membres présents sur 7.');
    await page.getByRole('button', { name: 'Clore la séance' }).click();
    await page.waitForLoadState('load');
    check('séance close', (await page.locator('#etat').textContent()).includes('Close'));
    await page.getByRole('link', { name: 'Procès-verbal imprimable' }).click();
    await page.waitForLoadState('load');
    const pv = (await page.locator('#proces-verbal').textContent()) || '';
    check('procès-verbal : dossiers et texte', pv.includes(afp) && pv.includes(cpc) && pv.includes('Quorum atteint'), pv.slice(0, 200));
    check('procès-verbal : sans menu', (await page.locator('nav.menu').count()) === 0);
    axeViolations += await axe(page, 'procès-verbal');
    await page.emulateMedia({ media: 'print' });
    check('procès-verbal : le lien de retour n\'est pas imprimé',
      !(await page.locator('.ecran-seulement').isVisible()));
    await page.emulateMedia({ media: 'screen' });

    // --- the activity report: a figure of the MDS leads to its dossiers ---
    const rapport = await page.goto(base + '/rapport?annee=2026');
    check('rapport : page servie', rapport.status() === 200, String(rapport.status()));
    check('rapport : tableau par MDS', (await page.locator('#tableau-mds th[scope="row"]').count()) > 0);
    axeViolations += await axe(page, 'rapport d\'activité');
    const figure = page.locator('#tableau-mds a[href*="zone=calaisis"]').first();
    check('rapport : chiffres du Calaisis en lien', (await figure.count()) === 1);
    check('rapport : pas de lien hors de ses MDS',
      (await page.locator('#tableau-mds a[href*="zone=ternois"]').count()) === 0);
    const su = page.locator('#tableau-mds tr[data-indicateur="su_accordes"] a[href*="zone=calaisis"]');
    if ((await su.count()) === 1) {
      await su.click();
      await page.waitForLoadState('load');
      check('explication : le dossier accordé est listé',
        (await page.locator('#identifiants a[href^="/dossiers/"]').count()) >= 1, page.url());
      axeViolations += await axe(page, 'dossiers d\'un indicateur');
    } else {
      check('rapport : ligne su_accordes en lien', false);
    }
    const doc = await page.request.get(base + '/rapport/document?annee=2026');
    check('rapport complet : document HTML', doc.ok() && (await doc.text()).includes('<html'), String(doc.status()));
    await signOut(page);
  }

  // --- the data officer: who read the person's file ---
  if (personId) {
    await signIn(page, 'dpd', '/journal-acces');
    const dpdMenu = await menu();
    check('menu du délégué : le journal des accès, ni personnes ni commissions',
      dpdMenu.includes('Journal des accès') && !dpdMenu.includes('Personnes') && !dpdMenu.includes('Commissions'),
      dpdMenu.join(', '));
    axeViolations += await axe(page, 'journal des accès (recherche)');
    await page.getByLabel('Identifiant de la personne').fill(personId);
    await page.getByRole('button', { name: 'Afficher le journal' }).click();
    await page.waitForLoadState('load');
    const rows = page.locator('#journal tbody tr');
    const tsRead = rows.filter({ has: page.locator('td:nth-child(2)', { hasText: /^ts$/ }) })
      .filter({ hasText: 'Consultation' })
      .filter({ hasText: 'fiche de la personne' });
    check('journal : la consultation de la fiche par le travailleur social',
      (await rows.count()) > 0 && (await tsRead.count()) >= 1);
    check('journal : dates en français',
      /^\d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}$/.test(((await rows.first().locator('td').first().textContent()) || '').trim()));
    axeViolations += await axe(page, 'journal des accès');
    const refused = await page.request.get(base + `/dossiers/${afp || 'D0000001'}`, { maxRedirects: 0 });
    check('le délégué ne lit pas les dossiers', refused.status() === 403, String(refused.status()));
    await signOut(page);
    await signIn(page, 'ts', '/personnes');
    const denied = await page.goto(base + `/journal-acces?personne=${personId}`);
    check('le travailleur social ne lit pas le journal', denied.status() === 403, String(denied.status()));
  }

  // --- the keyboard: the skip link is the first stop ---
  await page.goto(base + '/');
  await page.keyboard.press('Tab');
  check('lien d\'évitement au premier Tab',
    (await page.evaluate(() => document.activeElement && document.activeElement.textContent)) === 'Aller au contenu');
} catch (err) {
  failures++;
  console.error(`ÉCHEC: exception : ${err && err.stack ? err.stack : err}`);
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
console.log(`${checks - failures} passed, ${failures} failed (axe : ${axeViolations} violation(s))`);
process.exit(failures === 0 ? 0 : 1);
