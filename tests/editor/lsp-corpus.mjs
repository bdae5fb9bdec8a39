// The real yaml-language-server (pinned in package.json) judging files with plx's editor
// schema, as an editor would: `yaml.schemas` maps the schema to every file (the association
// docs/editors.md gives), each file is opened with `textDocument/didOpen`, and the
// diagnostics the server publishes for it are collected.
//
//   node lsp-corpus.mjs --schema SCHEMA [--clean LIST] [--flagged FILE:LINE]...
//                       [--refuses FILE=LINE:KEY,...]
//
// --clean LIST: a file naming one YAML file a line; each must get no diagnostic from the
//   schema (the YAML parser's own notes are shown, not counted: it is stricter than PyYAML
//   and plx on the indentation of a flow sequence's closing bracket).
// --flagged FILE:LINE: FILE must get a schema diagnostic on LINE (1-based).
// --refuses FILE=LINE:KEY,...: the keys the schema refuses in FILE ("Property KEY is not
//   allowed") must be exactly these.
//
// Prints every unexpected diagnostic and a closing "N passed, N failed" line; exits 1 when
// any file failed.

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
let schema = null;
const clean = [];
const flagged = [];
const refuses = [];
for (let i = 0; i < args.length; i++) {
  const value = args[++i];
  if (value === undefined) usage();
  switch (args[i - 1]) {
    case "--schema":
      schema = resolve(value);
      break;
    case "--clean":
      for (const line of readFileSync(value, "utf8").split("\n")) {
        if (line.trim()) clean.push(resolve(line.trim()));
      }
      break;
    case "--flagged": {
      const at = value.lastIndexOf(":");
      if (at < 0) usage();
      flagged.push({ path: resolve(value.slice(0, at)), line: Number(value.slice(at + 1)) });
      break;
    }
    case "--refuses": {
      const at = value.indexOf("=");
      if (at < 0) usage();
      const keys = value.slice(at + 1).split(",").filter(Boolean).sort();
      refuses.push({ path: resolve(value.slice(0, at)), keys });
      break;
    }
    default:
      usage();
  }
}
if (!schema || clean.length + flagged.length + refuses.length === 0) usage();

function usage() {
  console.error(
    "usage: node lsp-corpus.mjs --schema SCHEMA [--clean LIST] [--flagged FILE:LINE]... [--refuses FILE=LINE:KEY,...]",
  );
  process.exit(2);
}

// --- a minimal LSP client over stdio -----------------------------------------------------

const require = createRequire(import.meta.url);
const serverMain = require.resolve("yaml-language-server/bin/yaml-language-server");
const server = spawn(process.execPath, [serverMain, "--stdio"], {
  stdio: ["pipe", "pipe", "inherit"],
});
server.on("exit", (code) => {
  if (!finished) {
    console.error(`yaml-language-server exited (${code}) before the end`);
    process.exit(1);
  }
});

// A server that stops answering fails the run rather than hanging it.
setTimeout(() => {
  console.error("yaml-language-server did not answer within 120 s");
  process.exit(1);
}, 120_000).unref();

let nextId = 1;
const pending = new Map();
const waiting = new Map(); // uri -> resolve(diagnostics)
let finished = false;

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
}

function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((ok) => pending.set(id, ok));
}

function notify(method, params) {
  send({ method, params });
}

let buffer = Buffer.alloc(0);
server.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const header = buffer.subarray(0, end).toString("ascii");
    const length = Number(/Content-Length: *(\d+)/i.exec(header)[1]);
    if (buffer.length < end + 4 + length) return;
    const body = buffer.subarray(end + 4, end + 4 + length).toString("utf8");
    buffer = buffer.subarray(end + 4 + length);
    receive(JSON.parse(body));
  }
});

function receive(message) {
  if (message.id !== undefined && message.method === undefined) {
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  } else if (message.id !== undefined) {
    // A request from the server: configuration is pushed with didChangeConfiguration, and
    // capability registrations are accepted.
    const result = message.method === "workspace/configuration"
      ? message.params.items.map((item) => (item.section === "yaml" ? settings.yaml : null))
      : null;
    send({ id: message.id, result });
  } else if (message.method === "textDocument/publishDiagnostics") {
    const done = waiting.get(message.params.uri);
    if (done) {
      waiting.delete(message.params.uri);
      done(message.params.diagnostics);
    }
  }
}

const settings = {
  yaml: {
    validate: true,
    hover: true,
    completion: true,
    format: { enable: false },
    schemaStore: { enable: false },
    // docs/editors.md's association, for every file this run opens.
    schemas: { [pathToFileURL(schema).href]: ["*.yaml", "*.yml"] },
  },
};

// Opens a file and resolves with the diagnostics the server publishes for it.
function diagnose(path) {
  const uri = pathToFileURL(path).href;
  const published = new Promise((ok) => waiting.set(uri, ok));
  notify("textDocument/didOpen", {
    textDocument: { uri, languageId: "yaml", version: 1, text: readFileSync(path, "utf8") },
  });
  return published.then((diagnostics) => {
    notify("textDocument/didClose", { textDocument: { uri } });
    return diagnostics;
  });
}

// Runs `work` on every item, `width` at a time; the results in the items' order.
async function pool(items, width, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}

// A diagnostic from the schema (the server names it `yaml-schema: <schema uri>`), as opposed
// to one from the YAML parser.
const fromSchema = (d) => String(d.source ?? "").startsWith("yaml-schema");
const show = (d) =>
  `  ${d.range.start.line + 1}:${d.range.start.character + 1} [${d.source ?? "?"}] ${d.message.replace(/\s+/g, " ")}`;

async function main() {
  const started = Date.now();
  await request("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { publishDiagnostics: {} }, workspace: { configuration: true } },
  });
  notify("initialized", {});
  notify("workspace/didChangeConfiguration", { settings });

  // The server validates a little while after each change; many files at once keep it busy.
  const results = await pool(
    [...clean, ...flagged.map((f) => f.path), ...refuses.map((r) => r.path)],
    32,
    diagnose,
  );
  let passed = 0;
  let failed = 0;
  let parserOnly = 0;
  clean.forEach((path, index) => {
    const diagnostics = results[index];
    const schemaErrors = diagnostics.filter(fromSchema);
    if (schemaErrors.length === 0) {
      passed++;
      if (diagnostics.length > 0) {
        // The YAML parser is stricter than PyYAML (and plx) on some layouts; not the schema's.
        parserOnly++;
        console.log(`note: YAML parser only, not the schema: ${path}`);
        diagnostics.forEach((d) => console.log(show(d)));
      }
    } else {
      failed++;
      console.log(`FLAGGED ${path}`);
      schemaErrors.forEach((d) => console.log(show(d)));
    }
  });
  const flaggedClean = failed;
  flagged.forEach(({ path, line }, index) => {
    const diagnostics = results[clean.length + index];
    if (diagnostics.some((d) => fromSchema(d) && d.range.start.line + 1 === line)) {
      passed++;
    } else {
      failed++;
      console.log(`NOT FLAGGED at line ${line}: ${path}`);
      diagnostics.forEach((d) => console.log(show(d)));
    }
  });
  refuses.forEach(({ path, keys }, index) => {
    const diagnostics = results[clean.length + flagged.length + index];
    const refused = diagnostics
      .filter(fromSchema)
      .map((d) => [d.range.start.line + 1, /^Property (\S+) is not allowed/.exec(d.message)?.[1]])
      .filter(([, key]) => key)
      .map(([line, key]) => `${line}:${key}`)
      .sort();
    if (refused.join(",") === keys.join(",")) {
      passed++;
    } else {
      failed++;
      console.log(`REFUSED OTHER KEYS than ${keys.join(", ")}: ${path}`);
      diagnostics.forEach((d) => console.log(show(d)));
    }
  });
  finished = true;
  await request("shutdown", null);
  notify("exit", null);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `yaml-language-server: ${flaggedClean} of ${clean.length} files plx accepts flagged by the schema ` +
      `(${parserOnly} with YAML parser notes only); ` +
      `${flagged.length + refuses.length - (failed - flaggedClean)} of ${flagged.length + refuses.length} invalid files flagged as expected (${seconds}s)`,
  );
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

main();
