// Credentials and reply text never reach a log line, an error or anything a caller sees:
// canary credentials go through every operation and every failure, and all output
// (the log catalog, the console, stdout and stderr) is searched for them.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fixedCredentials } from "../../../src/tebra/credentials.ts";
import { createResilience } from "../../../src/tebra/resilience.ts";
import {
  captureLogs,
  fixture,
  replyServer,
  testClient,
  type Reply,
} from "../../support/tebra.ts";

const CANARY = {
  customerKey: "canary-key-9f3b",
  user: "canary-user-51x",
  password: "canary-pass-&<77",
};
const NEEDLES = [
  CANARY.customerKey,
  CANARY.user,
  CANARY.password,
  "canary-pass-&amp;&lt;77",
  // PHI-like text inside the error fixtures' messages and stack traces.
  "Jane Canary",
  "555-0100",
];

const OK: Record<string, string> = {
  GetAppointments: "get-appointments-response.xml",
  GetAppointment: "get-appointment-response.xml",
  CreateAppointment: "create-appointment-response.xml",
  UpdateAppointment: "update-appointment-response.xml",
  GetPatient: "get-patient-response.xml",
  GetPatients: "get-patients-response.xml",
  GetProviders: "get-providers-response.xml",
  GetPractices: "get-practices-response.xml",
  GetServiceLocations: "get-service-locations-response.xml",
  GetThrottles: "get-throttles-response.xml",
  GetCustomerIdFromKey: "get-customer-id-from-key-response.xml",
};

const FAILURES: Reply[] = [
  { body: fixture("throttled-error-response.xml") },
  { body: fixture("invalid-password-response.xml") },
  { body: fixture("unknown-user-response.xml") },
  { body: fixture("not-authorized-response.xml") },
  { body: fixture("validation-error-response.xml") },
  { body: fixture("missing-filter-null-reference-response.xml") },
  { status: 500, body: fixture("internal-service-fault.xml") },
  { status: 500, body: fixture("contract-filter-mismatch-fault.xml") },
  { status: 502, body: fixture("gateway-error-page.html") },
  { body: fixture("malformed-reply.xml") },
  { body: "", reset: true },
];

let server: Awaited<ReturnType<typeof replyServer>>;
let failure: Reply | null = null;
beforeAll(async () => {
  server = await replyServer((request) => failure ?? fixture(OK[request.operation]!));
});
afterAll(() => server.close());

describe("canary credentials and reply text", () => {
  it("appear in no log line, console output, error or error detail", async () => {
    const logs = captureLogs();
    const written: string[] = [];
    const spies = [
      vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      }),
      vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      }),
      ...(["log", "info", "warn", "error", "debug"] as const).map((method) =>
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
          written.push(args.map(String).join(" "));
        }),
      ),
    ];
    const errors: unknown[] = [];
    try {
      const client = testClient(server.url, {
        credentials: fixedCredentials(CANARY),
        resilience: createResilience({
          timeoutMs: 1_000,
          retries: 1,
          initialDelayMs: 1,
          maxDelayMs: 2,
          breakerThreshold: 1_000,
          halfOpenAfterMs: 1_000,
        }),
      });
      const calls = [
        () => client.getAppointments({ fromDay: "2026-03-12" }),
        () => client.getAppointment("95670001"),
        () => client.setAppointmentStatus("95670001", "CheckedIn"),
        () =>
          client.createAppointment({
            patientId: "10689",
            serviceLocationId: "201",
            startTime: "2026-03-13T15:00:00Z",
            endTime: "2026-03-13T15:30:00Z",
          }),
        () => client.getPatient("10689"),
        () => client.getPatients({ lastName: "Brambrook" }),
        () => client.getProviders(),
        () => client.getPractices(),
        () => client.getServiceLocations(),
        () => client.getThrottles(),
        () => client.checkCredentials(),
      ];
      for (const call of calls) await call();
      for (const reply of FAILURES) {
        failure = reply;
        for (const call of calls)
          await call().catch((error: unknown) => errors.push(error));
      }
      failure = null;
    } finally {
      for (const spy of spies) spy.mockRestore();
      logs.restore();
    }

    expect(errors.length).toBeGreaterThan(FAILURES.length * 5);
    const seen = [
      logs.text(),
      ...written,
      ...errors.map((e) => {
        const error = e as Error & { toJSON?: () => unknown };
        return JSON.stringify([
          error.message,
          error.stack,
          error.toJSON?.(),
          { ...error },
        ]);
      }),
    ].join("\n");
    expect(logs.entries.length).toBeGreaterThan(20);
    for (const needle of NEEDLES) expect(seen).not.toContain(needle);
    // The requests did carry the credentials: the search above would have found a leak.
    expect(server.requests.some((r) => r.body.includes(CANARY.customerKey))).toBe(true);
  }, 60_000);
});
