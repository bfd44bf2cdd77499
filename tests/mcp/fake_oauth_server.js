// A small MCP server behind OAuth for the client's authorization tests (tests/mcp/oauth_test.cpp): protected-
// resource and authorization-server metadata, dynamic registration, an authorization endpoint the test answers
// itself, a token endpoint (authorization_code, refresh_token), and /mcp that wants a live Bearer token.
// It prints "PORT <n>" first, then one line per token request: "TOKEN <grant_type> <client auth>".
//   node fake_oauth_server.js
"use strict";
const http = require("http");

let base = "";
const live = new Set();            // access tokens /mcp accepts
let refreshes = 0;
const log = (line) => process.stdout.write(line + "\n");

function json(res, status, body, headers = {}) {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function handleMcp(msg, res, token) {
  const result = (r) => json(res, 200, { jsonrpc: "2.0", id: msg.id, result: r });
  if (msg.id === undefined) { res.writeHead(202); res.end(); return; }
  if (msg.method === "initialize")
    return result({ protocolVersion: msg.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "fake-oauth", version: "1" } });
  if (msg.method === "tools/list") return result({ tools: [{ name: "whoami", inputSchema: { type: "object" } }, { name: "expire", inputSchema: { type: "object" } }] });
  if (msg.method === "tools/call" && msg.params.name === "expire") {
    live.delete(token); // the token runs out after this reply
    return result({ content: [{ type: "text", text: "expired" }] });
  }
  if (msg.method === "tools/call") return result({ content: [{ type: "text", text: "token " + token }] });
  json(res, 200, { jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: "Method not found" } });
}

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", () => {
    const url = new URL(req.url, base);
    if (req.method === "GET" && url.pathname === "/.well-known/oauth-protected-resource/mcp")
      return json(res, 200, { resource: base + "/mcp", authorization_servers: [base + "/auth"], scopes_supported: ["tools"] });
    if (req.method === "GET" && url.pathname === "/.well-known/oauth-authorization-server/auth")
      return json(res, 200, {
        issuer: base + "/auth", authorization_endpoint: base + "/auth/authorize", token_endpoint: base + "/auth/token",
        registration_endpoint: base + "/auth/register", response_types_supported: ["code"],
        grant_types_supported: ["authorization_code", "refresh_token"], code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "none"],
      });
    if (req.method === "POST" && url.pathname === "/auth/register") {
      const r = JSON.parse(body);
      return json(res, 201, { client_id: "registered-client", client_name: r.client_name, redirect_uris: r.redirect_uris, token_endpoint_auth_method: "none" });
    }
    if (req.method === "POST" && url.pathname === "/auth/token") {
      const form = new URLSearchParams(body);
      const grant = form.get("grant_type");
      log(`TOKEN ${grant} client=${form.get("client_id")} secret=${form.has("client_secret") ? "sent" : "none"} resource=${form.get("resource")}`);
      if (grant === "authorization_code" && form.get("code") === "good" && form.get("code_verifier")) {
        const token = "access-" + Math.random().toString(36).slice(2);
        live.add(token);
        return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 3600, refresh_token: "refresh-1", scope: "tools" });
      }
      if (grant === "refresh_token" && form.get("refresh_token") === "refresh-1") {
        const token = "refreshed-" + ++refreshes;
        live.add(token);
        return json(res, 200, { access_token: token, token_type: "Bearer", expires_in: 3600 });
      }
      return json(res, 400, { error: "invalid_grant", error_description: "that code is not valid" });
    }
    if (url.pathname === "/mcp") {
      const auth = req.headers["authorization"] || "";
      const token = auth.startsWith("Bearer ") ? auth.slice(7) : "";
      if (!live.has(token)) {
        res.writeHead(401, { "WWW-Authenticate": `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="tools"` });
        res.end();
        return;
      }
      if (req.method !== "POST") { res.writeHead(405); res.end(); return; }
      return handleMcp(JSON.parse(body), res, token);
    }
    res.writeHead(404);
    res.end();
  });
});
server.listen(0, "127.0.0.1", () => {
  base = "http://127.0.0.1:" + server.address().port;
  live.add("saved-token"); // what a client that kept its tokens from an earlier run presents
  log("PORT " + server.address().port);
});
process.on("SIGTERM", () => process.exit(0));
