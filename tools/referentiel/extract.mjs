// Extract the communes and EPCIs of one département from the yearly
// vintages ("millésimes") of @etalab/decoupage-administratif, and write
// dated versions: a vintage Y describes the state at 1 January Y.
// Usage: node extract.mjs OUTDIR [DEPARTEMENT]
// Run once by hand (npm ci && npm run extract); its output is committed in
// data/ref/ with SOURCES.md. proxima itself never runs node.
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const outDir = process.argv[2] ?? '../../data/ref';
const dep = process.argv[3] ?? '62';
const years = [2022, 2023, 2024, 2025, 2026];
const pkg = (y) => `da-${y}`;

const csvCell = (v) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};
const csv = (header, rows) =>
  [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';

// state[year] = Map(code -> {name, postcodes, population, epci})
const communeStates = new Map(); // code -> [{year, key, row}]
const epcis = new Map(); // siren -> {name, kind, years:Set}
const successors = new Map(); // old code -> {code, year}
const versions = {};

for (const y of years) {
  const base = pkg(y);
  versions[y] = require(`${base}/package.json`).version;
  const communes = require(`${base}/data/communes.json`).filter(
    (c) => c.departement === dep && c.type === 'commune-actuelle');
  const epciList = require(`${base}/data/epci.json`);
  const epciOf = new Map();
  for (const e of epciList) {
    for (const m of e.membres) {
      if (!m.code.startsWith(dep)) continue;
      epciOf.set(m.code, e.code);
      if (!epcis.has(e.code)) epcis.set(e.code, { name: e.nom, kind: e.type, years: new Set() });
      const rec = epcis.get(e.code);
      rec.name = e.nom; // the newest name wins
      rec.kind = e.type;
      rec.years.add(y);
    }
  }
  for (const c of communes) {
    for (const old of c.anciensCodes ?? []) {
      if (!successors.has(old)) successors.set(old, { code: c.code, year: y });
    }
    const row = {
      name: c.nom,
      postcodes: (c.codesPostaux ?? []).slice().sort().join(' '),
      population: c.population ?? '',
      vintage: `INSEE, population municipale en vigueur au 1er janvier ${y}`,
      epci: epciOf.get(c.code) ?? '',
    };
    if (!communeStates.has(c.code)) communeStates.set(c.code, []);
    communeStates.get(c.code).push({ year: y, row });
  }
}

const last = years[years.length - 1];
const end = (y) => `${y - 1}-12-31`; // day before 1 January y
const communeRows = [];
const memberRows = [];
for (const [code, states] of [...communeStates].sort()) {
  // merge consecutive identical states into versions
  let cur = null;
  const flush = (untilYear) => {
    if (!cur) return;
    communeRows.push([code, `${cur.from}-01-01`, untilYear ? end(untilYear) : '',
      cur.row.name, cur.row.postcodes, cur.row.population, cur.row.vintage,
      untilYear && !cur.alive ? '' : '']);
  };
  let prevYear = null;
  for (const s of states) {
    const same = cur && prevYear === s.year - 1 && cur.row.name === s.row.name &&
      cur.row.postcodes === s.row.postcodes && cur.row.population === s.row.population;
    if (!same) {
      flush(cur ? s.year : null);
      cur = { from: s.year, row: s.row };
    }
    prevYear = s.year;
  }
  const gone = prevYear !== last;
  flush(gone ? prevYear + 1 : null);
  if (gone) {
    const succ = successors.get(code);
    communeRows[communeRows.length - 1][7] = succ ? succ.code : '';
  }
  // EPCI memberships, merged the same way
  let m = null;
  prevYear = null;
  const flushM = (untilYear) => {
    if (m && m.epci) memberRows.push([m.epci, code, `${m.from}-01-01`, untilYear ? end(untilYear) : '']);
  };
  for (const s of states) {
    if (!m || m.epci !== s.row.epci || prevYear !== s.year - 1) {
      flushM(m ? s.year : null);
      m = { from: s.year, epci: s.row.epci };
    }
    prevYear = s.year;
  }
  flushM(prevYear !== last ? prevYear + 1 : null);
}

const epciRows = [...epcis].sort().map(([siren, e]) => [siren, e.name, e.kind,
  `${Math.min(...e.years)}-01-01`, Math.max(...e.years) === last ? '' : end(Math.max(...e.years) + 1)]);

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'communes.csv'), csv(
  ['code', 'valid_from', 'valid_to', 'nom', 'codes_postaux', 'population', 'population_source', 'successeur'],
  communeRows));
writeFileSync(join(outDir, 'epci.csv'), csv(['siren', 'nom', 'nature', 'valid_from', 'valid_to'], epciRows));
writeFileSync(join(outDir, 'epci-membres.csv'), csv(['epci', 'commune', 'valid_from', 'valid_to'], memberRows));
writeFileSync(join(outDir, 'millesimes.csv'), csv(['annee', 'paquet', 'version'],
  years.map((y) => [y, '@etalab/decoupage-administratif', versions[y]])));
console.log(`${communeRows.length} versions de communes, ${epciRows.length} EPCI, ${memberRows.length} appartenances`);
