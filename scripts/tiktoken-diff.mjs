// Differential test of `stratbench tokenize` against the tiktoken npm package on random
// strings built to stress pre-tokenization: many scripts, digits of other scripts, every
// kind of Unicode whitespace, contractions in both cases (and U+017F), CR/LF runs, combining
// marks, emoji and astral letters.
//
// usage: node scripts/tiktoken-diff.mjs [CASES] [SEED]
//   STRATBENCH_BIN (default build/release/bin/stratbench); tiktoken from datasets/npm.
// Prints the first mismatches and exits 1 if there is any.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(process.env.TIKTOKEN_NPM_DIR || path.join(root, "datasets/npm"), "package.json"));
const { get_encoding } = require("tiktoken");
const bin = process.env.STRATBENCH_BIN || path.join(root, "build/release/bin/stratbench");
const cases = Number(process.argv[2] || 300);
let seed = Number(process.argv[3] || 1);

function rand() {  // xorshift32: reproducible across node versions
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed / 4294967296;
}
const pick = (a) => a[Math.floor(rand() * a.length)];
const atoms = [
  "a", "Z", "hello", " world", "Straße", "ſ", "'s", "'S", "'ſ", "'ll", "'LL", "'Re", "'ve", "'d", "'m", "'t", "'x",
  "don't", "I'M", "0", "12", "12345", "٣٤٥", "Ⅻ", "²", "½", "१२३", " ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\n\n",
  " \n", "\u00a0", "\u3000", "\u2028", "\u0085", "\u200b", "\u000b", "\u000c", "!", "?!", "...", "—", "«", "»", "\"",
  "(", ")", "{", "}", "<|endoftext|>", "é", "e\u0301", "ñ", "Ω", "жизнь", "γειά", "日本語", "中文", "한국어", "ไทย",
  "עברית", "مرحبا", "😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "𝔘𝔫𝔦", "𐐷", "$", "%", "@", "#", "\\", "/", "_", "-", "+", "=",
  "x1", "1x", " 1", " !", "!a", "\u0300", "ǅ", "ʰ", "ー", "〇",
];

const encs = { gpt2: get_encoding("gpt2"), cl100k_base: get_encoding("cl100k_base") };
let bad = 0;
for (let i = 0; i < cases; i++) {
  let s = "";
  const n = 1 + Math.floor(rand() * 12);
  for (let j = 0; j < n; j++) s += pick(atoms);
  for (const [name, enc] of Object.entries(encs)) {
    const want = Array.from(enc.encode_ordinary(s));
    const got = JSON.parse(execFileSync(bin, ["tokenize", "--encoding", name], { input: s }).toString());
    if (JSON.stringify(want) !== JSON.stringify(got)) {
      if (++bad <= 10) console.log(`MISMATCH ${name} ${JSON.stringify(s)}\n  tiktoken ${JSON.stringify(want)}\n  ours     ${JSON.stringify(got)}`);
    }
  }
}
console.log(`${cases} strings x 2 encodings: ${bad} mismatches`);
process.exit(bad ? 1 : 0);
