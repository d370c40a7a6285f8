// The real Cloud Logging client (GoogleCloudLogging over @google-cloud/logging) against a
// local gRPC server that implements google.logging.v2.LoggingServiceV2 from the library's
// own protos: proves the requests it sends (log name, resource, severity, timestamp,
// labels, the payload as a Struct, the filter) and that it reads the API's answers back.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GoogleCloudLogging,
  MAX_ENTRY_BYTES,
} from "../../../src/platform/cloudLogging.ts";

const PROJECT = "demo-tebra-bridge";

interface WrittenRequest {
  logName: string;
  resource: { type: string; labels: Record<string, string> };
  entries: Array<Record<string, unknown>>;
}

interface ListRequest {
  resourceNames: string[];
  filter: string;
  orderBy: string;
  pageSize: number;
}

const written: WrittenRequest[] = [];
const listed: ListRequest[] = [];
let server: grpc.Server;
let client: GoogleCloudLogging;

function loadLoggingService(): grpc.ServiceDefinition {
  const require = createRequire(import.meta.url);
  const packageRoot = dirname(
    dirname(dirname(require.resolve("@google-cloud/logging-api"))),
  );
  const json = JSON.parse(
    readFileSync(join(packageRoot, "build/protos/protos.json"), "utf8"),
  ) as Parameters<typeof protoLoader.fromJSON>[0];
  const definition = protoLoader.fromJSON(json, {
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: {
      logging: { v2: { LoggingServiceV2: { service: grpc.ServiceDefinition } } };
    };
  };
  return loaded.google.logging.v2.LoggingServiceV2.service;
}

beforeAll(async () => {
  server = new grpc.Server();
  server.addService(loadLoggingService(), {
    writeLogEntries(
      call: grpc.ServerUnaryCall<WrittenRequest, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      written.push(call.request);
      callback(null, {});
    },
    listLogEntries(
      call: grpc.ServerUnaryCall<ListRequest, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      listed.push(call.request);
      // Answers with every entry written so far to the requested log, as the API would.
      const entries = written.flatMap((request) =>
        request.entries
          .filter(
            (entry) => (entry["logName"] || request.logName) === wantedLog(call.request),
          )
          .map((entry) => ({ ...entry, logName: request.logName })),
      );
      callback(null, { entries, nextPageToken: "" });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  client = new GoogleCloudLogging(PROJECT, {
    apiEndpoint: "127.0.0.1",
    port,
    sslCreds: grpc.credentials.createInsecure(),
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

function wantedLog(request: ListRequest): string {
  return /logName="([^"]+)"/.exec(request.filter)?.[1] ?? "";
}

function ours(request: WrittenRequest) {
  return request.logName === `projects/${PROJECT}/logs/tebra-bridge-audit`;
}

describe("GoogleCloudLogging (the real client, over gRPC, against a local LoggingServiceV2)", () => {
  it("writes one WriteLogEntries request with our log, resource, severity, time and payload", async () => {
    await client.write("tebra-bridge-audit", [
      {
        severity: "NOTICE",
        timestamp: new Date("2026-03-08T15:00:00.250Z"),
        labels: { kind: "audit-seal", shard: "3" },
        payload: { kind: "audit-seal", shard: 3, seq: 12, eventIds: ["e1", "e2"] },
      },
    ]);
    const request = written.find(ours);
    expect(request).toBeDefined();
    expect(request!.resource).toMatchObject({
      type: "global",
      labels: { project_id: PROJECT },
    });
    const entry = request!.entries.find(
      (e) => (e["labels"] as Record<string, string>)["kind"] === "audit-seal",
    )!;
    expect(entry["severity"]).toBe("NOTICE");
    expect(entry["timestamp"]).toMatchObject({
      seconds: "1772982000",
      nanos: 250_000_000,
    });
    expect(entry["jsonPayload"]).toEqual({
      fields: {
        kind: { stringValue: "audit-seal", kind: "stringValue" },
        shard: { numberValue: 3, kind: "numberValue" },
        seq: { numberValue: 12, kind: "numberValue" },
        eventIds: {
          listValue: {
            values: [
              { stringValue: "e1", kind: "stringValue" },
              { stringValue: "e2", kind: "stringValue" },
            ],
          },
          kind: "listValue",
        },
      },
    });
  });

  it("reads with ListLogEntries: project, log, time range and payload filter, oldest first", async () => {
    const entries = await client.read("tebra-bridge-audit", {
      from: new Date("2026-03-08T00:00:00.000Z"),
      to: new Date("2026-03-09T00:00:00.000Z"),
      payload: { kind: "audit-seal" },
      anyOf: [
        { shard: 3, seq: 12 },
        { shard: 4, seq: 1 },
      ],
    });
    const request = listed[listed.length - 1]!;
    expect(request.resourceNames).toEqual([`projects/${PROJECT}`]);
    expect(request.orderBy).toBe("timestamp asc");
    expect(request.filter).toBe(
      `logName="projects/${PROJECT}/logs/tebra-bridge-audit" AND ` +
        `timestamp>="2026-03-08T00:00:00.000Z" AND timestamp<="2026-03-09T00:00:00.000Z" AND ` +
        `jsonPayload.kind="audit-seal" AND ` +
        `((jsonPayload.shard=3 AND jsonPayload.seq=12) OR (jsonPayload.shard=4 AND jsonPayload.seq=1))`,
    );

    const seal = entries.find((e) => e.payload["kind"] === "audit-seal");
    expect(seal).toMatchObject({
      severity: "NOTICE",
      labels: { kind: "audit-seal", shard: "3" },
      payload: { kind: "audit-seal", shard: 3, seq: 12, eventIds: ["e1", "e2"] },
    });
    expect(seal!.timestamp.toISOString()).toBe("2026-03-08T15:00:00.250Z");
  });

  it("refuses an entry Cloud Logging would refuse for its size, before sending it", async () => {
    const before = written.length;
    const payload = { kind: "audit-seal", big: "x".repeat(MAX_ENTRY_BYTES) };
    await expect(
      client.write("tebra-bridge-audit", [{ severity: "NOTICE", payload }]),
    ).rejects.toThrow(RangeError);
    expect(written.length).toBe(before);
  });

  it("refuses a filter value that could change the filter's meaning", async () => {
    await expect(
      client.read("tebra-bridge-audit", {
        from: new Date(0),
        to: new Date(),
        payload: { kind: 'x" OR logName:"' },
      }),
    ).rejects.toThrow(RangeError);
  });
});
