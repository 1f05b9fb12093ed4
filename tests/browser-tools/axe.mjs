// Runs axe-core over pages in headless Chromium, once per colour scheme, and prints one JSON
// object to stdout: { "results": [ { "name", "scheme", "violations": [ … ] } ] }.
//
// Usage: node axe.mjs CHROMIUM JOB.json
// where JOB.json is { "pages": [ { "name": "…", "path": "/abs/file.html" } ],
//                     "schemes": ["light", "dark"] }.
//
// Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe), so no
// browser-automation library is needed, only Node 18 or later and axe-core. The pages forbid
// inline and outside scripts (Content-Security-Policy script-src 'self'), so axe is not added
// as a <script>: it is evaluated through the protocol, which the page's policy does not govern.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
/** The longest one protocol command may take. */
const COMMAND_MS = 60_000;

const [exe, jobPath] = process.argv.slice(2);
if (!exe || !jobPath) {
  console.error("usage: node axe.mjs CHROMIUM JOB.json");
  process.exit(2);
}
const job = JSON.parse(readFileSync(jobPath, "utf8"));

const profile = mkdtempSync(join(tmpdir(), "auditbook-axe-"));
const browser = spawn(
  exe,
  [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
    `--user-data-dir=${profile}`,
    "--window-size=1280,1000",
    "about:blank",
  ],
  // fd 3 carries commands to the browser, fd 4 its answers and events. Its own process
  // group, so that its helper processes end with it.
  { stdio: ["ignore", "ignore", "inherit", "pipe", "pipe"], detached: true },
);
const toBrowser = browser.stdio[3];
const fromBrowser = browser.stdio[4];

let nextId = 1;
const pending = new Map();
const waiters = [];
let buffered = "";
fromBrowser.on("data", (chunk) => {
  buffered += chunk.toString("utf8");
  let end;
  while ((end = buffered.indexOf("\0")) >= 0) {
    const message = JSON.parse(buffered.slice(0, end));
    buffered = buffered.slice(end + 1);
    if (message.id !== undefined && pending.has(message.id)) {
      const { resolve, reject, timer } = pending.get(message.id);
      pending.delete(message.id);
      clearTimeout(timer);
      if (message.error) reject(new Error(JSON.stringify(message.error)));
      else resolve(message.result);
    } else if (message.method) {
      for (const w of [...waiters]) {
        if (w.method === message.method && w.sessionId === message.sessionId) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(message.params);
        }
      }
    }
  }
});
browser.on("exit", (code) => {
  for (const { reject } of pending.values()) reject(new Error(`chromium exited (${code})`));
});

function send(method, params = {}, sessionId) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`${method} took longer than ${COMMAND_MS} ms`));
    }, COMMAND_MS);
    pending.set(id, { resolve, reject, timer });
    toBrowser.write(JSON.stringify({ id, method, params, sessionId }) + "\0");
  });
}

function event(method, sessionId) {
  return new Promise((resolve) => waiters.push({ method, sessionId, resolve }));
}

/** Evaluates `expression` in the page and returns its value; a thrown error fails the run. */
async function evaluate(sessionId, expression) {
  const r = await send(
    "Runtime.evaluate",
    { expression, awaitPromise: true, returnByValue: true },
    sessionId,
  );
  if (r.exceptionDetails) {
    throw new Error(`evaluation failed: ${JSON.stringify(r.exceptionDetails).slice(0, 500)}`);
  }
  return r.result.value;
}

const results = [];
let failed = false;
try {
  const { targetId } = await send("Target.createTarget", { url: "about:blank" });
  const { sessionId } = await send("Target.attachToTarget", { targetId, flatten: true });
  await send("Page.enable", {}, sessionId);
  await send("Runtime.enable", {}, sessionId);
  for (const scheme of job.schemes) {
    await send(
      "Emulation.setEmulatedMedia",
      { features: [{ name: "prefers-color-scheme", value: scheme }] },
      sessionId,
    );
    for (const { name, path } of job.pages) {
      const loaded = event("Page.loadEventFired", sessionId);
      const nav = await send("Page.navigate", { url: pathToFileURL(path).href }, sessionId);
      if (nav.errorText) throw new Error(`${name}: ${nav.errorText}`);
      await loaded;
      const shown = await evaluate(
        sessionId,
        "matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'",
      );
      if (shown !== scheme) throw new Error(`${name}: the page sees ${shown}, not ${scheme}`);
      await evaluate(sessionId, axeSource);
      const found = await evaluate(
        sessionId,
        `axe.run(document, { resultTypes: ["violations"] }).then((r) =>
          r.violations.map((v) => ({
            id: v.id,
            impact: v.impact,
            help: v.help,
            count: v.nodes.length,
            nodes: v.nodes.slice(0, 5).map((n) => ({
              target: n.target.join(" "),
              summary: n.failureSummary,
            })),
          })))`,
      );
      results.push({ name, scheme, violations: found });
    }
  }
  await send("Browser.close").catch(() => {});
} catch (e) {
  console.error(String(e && e.stack ? e.stack : e));
  failed = true;
} finally {
  try {
    process.kill(-browser.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
  // The browser may still be letting go of its profile.
  await new Promise((resolve) => setTimeout(resolve, 200));
  rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
}
if (failed) process.exit(1);
process.stdout.write(JSON.stringify({ results }) + "\n");
process.exit(0);
