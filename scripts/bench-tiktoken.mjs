#!/usr/bin/env node
// Single-thread GPT-2 BPE encoding throughput of the npm tokenizers, on one file encoded
// whole in one call (as a user would call them):
//   tiktoken       OpenAI's Rust core compiled to WASM: encode_ordinary(text)
//   js-tiktoken    pure JavaScript port: encode(text, [], []) (no special tokens allowed or
//                  checked for, i.e. encode_ordinary)
//   gpt-3-encoder  pure JavaScript port of GPT-2's encoder.py: encode(text); skipped for
//                  files above --max-slow-bytes, default 128 KiB: its time grows with the
//                  square of the file size (it appends each pre-token's ids to the result
//                  with Array.concat, which copies the whole result every time); 322 KB
//                  take about 50 s, 60 MB would take days
//
//   node scripts/bench-tiktoken.mjs FILE [--runs N] [--max-slow-bytes B]
//
// Each tokenizer encodes once to warm up (and to check that its ids equal tiktoken's), then
// N times (default 5); throughput is the file's UTF-8 bytes / the median time, in MB/s
// (10^6 bytes). Reading and UTF-8 decoding the file and building the tokenizers are not
// timed. Prints a JSON object on stdout and a short table on stderr.
// Exit status 2 with a message naming the file on bad input.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const npmDir = join(root, "datasets", "npm");

function die(msg) {
  console.error(`bench-tiktoken: ${msg}`);
  process.exit(2);
}

function usage() {
  console.error("usage: node scripts/bench-tiktoken.mjs FILE [--runs N] [--max-slow-bytes B]");
  process.exit(2);
}

let file = null;
let runs = 5;
let maxSlowBytes = 131_072;
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--runs" || a === "--max-slow-bytes") {
    const v = Number(argv[++i]);
    if (!Number.isInteger(v) || v < (a === "--runs" ? 1 : 0)) usage();
    if (a === "--runs") runs = v;
    else maxSlowBytes = v;
  } else if (a.startsWith("-") || file !== null) {
    usage();
  } else {
    file = a;
  }
}
if (file === null) usage();

let buf;
try {
  buf = readFileSync(file);
} catch (e) {
  die(`cannot read ${file}: ${e.message}`);
}
const text = buf.toString("utf8");
if (!Buffer.from(text, "utf8").equals(buf)) die(`${file} is not valid UTF-8`);

const require = createRequire(join(npmDir, "package.json"));
function load(name) {
  try {
    return require(name);
  } catch (e) {
    die(`cannot load ${name} from datasets/npm/node_modules: ${e.message} (run scripts/setup-datasets.sh)`);
  }
}
const version = (name) => JSON.parse(readFileSync(join(npmDir, "node_modules", name, "package.json"), "utf8")).version;

const tiktoken = load("tiktoken");
const { Tiktoken: JsTiktoken } = load("js-tiktoken/lite");
const jsRanks = load("js-tiktoken/ranks/gpt2");
const gpt3 = load("gpt-3-encoder");

const wasmEnc = tiktoken.get_encoding("gpt2");
const jsEnc = new JsTiktoken(jsRanks.default ?? jsRanks);
const tokenizers = [
  { name: "tiktoken", version: version("tiktoken"), impl: "Rust/WASM", encode: (t) => wasmEnc.encode_ordinary(t) },
  { name: "js-tiktoken", version: version("js-tiktoken"), impl: "JavaScript", encode: (t) => jsEnc.encode(t, [], []) },
  {
    name: "gpt-3-encoder",
    version: version("gpt-3-encoder"),
    impl: "JavaScript",
    encode: (t) => gpt3.encode(t),
    skip: buf.length > maxSlowBytes ? `skipped: the file is larger than --max-slow-bytes ${maxSlowBytes}` : null,
  },
];

function seconds(fn) {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [Number(process.hrtime.bigint() - t0) / 1e9, r];
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const loadBefore = loadavg();
let reference = null;
const results = [];
for (const tk of tokenizers) {
  const row = { name: tk.name, version: tk.version, impl: tk.impl };
  if (tk.skip) {
    row.skipped = tk.skip;
    results.push(row);
    continue;
  }
  const [warm, ids] = seconds(() => tk.encode(text));
  if (reference === null) reference = ids;
  row.tokens = ids.length;
  row.ids_match_tiktoken = ids.length === reference.length && ids.every((x, i) => x === reference[i]);
  row.warmup_s = warm;
  row.runs_s = [];
  for (let r = 0; r < runs; r++) row.runs_s.push(seconds(() => tk.encode(text))[0]);
  row.median_s = median(row.runs_s);
  row.mb_per_s = buf.length / 1e6 / row.median_s;
  results.push(row);
}
wasmEnc.free();

const report = {
  file,
  bytes: buf.length,
  runs,
  encoding: "gpt2",
  node: process.version,
  cpu: cpus()[0]?.model ?? "?",
  loadavg_before: loadBefore.map((x) => Number(x.toFixed(2))),
  loadavg_after: loadavg().map((x) => Number(x.toFixed(2))),
  results,
};
console.log(JSON.stringify(report, null, 2));

const lines = [`${file}: ${(buf.length / 1e6).toFixed(2)} MB, gpt2, median of ${runs} runs after one warm-up, load ${report.loadavg_before[0]} -> ${report.loadavg_after[0]}`];
lines.push("tokenizer      version  impl        tokens      median s   MB/s   ids = tiktoken");
for (const r of results) {
  if (r.skipped) {
    lines.push(`${r.name.padEnd(14)} ${r.version.padEnd(8)} ${r.impl.padEnd(11)} ${r.skipped}`);
  } else {
    lines.push(
      `${r.name.padEnd(14)} ${r.version.padEnd(8)} ${r.impl.padEnd(11)} ${String(r.tokens).padStart(10)} ` +
        `${r.median_s.toFixed(3).padStart(10)} ${r.mb_per_s.toFixed(2).padStart(6)}   ${r.ids_match_tiktoken ? "yes" : "NO"}`,
    );
  }
}
console.error(lines.join("\n"));
