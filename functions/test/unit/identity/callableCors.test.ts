// The callables' CORS allowlist (WEB_APP_ORIGINS), on a real HTTP server over loopback.
// The Functions emulator cannot show this: it turns on its `enableCors` debug feature,
// which lets every origin call every callable, so the e2e layer would pass with any list.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { whoami } from "../../../src/identity/whoami.ts";
import { useDemoParams } from "../../support/demoParams.ts";

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  useDemoParams();
  // Set by the Functions emulator only; here it would switch the allowlist off.
  delete process.env["FIREBASE_DEBUG_FEATURES"];
  server = createServer((req, res) => void whoami(req as never, res as never));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

function preflight(origin: string) {
  return fetch(baseUrl, {
    method: "OPTIONS",
    headers: {
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization,content-type",
    },
  });
}

describe("callables from a browser (CORS)", () => {
  it("reads the allowlist of the demo project: the web app's dev server", () => {
    expect(JSON.parse(process.env["WEB_APP_ORIGINS"]!)).toEqual([
      "http://localhost:5173",
      "http://127.0.0.1:5173",
    ]);
  });

  it("lets every listed origin call, for POST only", async () => {
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:5173"]) {
      const reply = await preflight(origin);
      expect(reply.status).toBe(204);
      expect(reply.headers.get("access-control-allow-origin")).toBe(origin);
      expect(reply.headers.get("access-control-allow-methods")).toBe("POST");
    }
  });

  it("gives any other origin no permission, so the browser refuses the call", async () => {
    for (const origin of [
      "https://elsewhere.example.test",
      "http://localhost:5174",
      "null",
    ]) {
      const reply = await preflight(origin);
      expect(reply.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});
