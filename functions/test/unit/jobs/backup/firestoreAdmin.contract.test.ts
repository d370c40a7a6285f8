// The real Firestore admin client (@google-cloud/firestore's v1.FirestoreAdminClient, as
// the backup uses it in production) against a local gRPC server that implements
// google.firestore.admin.v1.FirestoreAdmin and google.longrunning.Operations from the
// library's own protos: proves the ExportDocuments request it sends for our export request,
// and that the operation it returns settles when the server reports the export done.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import protobuf from "protobufjs";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FirestoreAdmin } from "../../../../src/jobs/backup/admin.ts";
import { exportRequest } from "../../../../src/jobs/backup/exportRequest.ts";
import { runBackup } from "../../../../src/jobs/backup/run.ts";
import type { AuditRecorder } from "../../../../src/audit/event.ts";

interface ExportDocumentsRequest {
  name: string;
  collectionIds: string[];
  outputUriPrefix: string;
  namespaceIds: string[];
}

const require = createRequire(import.meta.url);
const protosJson = JSON.parse(
  readFileSync(
    require.resolve("@google-cloud/firestore/build/protos/admin_v1.json"),
    "utf8",
  ),
) as protobuf.INamespace;
const RESPONSE_TYPE = "google.firestore.admin.v1.ExportDocumentsResponse";

const received: ExportDocumentsRequest[] = [];
const polled: string[] = [];
let server: grpc.Server;
let client: FirestoreAdmin;

/** A finished operation, its response packed in an Any as the API packs it. */
function doneOperation(name: string, outputUriPrefix: string) {
  const root = protobuf.Root.fromJSON(protosJson);
  const type = root.lookupType(RESPONSE_TYPE);
  return {
    name,
    done: true,
    response: {
      type_url: `type.googleapis.com/${RESPONSE_TYPE}`,
      value: Buffer.from(type.encode(type.create({ outputUriPrefix })).finish()),
    },
  };
}

beforeAll(async () => {
  const definition = protoLoader.fromJSON(protosJson, {
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: {
      firestore: {
        admin: { v1: { FirestoreAdmin: { service: grpc.ServiceDefinition } } };
      };
      longrunning: { Operations: { service: grpc.ServiceDefinition } };
    };
  };
  const operations = new Map<string, string>();
  server = new grpc.Server();
  server.addService(loaded.google.firestore.admin.v1.FirestoreAdmin.service, {
    exportDocuments(
      call: grpc.ServerUnaryCall<ExportDocumentsRequest, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      received.push(call.request);
      const name = `${call.request.name}/operations/export-${received.length}`;
      operations.set(name, call.request.outputUriPrefix);
      // Running at first, as a real export is; done when polled.
      callback(null, { name, done: false });
    },
  });
  server.addService(loaded.google.longrunning.Operations.service, {
    getOperation(
      call: grpc.ServerUnaryCall<{ name: string }, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) {
      polled.push(call.request.name);
      callback(
        null,
        doneOperation(call.request.name, operations.get(call.request.name)!),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      "127.0.0.1:0",
      grpc.ServerCredentials.createInsecure(),
      (error, bound) => (error ? reject(error) : resolve(bound)),
    ),
  );
  const { v1 } = (await import("@google-cloud/firestore")).default;
  client = new v1.FirestoreAdminClient({
    projectId: "demo-tebra-bridge",
    apiEndpoint: "127.0.0.1",
    port,
    sslCreds: grpc.credentials.createInsecure(),
  });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
});

const noAudit: AuditRecorder = { record: () => Promise.resolve("e1") };

describe("v1.FirestoreAdminClient (the real client, over gRPC, against a local FirestoreAdmin)", () => {
  it("sends ExportDocuments with our database, dated folder and no collection filter", async () => {
    const request = exportRequest(
      "demo-tebra-bridge",
      "clinic-backups",
      new Date("2026-12-03T08:00:00Z"),
    );

    const [operation] = await client.exportDocuments(request);

    expect(received.at(-1)).toMatchObject({
      name: "projects/demo-tebra-bridge/databases/(default)",
      outputUriPrefix: "gs://clinic-backups/firestore/2026-12-03T080000Z",
      collectionIds: [],
    });
    expect(operation.name).toBe(
      "projects/demo-tebra-bridge/databases/(default)/operations/export-1",
    );
  });

  it("gives an operation that settles once the server reports the export done", async () => {
    const result = await runBackup({
      admin: () => Promise.resolve(client),
      recorder: noAudit,
      projectId: "demo-tebra-bridge",
      bucket: "clinic-backups",
      now: new Date("2026-12-04T08:00:00Z"),
      waitMs: 30_000,
      runId: "contract",
    });

    expect(result.status).toBe("completed");
    expect(polled).toContain(result.operation);
  });
});
