// run.mjs: the agents' pages in a real browser (Debian's Chromium driven by
// playwright-core), started by tests/e2e/browser.sh against a real server.
//
// A social worker signs in (after the redirect from a protected page), finds
// a person without accents nor capitals, opens a secours d'urgence and has it
// instructed; the MDS manager sees the home page's figure, makes a mistake in
// the decision form (error summary, message next to the field), then decides;
// the figure changes; the instructor pays; the reception counter records an
// accueil. axe-core checks the main pages (no violation allowed), and the
// dossier and home pages are photographed for a human look.
//
// Environment: BASE_URL, PASSWORD, PERSON_NAME (search text), SHOTS (dir).
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
