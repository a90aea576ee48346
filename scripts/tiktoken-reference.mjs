#!/usr/bin/env node
// Reference token ids of a file, from OpenAI's tiktoken (the npm package: the Rust core
// compiled to WASM), for checking another tokenizer against it.
//
//   node scripts/tiktoken-reference.mjs FILE [--encoding gpt2|cl100k_base]   (default gpt2)
//
// FILE must be valid UTF-8 (checked by a Buffer round trip; exit 2 if not). Its whole content
// is encoded as one string with encode_ordinary (special-token text such as <|endoftext|>
// is ordinary text), and one JSON line is printed:
//   {"encoding":..,"bytes":N,"tokens":T,"fnv1a64":"<16 hex digits>","sha256_input":".."}
// fnv1a64 is 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) over the
// ids in order, each id as 4 bytes little-endian.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ENCODINGS = ["gpt2", "cl100k_base"];

function die(msg) {
  console.error(`tiktoken-reference: ${msg}`);
  process.exit(2);
}

function usage() {
  console.error("usage: node scripts/tiktoken-reference.mjs FILE [--encoding gpt2|cl100k_base]");
  process.exit(2);
}

// 64-bit FNV-1a over the ids, each as 4 little-endian bytes. BigInt throughout; the state is
// kept to 64 bits after each multiplication.
export function fnv1a64(ids) {
  const PRIME = 0x100000001b3n;
  const MASK = 0xffffffffffffffffn;
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    h = ((h ^ BigInt(id & 0xff)) * PRIME) & MASK;
    h = ((h ^ BigInt((id >>> 8) & 0xff)) * PRIME) & MASK;
    h = ((h ^ BigInt((id >>> 16) & 0xff)) * PRIME) & MASK;
    h = ((h ^ BigInt((id >>> 24) & 0xff)) * PRIME) & MASK;
  }
  return h.toString(16).padStart(16, "0");
}

function main(argv) {
  let file = null;
  let encoding = "gpt2";
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--encoding") {
      encoding = argv[++i];
      if (encoding === undefined) usage();
    } else if (a.startsWith("--encoding=")) {
      encoding = a.slice("--encoding=".length);
    } else if (a.startsWith("-") || file !== null) {
      usage();
    } else {
      file = a;
    }
  }
  if (file === null) usage();
  if (!ENCODINGS.includes(encoding)) die(`unknown encoding "${encoding}" (known: ${ENCODINGS.join(", ")})`);

  let buf;
  try {
    buf = readFileSync(file);
  } catch (e) {
    die(`cannot read ${file}: ${e.message}`);
  }
  const text = buf.toString("utf8");
  if (!Buffer.from(text, "utf8").equals(buf)) die(`${file} is not valid UTF-8`);

  let tiktoken;
  try {
    tiktoken = createRequire(join(root, "datasets", "npm", "package.json"))("tiktoken");
  } catch (e) {
    die(`cannot load the tiktoken npm package from datasets/npm/node_modules: ${e.message} (run scripts/setup-datasets.sh)`);
  }
  const enc = tiktoken.get_encoding(encoding);
  let ids;
  try {
    ids = enc.encode_ordinary(text);
  } finally {
    enc.free();
  }
  const result = {
    encoding,
    bytes: buf.length,
    tokens: ids.length,
    fnv1a64: fnv1a64(ids),
    sha256_input: createHash("sha256").update(buf).digest("hex"),
  };
  console.log(JSON.stringify(result));
}

main(process.argv.slice(2));
