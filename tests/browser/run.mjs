// run.mjs: the agents' pages in a real browser (Debian's Chromium driven by
// playwright-core), started by tests/e2e/browser.sh against a real server.
//
// A social worker signs in (after the redirect from a protected page), finds
// a person without accents nor capitals, opens a secours d'urgence and has it
// instructed; the MDS manager sees the home page's figure, makes a mistake in
// the decision form (error summary, message next to the field), then decides;
// the figure changes; the instructor pays; the reception counter records an
// accueil. The MDS manager then decides a commission session in one batch
// (a mistake first: the error is shown next to the row's field), closes it
// and opens the printable minutes; the data officer sees the social
// worker's read of the person's file in the access log. axe-core checks the
// main pages (no violation allowed), and the dossier and home pages are
// photographed for a human look.
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

  // --- the social worker: search, person file, new dossier, instruire ---
  await signIn(page, 'ts', '/personnes');
  await page.getByLabel('Nom', { exact: true }).fill(personName.toUpperCase());
  await page.getByRole('button', { name: 'Rechercher' }).click();
  const link = page.locator('table.donnees tbody a').first();
  check('recherche sans accents ni casse : une personne trouvée', (await link.count()) === 1);
  await link.click();
  await page.waitForLoadState('load');
  check('fiche de la personne', /\/personnes\/P\d+$/.test(page.url()), page.url());
  axeViolations += await axe(page, 'fiche de la personne');
  await page.getByLabel('Dispositif').selectOption('secours_urgence');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.waitForLoadState('load');
  // a mistake first: the amount is missing
  await page.getByRole('button', { name: 'Ouvrir le dossier' }).click();
  check('ouverture sans montant : message près du champ',
    (await page.locator('#fait_montant_demande-erreur').count()) === 1);
  axeViolations += await axe(page, 'formulaire de dossier avec erreurs');
  await page.getByLabel(/Montant demandé/).fill('180,00');
  await page.getByLabel(/Nature du besoin/).selectOption('alimentation');
  await page.getByRole('button', { name: 'Ouvrir le dossier' }).click();
  await page.waitForLoadState('load');
  const dossierUrl = page.url();
  check('dossier ouvert', /\/dossiers\/D\d+$/.test(dossierUrl), dossierUrl);
  check('état Déposé', (await page.locator('#etat').textContent()).includes('Déposé'));
  check('le travailleur social ne peut pas décider',
    (await page.locator('#titre-decider').count()) === 0);
  await page.getByRole('button', { name: 'Instruire le dossier' }).click();
  await page.waitForLoadState('load');
  check('état Instruit', (await page.locator('#etat').textContent()).includes('Instruit'));
  await signOut(page);

  // --- the MDS manager: the figure, a mistake, the decision ---
  await signIn(page, 'cadre', '/');
  const before = await homeFigure(page);
  await page.goto(dossierUrl);
  await page.locator('#decider-decision').selectOption('accord');
  await page.getByRole('button', { name: 'Décider' }).click();
  await page.waitForLoadState('load');
  const summaryLink = page.locator('.resume-erreurs a[href="#decider-montant"]');
  check('accord sans montant : résumé avec un lien vers le champ', (await summaryLink.count()) === 1);
  check('accord sans montant : champ décrit par son message',
    ((await page.locator('#decider-montant').getAttribute('aria-describedby')) || '').includes('decider-montant-erreur'));
  axeViolations += await axe(page, 'dossier avec erreurs');
  await page.locator('#decider-decision').selectOption('accord');
  await page.locator('#decider-montant').fill('180,00');
  await page.getByRole('button', { name: 'Décider' }).click();
  await page.waitForLoadState('load');
  check('état Accordé', (await page.locator('#etat').textContent()).includes('Accordé'));
  const after = await homeFigure(page);
  check('tableau de bord : secours accordés du mois +1',
    Number(after.replace(/\D/g, '')) === Number(before.replace(/\D/g, '')) + 1, `${before} -> ${after}`);
  check('tableau de bord : graphique SVG et tableau',
    (await page.locator('svg[role="img"] title').count()) === 1 && (await page.locator('table.donnees').count()) >= 2);
  axeViolations += await axe(page, 'tableau de bord');
  await page.screenshot({ path: join(shots, 'tableau-de-bord.png'), fullPage: true });
  await signOut(page);

  // --- the instructor pays ---
  await signIn(page, 'instr', new URL(dossierUrl).pathname);
  await page.getByRole('button', { name: 'Payer' }).click();
  await page.waitForLoadState('load');
  check('état Payé', (await page.locator('#etat').textContent()).includes('Payé'));
  check('paiement listé', (await page.locator('#titre-paiements + table tbody tr').count()) === 1);
  axeViolations += await axe(page, 'dossier');
  await page.screenshot({ path: join(shots, 'dossier.png'), fullPage: true });

  // --- the reception counter ---
  await page.goto(base + '/accueil');
  axeViolations += await axe(page, 'accueil du public');
  await page.locator('#motif-accueil_physique').selectOption('logement');
  await page.getByRole('button', { name: 'Enregistrer un accueil physique' }).click();
  await page.waitForLoadState('load');
  check('accueil enregistré', (await page.locator('.message-succes').count()) === 1);

  await signOut(page);

  // --- the MDS manager decides the commission session in one batch ---
  if (seance) {
    await signIn(page, 'cadre', `/seances/${seance}`);
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
