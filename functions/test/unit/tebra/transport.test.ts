// The HTTP leg: compressed replies, oversized replies, and what reaches node-soap.
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TebraError } from "../../../src/tebra/errors.ts";
import { pinnedAgent } from "../../../src/tebra/tls.ts";
import { TebraTransport } from "../../../src/tebra/transport.ts";
import { fixture, replyServer, testClient, type Reply } from "../../support/tebra.ts";

let reply: Reply = { body: "" };
let server: Awaited<ReturnType<typeof replyServer>>;
beforeAll(async () => {
  server = await replyServer(() => reply);
});
afterAll(() => server.close());

describe("the transport", () => {
  it("asks for and reads a gzip-compressed reply", async () => {
    reply = {
      body: gzipSync(Buffer.from(fixture("get-providers-response.xml"))),
      headers: { "Content-Encoding": "gzip" },
    };
    const providers = await testClient(server.url).getProviders();
    expect(providers.map((p) => p.providerId)).toEqual(["101", "102"]);
    expect(server.requests.at(-1)!.operation).toBe("GetProviders");
  });

  it("refuses a reply larger than its limit as a contract failure", async () => {
    reply = { body: fixture("get-providers-response.xml") };
    const client = testClient(server.url, {
      httpClient: new TebraTransport({
        agent: pinnedAgent({ pins: [] }),
        maxReplyBytes: 1024,
      }),
    });
    const error = await client.getProviders().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TebraError);
    expect((error as TebraError).kind).toBe("contract");
    expect((error as TebraError).reason).toBe("reply-too-large");
  });
});
