#!/usr/bin/env node
// Checks a Chrome Trace Event JSON file with a real consumer: speedscope (the npm package,
// pinned in tests/viewer/npm, installed by scripts/setup-viewer.sh), run in headless
// Chromium and driven over the DevTools protocol (--remote-debugging-pipe; node's standard
// library only).
//
//   node tests/viewer/check_trace_viewer.mjs TRACE.json [--expect-thread NAME]...
//        [--expect-frame NAME]... [--expect-stack 'A;B;C']... [--timeout SECONDS] [--verbose]
//
// The file is loaded the way speedscope's own command line loads one (index.html
// #localProfilePath=<script calling speedscope.loadFileFromBase64>), so speedscope's
// importer detects the format and builds one profile per thread. The check then presses
// speedscope's Export button and reads back what it exports (its documented file format:
// shared.frames and, per profile, open/close events), so the assertions are on what
// speedscope understood, not on our own reading of the file:
//   --expect-thread NAME  a profile for thread NAME (speedscope names a profile
//                         "<process> (pid P), <thread> (tid T)"; NAME is the thread part)
//   --expect-frame NAME   a frame named NAME (speedscope appends the event's args as JSON:
//                         'iteration {"index":0}' counts as "iteration")
//   --expect-stack A;B;C  a range C open inside B inside A, A at the bottom of a thread
//                         (frame names as above, ';' between them)
// speedscope reads the ranges ("X", "B"/"E") and the process and thread names; it does
// not show counters, marks, async ranges or flows, so those are not checked here.
//
// Exit status: 0 the file was imported and every expectation holds; 1 it was not, an
// expectation failed, or Chromium or the speedscope package is missing (setup installs
// both: this fails, it never skips); 2 usage errors.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const prog = 'check_trace_viewer';

function usage(msg) {
  if (msg) console.error(`${prog}: ${msg}`);
  console.error(
    `usage: node tests/viewer/check_trace_viewer.mjs TRACE.json [--expect-thread NAME]... ` +
      `[--expect-frame NAME]... [--expect-stack 'A;B;C']... [--timeout SECONDS] [--verbose]`,
  );
  process.exit(2);
}

function fail(msg) {
  console.log(`FAIL: ${msg}`);
  process.exitCode = 1;
  throw new CheckFailed(msg);
}
class CheckFailed extends Error {}

// ---- arguments ----
const opts = { file: null, threads: [], frames: [], stacks: [], timeoutS: 30, verbose: false };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--expect-thread') opts.threads.push(value());
    else if (a === '--expect-frame') opts.frames.push(value());
    else if (a === '--expect-stack') {
      const s = value().split(';');
      if (s.some((x) => x === '')) usage(`--expect-stack: empty frame name in '${s.join(';')}'`);
      opts.stacks.push(s);
    } else if (a === '--timeout') {
      opts.timeoutS = Number(value());
      if (!(opts.timeoutS > 0)) usage('--timeout needs a positive number of seconds');
    } else if (a === '--verbose') opts.verbose = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-') && a !== '-') usage(`unknown option ${a}`);
    else if (opts.file === null) opts.file = a;
    else usage(`one trace file expected, got '${opts.file}' and '${a}'`);
  }
  if (opts.file === null) usage('no trace file given');
  if (!fs.existsSync(opts.file) || !fs.statSync(opts.file).isFile()) usage(`${opts.file}: no such file`);
}

// ---- what the check needs: speedscope's page and Chromium ----
const speedscopeDir = path.join(here, 'npm', 'node_modules', 'speedscope');
const indexHtml = path.join(speedscopeDir, 'dist', 'release', 'index.html');
let speedscopeVersion;
try {
  speedscopeVersion = JSON.parse(fs.readFileSync(path.join(speedscopeDir, 'package.json'), 'utf8')).version;
  fs.accessSync(indexHtml);
} catch {
  console.log(`FAIL: the speedscope package is not installed (${indexHtml} is missing): run scripts/setup.sh ` +
      `(or scripts/setup-viewer.sh)`);
  process.exit(1);
}

function findChromium() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    for (const dir of (process.env.PATH || '').split(path.delimiter)) {
      const p = path.join(dir || '.', name);
      try {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      } catch {}
    }
  }
  return null;
}
const chromium = findChromium();
if (!chromium) {
  console.log('FAIL: chromium is not installed (scripts/setup.sh installs it; or set CHROMIUM=/path/to/chrome)');
  process.exit(1);
}

// ---- the DevTools protocol over --remote-debugging-pipe (fd 3: to Chromium, fd 4: from it) ----
class Cdp {
  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.buf = '';
    this.closed = false;
    child.stdio[4].setEncoding('utf8');
    child.stdio[4].on('data', (chunk) => {
      this.buf += chunk;
      let end;
      while ((end = this.buf.indexOf('\0')) >= 0) {
        const msg = JSON.parse(this.buf.slice(0, end));
        this.buf = this.buf.slice(end + 1);
        this.dispatch(msg);
      }
    });
    child.stdio[4].on('error', () => {});
    child.stdio[3].on('error', () => {});
    child.on('exit', (code, signal) => {
      this.closed = true;
      for (const { reject } of this.pending.values())
        reject(new Error(`chromium exited (${signal ?? code}) before answering`));
      this.pending.clear();
    });
  }
  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
    } else {
      for (const l of this.listeners) l(msg);
    }
  }
  send(method, params = {}, sessionId = undefined) {
    if (this.closed) return Promise.reject(new Error('chromium is gone'));
    const id = this.nextId++;
    const msg = { id, method, params };
    if (sessionId) msg.sessionId = sessionId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.child.stdio[3].write(JSON.stringify(msg) + '\0');
    });
  }
  on(listener) {
    this.listeners.push(listener);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- frame names as speedscope makes them ----
// speedscope names a frame `${event.name}` or `${event.name} ${JSON.stringify(event.args)}`.
function baseName(frameName) {
  for (let i = frameName.indexOf(' {'); i >= 0; i = frameName.indexOf(' {', i + 1)) {
    const rest = frameName.slice(i + 1);
    try {
      const v = JSON.parse(rest);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) return frameName.slice(0, i);
    } catch {}
  }
  return frameName;
}
// "<process> (pid P), <thread> (tid T)", "<thread> (pid P, tid T)", ...: the thread part.
function threadName(profileName) {
  let m = /^.* \(pid -?\d+\), (.*) \(tid -?\d+\)$/s.exec(profileName);
  if (m) return m[1];
  m = /^(.*) \(pid -?\d+, tid -?\d+\)$/s.exec(profileName);
  if (m) return m[1];
  return profileName;
}

// ---- the check ----
const started = Date.now();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'stratbench-viewer-'));
let child = null;

async function main() {
  const traceBytes = fs.readFileSync(opts.file);
  const fileName = path.basename(opts.file);
  // What speedscope's command line (bin/cli.mjs) writes and index.html loads.
  const loader = path.join(tmp, 'load-profile.js');
  fs.writeFileSync(loader, `speedscope.loadFileFromBase64(${JSON.stringify(fileName)}, ` +
      `${JSON.stringify(traceBytes.toString('base64'))})`);
  const url = `${pathToFileURL(indexHtml).href}#localProfilePath=${encodeURI(loader)}`;

  const args = [
    '--headless=new', '--no-sandbox', '--remote-debugging-pipe', `--user-data-dir=${path.join(tmp, 'profile')}`,
    // speedscope draws with WebGL and imports nothing without a WebGL canvas: software GL.
    '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
    '--no-first-run', '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--disable-extensions', '--disable-dev-shm-usage', '--window-size=1280,800',
    'about:blank',
  ];
  child = spawn(chromium, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], detached: false });
  let chromeLog = '';
  const keepLog = (d) => {
    chromeLog = (chromeLog + d).slice(-8000);
  };
  child.stdout.on('data', keepLog);
  child.stderr.on('data', keepLog);
  const spawnError = new Promise((_, reject) => child.on('error', (e) => reject(new Error(`cannot run ${chromium}: ${e.message}`))));
  const cdp = new Cdp(child);

  const consoleLines = [];
  const exceptions = [];
  const dialogs = [];
  let sessionId = null;
  cdp.on((msg) => {
    if (msg.sessionId !== sessionId) return;
    if (msg.method === 'Runtime.consoleAPICalled') {
      const text = msg.params.args.map((a) => a.value ?? a.description ?? a.type).join(' ');
      consoleLines.push(`${msg.params.type}: ${text}`);
    } else if (msg.method === 'Runtime.exceptionThrown') {
      const d = msg.params.exceptionDetails;
      exceptions.push(d.exception?.description ?? d.text);
    } else if (msg.method === 'Page.javascriptDialogOpening') {
      dialogs.push(msg.params.message);
      cdp.send('Page.handleJavaScriptDialog', { accept: true }, sessionId).catch(() => {});
    }
  });

  const deadline = started + opts.timeoutS * 1000;
  const withDeadline = (p, what) =>
    Promise.race([
      p,
      spawnError,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out (${opts.timeoutS} s) ${what}`)),
          Math.max(0, deadline - Date.now()))),
    ]);

  try {
    const { targetId } = await withDeadline(cdp.send('Target.createTarget', { url: 'about:blank' }), 'starting chromium');
    ({ sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true }));
  } catch (e) {
    fail(`headless chromium did not start: ${e.message}\n--- chromium output ---\n${chromeLog}`);
  }
  const page = (method, params) => cdp.send(method, params, sessionId);
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'deny' }).catch(() => {});
  await page('Runtime.enable');
  await page('Page.enable');
  // Keep what speedscope's Export hands to URL.createObjectURL: the exported profile.
  await page('Page.addScriptToEvaluateOnNewDocument', {
    source: `(() => {
      const orig = URL.createObjectURL.bind(URL);
      URL.createObjectURL = (blob) => { window.__stratbenchExport = blob; return orig(blob); };
    })();`,
  });
  await page('Page.navigate', { url });

  const evaluate = async (expression) => {
    const r = await page('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
    return r.result.value;
  };

  // Wait for the import: the Export button appears with a loaded profile; speedscope shows
  // "Something went wrong" or an alert when it cannot import the file.
  const stateJs = `(() => {
    const text = document.body ? document.body.innerText : '';
    const exportTab = [...document.querySelectorAll('div')].find(
        (d) => [...d.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() === 'Export'));
    return { title: document.title, error: text.includes('Something went wrong'), loaded: !!exportTab };
  })()`;
  let state;
  for (;;) {
    if (dialogs.length) fail(`speedscope could not import ${opts.file}: "${dialogs[0]}"${details()}`);
    try {
      state = await withDeadline(evaluate(stateJs), 'waiting for speedscope to import the file');
    } catch (e) {
      fail(`speedscope did not import ${opts.file}: ${e.message}${details()}`);
    }
    if (state.error) fail(`speedscope could not import ${opts.file} ("Something went wrong")${details()}`);
    if (state.loaded) break;
    await sleep(50);
  }

  // Export, and read back what speedscope built.
  let exported;
  try {
    exported = await withDeadline(evaluate(`(async () => {
      const exportTab = [...document.querySelectorAll('div')].find(
          (d) => [...d.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() === 'Export'));
      exportTab.click();
      for (let i = 0; i < 200 && !window.__stratbenchExport; ++i) await new Promise((r) => setTimeout(r, 25));
      if (!window.__stratbenchExport) throw new Error('Export produced no file');
      return await window.__stratbenchExport.text();
    })()`), 'exporting from speedscope');
  } catch (e) {
    fail(`speedscope's export failed: ${e.message}${details()}`);
  }
  await cdp.send('Browser.close').catch(() => {});

  function details() {
    const lines = [];
    if (exceptions.length) lines.push('page exceptions:', ...exceptions.map((x) => `  ${x}`));
    if (consoleLines.length) lines.push('console:', ...consoleLines.slice(-20).map((x) => `  ${x}`));
    return lines.length ? `\n${lines.join('\n')}` : '';
  }

  // Which importer speedscope chose, and whether it complained: it warns (and repairs the
  // stack) when a range ends after its parent or is left open, which is a nesting error.
  const importedAs = consoleLines.find((l) => l.startsWith('log: Importing as '))?.slice('log: Importing as '.length);
  if (importedAs !== 'Trace Event Format profile')
    fail(`speedscope did not read ${opts.file} as a Trace Event Format file (it said: ` +
        `${importedAs ? `"Importing as ${importedAs}"` : 'nothing'})${details()}`);
  const complaints = [...exceptions.map((x) => `exception: ${x}`),
    ...consoleLines.filter((l) => l.startsWith('warning: ') || l.startsWith('error: '))];
  if (complaints.length)
    fail(`speedscope complained while importing ${opts.file}:\n  ${complaints.slice(0, 20).join('\n  ')}` +
        (complaints.length > 20 ? `\n  ... ${complaints.length - 20} more` : ''));

  let doc;
  try {
    doc = JSON.parse(exported);
  } catch (e) {
    fail(`speedscope's export is not JSON: ${e.message}`);
  }
  const frames = (doc.shared?.frames ?? []).map((f) => f.name);
  const profiles = doc.profiles ?? [];
  if (profiles.length === 0) fail(`speedscope imported ${opts.file} with no profile`);

  // Every stack that speedscope opens, bottom first, as base frame names.
  const stacks = new Set();
  let nEvents = 0;
  for (const p of profiles) {
    if (p.type !== 'evented') continue;  // a Chrome trace imports as evented profiles
    const open = [];
    for (const ev of p.events ?? []) {
      ++nEvents;
      if (ev.type === 'O') {
        open.push(baseName(frames[ev.frame] ?? `#${ev.frame}`));
        stacks.add(open.join('\u0000'));
      } else if (ev.type === 'C') {
        open.pop();
      }
    }
  }
  const threadNames = profiles.map((p) => threadName(p.name ?? ''));
  const frameNames = new Set(frames.map(baseName));

  const problems = [];
  for (const t of opts.threads)
    if (!threadNames.includes(t)) problems.push(`no thread '${t}' (speedscope's threads: ${profiles.map((p) => `'${p.name}'`).join(', ')})`);
  for (const f of opts.frames)
    if (!frameNames.has(f)) problems.push(`no frame '${f}' (speedscope's frames: ${[...frameNames].map((x) => `'${x}'`).join(', ')})`);
  for (const s of opts.stacks)
    if (!stacks.has(s.join('\u0000'))) problems.push(`no stack '${s.join(';')}'`);

  if (opts.verbose || problems.length) {
    console.log(`speedscope ${speedscopeVersion} imported ${opts.file} as "${doc.name}":`);
    for (const p of profiles) console.log(`  thread: ${p.name} (${p.events?.length ?? 0} events, unit ${p.unit})`);
    console.log(`  frames: ${[...frameNames].join(', ')}`);
    if (opts.verbose) for (const s of [...stacks].sort()) console.log(`  stack: ${s.split('\u0000').join(';')}`);
    if (opts.verbose) for (const l of consoleLines) console.log(`  console ${l}`);
  }
  if (problems.length) fail(`${problems.length} expectation(s) not met in ${opts.file}:\n  ${problems.join('\n  ')}`);

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`ok: speedscope ${speedscopeVersion} in headless ${path.basename(chromium)} imported ${opts.file}: ` +
      `${profiles.length} thread(s), ${frames.length} frame(s), ${nEvents} open/close events; ` +
      `${opts.threads.length} thread, ${opts.frames.length} frame and ${opts.stacks.length} stack expectation(s) met ` +
      `(${secs} s)`);
}

function cleanup() {
  if (child && child.exitCode === null && child.signalCode === null) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
  } catch {}
}

try {
  await main();
} catch (e) {
  if (!(e instanceof CheckFailed)) {
    console.log(`FAIL: ${e.stack ?? e}`);
    process.exitCode = 1;
  }
} finally {
  // Give Chromium a moment to close on Browser.close, then make sure it is gone.
  if (child && child.exitCode === null && child.signalCode === null)
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(2000)]);
  cleanup();
}
process.exit(process.exitCode ?? 0);
