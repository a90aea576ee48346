// `stratbench serve` driven by a real third-party client: the `openai` npm package (pinned in
// npm/, installed by scripts/setup-openai-client.sh). Starts the server on a free port, then
// through the client: a completion, the same completion streamed (the streamed text must
// equal the whole one and arrive in several chunks, usage included), a streamed chat
// completion, and a refusal the client must surface as a 400 naming the field.
//
// usage: node openai_client.mjs STRATBENCH_BIN MODEL.gguf
// Exit 0 when every check holds; 1 with the failed checks on stderr.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "npm", "package.json"));
let OpenAI;
try {
  OpenAI = require("openai").default;
} catch (e) {
  console.error("openai_client: the openai package is not installed (scripts/setup-openai-client.sh): " + e.message);
  process.exit(1);
}

const [bin, model] = process.argv.slice(2);
if (!bin || !model) {
  console.error("usage: node openai_client.mjs STRATBENCH_BIN MODEL.gguf");
  process.exit(2);
}

const server = spawn(bin, ["serve", "--port", "0", "--model", model, "--ctx", "128", "-s", "sched=continuous"], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    if (m) resolve(Number(m[1]));
  });
  server.on("exit", (code) => reject(new Error("the server exited with " + code + ": " + out)));
  // unref: a pending timer must not keep node alive once the checks are done.
  setTimeout(() => reject(new Error("the server did not listen within 60 s: " + out)), 60000).unref();
});

const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
};

try {
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: "unused", maxRetries: 0 });
  const prompt = "The kernel";

  const whole = await client.completions.create({ model: "teacher", prompt, max_tokens: 12 });
  const text = whole.choices[0].text;
  check(typeof text === "string" && text.length > 0, "a completion has text");
  check(whole.usage?.completion_tokens === 12, "usage counts 12 completion tokens, got " + whole.usage?.completion_tokens);
  check(whole.choices[0].finish_reason === "length", "finish_reason length");

  const stream = await client.completions.create({
    model: "teacher",
    prompt,
    max_tokens: 12,
    stream: true,
    stream_options: { include_usage: true },
  });
  let streamed = "";
  let chunks = 0;
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.choices?.length) {
      streamed += chunk.choices[0].text;
      chunks += 1;
    }
    if (chunk.usage) usage = chunk.usage;
  }
  check(streamed === text, `the streamed text equals the whole one (${JSON.stringify(streamed)} vs ${JSON.stringify(text)})`);
  check(chunks >= 6, "the stream came in several chunks, got " + chunks);
  check(usage?.completion_tokens === 12, "the stream's usage counts 12 completion tokens");

  const chat = await client.chat.completions.create({
    model: "teacher",
    messages: [{ role: "user", content: "What does the kernel do?" }],
    max_tokens: 8,
    stream: true,
  });
  let said = "";
  for await (const chunk of chat) said += chunk.choices?.[0]?.delta?.content ?? "";
  check(said.length > 0, "a streamed chat completion says something");

  try {
    await client.completions.create({ model: "teacher", prompt, max_tokens: 12, temperature: 0.7 });
    check(false, "temperature 0.7 was served although decoding is greedy only");
  } catch (e) {
    check(e instanceof OpenAI.APIError && e.status === 400, "a refusal is an APIError with status 400, got " + e);
    check(String(e.message).includes("temperature"), "the refusal names temperature: " + e.message);
  }
} catch (e) {
  failures.push("unexpected: " + (e.stack ?? e));
} finally {
  server.kill("SIGTERM");
}
const code = await new Promise((resolve) => server.on("exit", (c) => resolve(c)));
check(code === 0, "the server exits 0 on SIGTERM, got " + code);

if (failures.length) {
  for (const f of failures) console.error("FAILED: " + f);
  process.exit(1);
}
console.log("openai_client: every check holds (the openai package drove stratbench serve on port " + port + ")");
