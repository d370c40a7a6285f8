// Transport security against a real TLS server on loopback: TLS 1.2 at least, the usual
// chain and name checks, and SPKI SHA-256 pinning (a matching pin connects, a wrong one is
// refused with a clear error and an ALERT), plus the rules on which endpoints are allowed.
import { createHash, createPublicKey } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TebraError } from "../../../src/tebra/errors.ts";
import { createResilience } from "../../../src/tebra/resilience.ts";
import { PIN_MISMATCH_CODE, parsePins, pinnedAgent } from "../../../src/tebra/tls.ts";
import {
  TebraTransport,
  checkEndpoint,
  isLoopbackHost,
} from "../../../src/tebra/transport.ts";
import {
  captureLogs,
  FAST_RESILIENCE,
  fixture,
  testClient,
} from "../../support/tebra.ts";

/** Pin of a PEM certificate, computed independently of the code under test. */
function pinOf(certPem: string): string {
  const der = createPublicKey(certPem).export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}

const SAN = {
  name: "subjectAltName" as const,
  altNames: [
    { type: 2 as const, value: "localhost" },
    { type: 7 as const, ip: "127.0.0.1" },
  ],
};

interface TlsServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}

async function tlsServer(
  key: string,
  cert: string,
  options: { maxVersion?: "TLSv1.1" | "TLSv1.2" | "TLSv1.3" } = {},
): Promise<TlsServer> {
  const state = { requests: 0 };
  const server: Server = createServer(
    { key, cert, ...options, minVersion: "TLSv1" },
    (req, res) => {
      state.requests++;
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "Content-Type": "text/xml; charset=utf-8" });
        res.end(fixture("get-providers-response.xml"));
      });
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/services/soap/2.1/KareoServices.svc`,
    get requests() {
      return state.requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function pinnedClient(url: string, pins: string[], ca?: string | string[]) {
  return testClient(url, {
    httpClient: new TebraTransport({
      agent: pinnedAgent({ pins, ...(ca && { ca }), keepAlive: false }),
    }),
    resilience: createResilience({ ...FAST_RESILIENCE, retries: 0 }),
  });
}

async function failure(promise: Promise<unknown>): Promise<TebraError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TebraError);
    return error as TebraError;
  }
  throw new Error("the call did not fail");
}

let leaf: Awaited<ReturnType<typeof generate>>;
let other: Awaited<ReturnType<typeof generate>>;
let server: TlsServer;

beforeAll(async () => {
  [leaf, other] = await Promise.all([
    generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      curve: "P-256",
      extensions: [SAN],
    }),
    generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      curve: "P-256",
      extensions: [SAN],
    }),
  ]);
  server = await tlsServer(leaf.private, leaf.cert);
});
afterAll(() => server.close());

describe("certificate pinning", () => {
  it("connects when the server's key matches a pin", async () => {
    const providers = await pinnedClient(
      server.url,
      [pinOf(leaf.cert)],
      leaf.cert,
    ).getProviders();
    expect(providers.length).toBeGreaterThan(0);
  });

  it("connects while the list holds the next pin beside the current one (rotation)", async () => {
    const client = pinnedClient(
      server.url,
      [pinOf(other.cert), pinOf(leaf.cert)],
      leaf.cert,
    );
    expect((await client.getProviders()).length).toBeGreaterThan(0);
  });

  it("refuses a server whose key matches no pin, before sending anything, with an ALERT", async () => {
    const logs = captureLogs();
    try {
      const before = server.requests;
      const error = await failure(
        pinnedClient(server.url, [pinOf(other.cert)], leaf.cert).getProviders(),
      );
      expect(error.kind).toBe("tls");
      expect(error.code).toBe("unavailable");
      expect(error.message).toBe("Tebra's server identity could not be verified");
      expect(error.reason).toBe(PIN_MISMATCH_CODE);
      expect(server.requests).toBe(before);
      const alert = logs.entries.find((e) => e["event"] === "tebra.tls_pin_mismatch");
      expect(alert).toMatchObject({
        severity: "ALERT",
        host: "127.0.0.1",
        presentedPins: [pinOf(leaf.cert)],
      });
    } finally {
      logs.restore();
    }
  });

  it("accepts a pin of the issuing CA's key, so a leaf can be renewed under it", async () => {
    const ca = await generate([{ name: "commonName", value: "Synthetic Test CA" }], {
      algorithm: "sha256",
      keyType: "ec",
      curve: "P-256",
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true },
      ],
    });
    const signed = await generate([{ name: "commonName", value: "localhost" }], {
      algorithm: "sha256",
      keyType: "ec",
      curve: "P-256",
      extensions: [SAN],
      ca: { key: ca.private, cert: ca.cert },
    });
    const chained = await tlsServer(signed.private, signed.cert);
    try {
      const client = pinnedClient(chained.url, [pinOf(ca.cert)], ca.cert);
      expect((await client.getProviders()).length).toBeGreaterThan(0);
    } finally {
      await chained.close();
    }
  });

  it("still refuses an untrusted certificate, whatever the pins", async () => {
    const error = await failure(
      pinnedClient(server.url, [pinOf(leaf.cert)]).getProviders(),
    );
    expect(error.kind).toBe("tls");
  });

  it("still refuses a certificate for another host name", async () => {
    const elsewhere = await generate(
      [{ name: "commonName", value: "other.example.test" }],
      {
        keyType: "ec",
        curve: "P-256",
        extensions: [
          {
            name: "subjectAltName",
            altNames: [{ type: 2, value: "other.example.test" }],
          },
        ],
      },
    );
    const wrongName = await tlsServer(elsewhere.private, elsewhere.cert);
    try {
      const error = await failure(
        pinnedClient(
          wrongName.url,
          [pinOf(elsewhere.cert)],
          elsewhere.cert,
        ).getProviders(),
      );
      expect(error.kind).toBe("tls");
      expect(error.reason).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      await wrongName.close();
    }
  });

  it("refuses a server that offers nothing newer than TLS 1.1", async () => {
    const old = await tlsServer(leaf.private, leaf.cert, { maxVersion: "TLSv1.1" });
    try {
      const error = await failure(
        pinnedClient(old.url, [pinOf(leaf.cert)], leaf.cert).getProviders(),
      );
      expect(["tls", "transient"]).toContain(error.kind);
      expect(old.requests).toBe(0);
    } finally {
      await old.close();
    }
  });
});

describe("which endpoints are allowed", () => {
  const pins = ["A".repeat(43) + "="];

  it("accepts HTTPS to Tebra when pins are configured", () => {
    expect(
      checkEndpoint("https://webservice.kareo.com/services/soap/2.1/KareoServices.svc", {
        allowLoopbackHttp: false,
        pins,
      }).hostname,
    ).toBe("webservice.kareo.com");
  });

  it("refuses HTTPS to a remote host with no pins", () => {
    expect(() =>
      checkEndpoint("https://webservice.kareo.com/x", {
        allowLoopbackHttp: false,
        pins: [],
      }),
    ).toThrow(TebraError);
  });

  it("refuses plain HTTP to a remote host, even where loopback HTTP is allowed", () => {
    expect(() =>
      checkEndpoint("http://webservice.kareo.com/x", { allowLoopbackHttp: true, pins }),
    ).toThrow(/not configured/);
  });

  it("accepts plain HTTP to loopback only when allowed (emulator and tests)", () => {
    expect(() =>
      checkEndpoint("http://127.0.0.1:8787/x", { allowLoopbackHttp: false, pins: [] }),
    ).toThrow(TebraError);
    expect(
      checkEndpoint("http://127.0.0.1:8787/x", { allowLoopbackHttp: true, pins: [] })
        .port,
    ).toBe("8787");
  });

  it("refuses other schemes and non-URLs", () => {
    for (const bad of ["ftp://127.0.0.1/x", "not a url", "file:///etc/passwd"]) {
      expect(() => checkEndpoint(bad, { allowLoopbackHttp: true, pins })).toThrow(
        TebraError,
      );
    }
  });

  it("knows loopback hosts", () => {
    expect(
      ["127.0.0.1", "127.10.0.1", "localhost", "[::1]", "::1"].every(isLoopbackHost),
    ).toBe(true);
    expect(
      ["10.0.0.1", "webservice.kareo.com", "127.0.0.1.nip.io"].some(isLoopbackHost),
    ).toBe(false);
  });

  it("reads the pin list and rejects anything that is not a SHA-256 pin", () => {
    const pin = pinOf(leaf.cert);
    expect(parsePins(` ${pin} , ${pinOf(other.cert)} ,`)).toEqual([
      pin,
      pinOf(other.cert),
    ]);
    expect(parsePins("")).toEqual([]);
    expect(() => parsePins("sha256/abc")).toThrow(/pin/);
  });
});
