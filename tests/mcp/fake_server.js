// A small MCP server for the cases the reference server cannot show: garbage, crashes, hangs, pagination,
// server-to-client pings, old protocol versions, SSE streams that break and resume. No dependencies.
//   node fake_server.js stdio [MODE]     MODE: normal | garbage | crash | hang | slow | noinit | stubborn | version:V
//   node fake_server.js http             prints "PORT <n>" then serves Streamable HTTP on 127.0.0.1
"use strict";
const http = require("http");
const fs = require("fs");

const transport = process.argv[2] || "stdio";
const mode = process.argv[3] || "normal";

const TOOLS = ["echo", "fail", "rpc_error", "progress", "elicit", "ping_me", "changed", "changed_lists", "mixed", "fds", "whoami", "hang", "crash", "garbage"]
  .map((name) => ({ name, description: `fake ${name}`, inputSchema: { type: "object", properties: { message: { type: "string" } } } }));

let nextServerId = 1;
const waiting = new Map(); // our requests to the client: id -> resolve

function initializeResult(params) {
  let version = params.protocolVersion;
  if (mode.startsWith("version:")) version = mode.slice("version:".length);
  return { protocolVersion: version, capabilities: { tools: { listChanged: true } }, serverInfo: { name: "fake", version: "1.0" }, instructions: "be nice" };
}

// Answers one request; `out(message)` sends to the client; returns a promise of the reply (or undefined: none).
async function handle(msg, out, ask) {
  const { method, params = {} } = msg;
  if (method === "initialize") return { result: initializeResult(params) };
  if (method === "ping") return { result: {} };
  if (method === "tools/list") {
    // Three pages of four tools.
    const start = params.cursor ? Number(params.cursor.slice(1)) : 0;
    const page = TOOLS.slice(start, start + 4);
    const result = { tools: page };
    if (start + 4 < TOOLS.length) result.nextCursor = "c" + (start + 4);
    return { result };
  }
  if (method === "resources/list") { // two pages
    if (!params.cursor) return { result: { resources: [{ uri: "fake://notes", name: "notes", mimeType: "text/plain", size: 9 }], nextCursor: "r2" } };
    return { result: { resources: [{ uri: "fake://logo", name: "logo", mimeType: "image/png", annotations: { audience: ["user"] } }] } };
  }
  if (method === "resources/read") {
    if (params.uri === "fake://bad") return { result: { contents: "oops" } };
    if (params.uri === "fake://neither") return { result: { contents: [{ uri: "fake://neither" }] } };
    if (params.uri === "fake://notbase64") return { result: { contents: [{ uri: "fake://notbase64", blob: "@@@" }] } };
    return { result: { contents: [{ uri: params.uri, mimeType: "text/plain", text: "the notes" }] } };
  }
  if (method === "resources/subscribe") { // acknowledged, then the resource "changes" at once
    setTimeout(() => out({ jsonrpc: "2.0", method: "notifications/resources/updated", params: { uri: params.uri } }), 10);
    return { result: {} };
  }
  if (method === "prompts/list") return { result: { prompts: [{ name: "look", description: "look at a picture" }, { bogus: true }] } };
  if (method === "prompts/get") {
    if (params.name === "system_role") return { result: { messages: [{ role: "system", content: { type: "text", text: "x" } }] } };
    return { result: { description: "a picture and a question", messages: [
      { role: "user", content: { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" } },
      { role: "assistant", content: { type: "audio", mimeType: "audio/wav", data: "UklGRg==" } },
      { role: "user", content: { type: "text", text: "what is it? " + JSON.stringify(params.arguments || {}) } },
    ] } };
  }
  if (method !== "tools/call") return { error: { code: -32601, message: "Method not found" } };
  const args = params.arguments || {};
  const token = params._meta && params._meta.progressToken;
  switch (params.name) {
    case "echo":
      if (mode === "slow") await new Promise((r) => setTimeout(r, 300));
      return { result: { content: [{ type: "text", text: "echo: " + args.message }] } };
    case "fail":
      return { result: { content: [{ type: "text", text: "it went wrong" }], isError: true } };
    case "rpc_error":
      return { error: { code: -32602, message: "bad arguments", data: { field: "message" } } };
    case "progress":
      for (let i = 1; i <= 3; i++) out({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: i, total: 3, message: "step " + i } });
      return { result: { content: [{ type: "text", text: "done" }] } };
    case "elicit": {
      const answer = await ask("elicitation/create", { message: "Who are you?", requestedSchema: { type: "object", properties: { name: { type: "string" }, color: { type: "string", default: "blue" } }, required: ["name"] } });
      return { result: { content: [{ type: "text", text: JSON.stringify(answer) }], structuredContent: answer } };
    }
    case "ping_me": {
      const answer = await ask("ping", {});
      return { result: { content: [{ type: "text", text: "pong " + JSON.stringify(answer) }] } };
    }
    case "changed":
      out({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
      return { result: { content: [{ type: "text", text: "changed" }] } };
    case "changed_lists":
      out({ jsonrpc: "2.0", method: "notifications/resources/list_changed" });
      out({ jsonrpc: "2.0", method: "notifications/prompts/list_changed" });
      return { result: { content: [{ type: "text", text: "changed" }] } };
    case "mixed":
      return { result: { content: [
        { type: "text", text: "a picture" },
        { type: "image", mimeType: "image/png", data: "iVBORw0KGgo=" },
        { type: "resource", resource: { uri: "file:///notes.txt", mimeType: "text/plain", text: "the notes" } },
        { type: "resource_link", uri: "file:///big.bin", name: "big" },
      ] } };
    case "fds": {
      const links = [];
      for (const fd of fs.readdirSync("/proc/self/fd")) {
        try { links.push(fs.readlinkSync("/proc/self/fd/" + fd)); } catch (e) { /* the directory's own fd */ }
      }
      return { result: { content: [{ type: "text", text: "fds" }], structuredContent: { links } } };
    }
    case "whoami":
      return { result: { content: [{ type: "text", text: "me" }], structuredContent: { var: process.env.LLMGATE_FAKE_VAR || null, cwd: process.cwd(), has_path: !!process.env.PATH } } };
    case "hang":
      return new Promise(() => {});
    case "crash":
      process.stderr.write("fatal: out of cheese\n");
      process.exit(3);
      break;
    case "garbage":
      return { raw: "this is <not> json\n" };
    default:
      return { error: { code: -32602, message: "Unknown tool: " + params.name } };
  }
}

function stdioServer() {
  if (mode === "noinit") {
    process.stderr.write("cannot start: missing config\n");
    process.exit(2);
  }
  if (mode === "stubborn") {
    process.on("SIGTERM", () => process.stderr.write("ignoring SIGTERM\n"));
    setInterval(() => {}, 1000);
  }
  const write = (m) => process.stdout.write(JSON.stringify(m) + "\n");
  const ask = (method, params) => new Promise((resolve) => {
    const id = "s" + nextServerId++;
    waiting.set(id, resolve);
    write({ jsonrpc: "2.0", id, method, params });
  });
  let buffer = "";
  process.stdin.on("data", (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (!line.trim()) continue;
      const msg = JSON.parse(line);
      if (msg.method === undefined) { // a reply to our request
        const resolve = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (resolve) resolve(msg.result !== undefined ? msg.result : { error: msg.error });
        continue;
      }
      if (msg.id === undefined) { // a notification
        if (msg.method === "notifications/cancelled") process.stderr.write("cancelled " + JSON.stringify(msg.params) + "\n");
        continue;
      }
      if (mode === "garbage" && msg.method === "tools/call") { process.stdout.write("this is <not> json\n"); continue; }
      if (mode === "crash" && msg.method === "tools/call") { process.stderr.write("fatal: out of cheese\n"); process.exit(3); }
      if (mode === "hang" && msg.method === "tools/call") continue;
      handle(msg, write, ask).then((reply) => {
        if (!reply) return;
        if (reply.raw) { process.stdout.write(reply.raw); return; }
        write({ jsonrpc: "2.0", id: msg.id, ...reply });
      });
    }
  });
  process.stdin.on("end", () => { if (mode !== "stubborn") process.exit(0); });
}

function httpServer() {
  let session = "session-1"; // "forget" expires it: requests then get 404 until a new initialize
  let sessions = 1;
  const events = []; // [id, message] of the resumable stream
  const log = (line) => process.stdout.write(line + "\n");
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      const auth = req.headers["authorization"];
      if (auth !== "Bearer secret-token") { res.writeHead(401, { "Content-Type": "text/plain" }); res.end("no entry"); return; }
      if (req.method === "DELETE") { log("DELETE " + req.headers["mcp-session-id"]); res.writeHead(200); res.end(); return; }
      if (req.method === "GET") {
        const last = req.headers["last-event-id"];
        log("GET last-event-id=" + last);
        if (!last) {
          // The standalone stream: one notification that belongs to no call, then it stays open.
          res.writeHead(200, { "Content-Type": "text/event-stream" });
          res.write(`data: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/tools/list_changed" })}\n\n`);
          return;
        }
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        const from = events.findIndex(([id]) => id === last);
        for (const [id, m] of events.slice(from + 1)) res.write(`id: ${id}\ndata: ${JSON.stringify(m)}\n\n`);
        res.end();
        return;
      }
      const msg = JSON.parse(body);
      if (msg.method !== "initialize") {
        if (session === null || req.headers["mcp-session-id"] !== session) { log("404 " + msg.method); res.writeHead(404); res.end(); return; }
        if (!req.headers["mcp-protocol-version"]) { res.writeHead(400); res.end("missing MCP-Protocol-Version"); return; }
      }
      if (msg.id === undefined || msg.method === undefined) { res.writeHead(202); res.end(); return; }
      const name = msg.params && msg.params.name;
      if (msg.method === "tools/call" && name === "resume") {
        // Priming event, a progress notification, then the connection drops; the reply waits for the GET.
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.write("id: e0\nretry: 50\ndata:\n\n");
        const token = msg.params._meta && msg.params._meta.progressToken;
        if (token !== undefined) res.write(`id: e1\ndata: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: 1 } })}\n\n`);
        events.push(["e1", { jsonrpc: "2.0", method: "notifications/progress", params: { progressToken: token, progress: 1 } }]);
        events.push(["e2", { jsonrpc: "2.0", id: msg.id, result: { content: [{ type: "text", text: "resumed" }] } }]);
        setTimeout(() => res.socket.destroy(), 20);
        return;
      }
      if (msg.method === "tools/call" && name === "garbage") {
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.end("data: {not json\n\n");
        return;
      }
      if (msg.method === "tools/call" && name === "forget") {
        session = null;
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: { content: [{ type: "text", text: "forgotten" }] } }));
        return;
      }
      if (msg.method === "tools/call" && name === "hang") { res.writeHead(200, { "Content-Type": "text/event-stream" }); res.write(": open\n\n"); return; }
      const reply = await handle(msg, () => {}, async () => ({}));
      const headers = { "Content-Type": "application/json" };
      if (msg.method === "initialize") {
        if (session === null) session = "session-" + ++sessions;
        log("initialize " + session);
        headers["Mcp-Session-Id"] = session;
      }
      if (msg.method === "tools/call" && name === "echo") {
        // As an SSE stream, to read both reply shapes.
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.end(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: msg.id, ...reply })}\n\n`);
        return;
      }
      res.writeHead(200, headers);
      res.end(JSON.stringify({ jsonrpc: "2.0", id: msg.id, ...reply }));
    });
  });
  server.listen(0, "127.0.0.1", () => log("PORT " + server.address().port));
  process.on("SIGTERM", () => process.exit(0));
}

if (transport === "http") httpServer(); else stdioServer();
