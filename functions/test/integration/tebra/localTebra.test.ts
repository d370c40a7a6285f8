// The client against the real local Tebra (a SOAP server on loopback speaking Tebra's
// contract, validating every request against the reference XSD) and the Firestore
// emulator (shared throttle, kill switch, local secret store).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import { LOCAL_TEBRA_CREDENTIALS as DEV_CREDENTIALS } from "../../../dev/local-tebra/credentials.ts";
import { LOCAL_TEBRA_CREDENTIALS } from "../../../src/platform/localSecrets.ts";
import { appointmentUpdateFrom } from "../../../src/tebra/client.ts";
import { TebraError } from "../../../src/tebra/errors.ts";
import { clinicDayWindow } from "../../../src/tebra/dates.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { captureLogs } from "../../support/tebra.ts";
import { emulatorClient } from "./support.ts";

let tebra: LocalTebra;
beforeAll(async () => {
  tebra = await startLocalTebra({ port: 0, rateScale: 0.02, appointmentsPerDay: 300 });
});
afterAll(() => tebra.close());
beforeEach(async () => {
  tebra.reset();
  await clearFirestore();
});

async function failure(promise: Promise<unknown>): Promise<TebraError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TebraError);
    return error as TebraError;
  }
  throw new Error("the call did not fail");
}

describe("the client against the local Tebra", () => {
  it("uses the same synthetic credentials the local Tebra accepts", () => {
    expect(LOCAL_TEBRA_CREDENTIALS).toEqual(DEV_CREDENTIALS);
  });

  it("reads a 300-appointment clinic day, every row on that day", async () => {
    const { client } = emulatorClient(tebra.url);
    const appointments = await client.getAppointments({ fromDay: "2026-03-12" });
    expect(appointments).toHaveLength(300);
    const window = clinicDayWindow("2026-03-12", "America/Chicago");
    for (const a of appointments) {
      expect(a.clinicDay).toBe("2026-03-12");
      expect(a.startTime >= window.start && a.startTime <= window.end).toBe(true);
    }
    const expectedIds = tebra.schedule.onDate("2026-03-12").map((a) => String(a.id));
    expect(appointments.map((a) => a.appointmentId).sort()).toEqual(expectedIds.sort());
  });

  it("reads the whole of both DST days, 23 and 25 hours long", async () => {
    const { client } = emulatorClient(tebra.url);
    for (const day of ["2026-03-08", "2026-11-01"]) {
      const appointments = await client.getAppointments({ fromDay: day });
      expect(appointments).toHaveLength(300);
      expect(new Set(appointments.map((a) => a.clinicDay))).toEqual(new Set([day]));
    }
  });

  it("round-trips every operation with requests the local Tebra's schema check accepts", async () => {
    const { client } = emulatorClient(tebra.url);
    const [first] = await client.getAppointments({ fromDay: "2026-03-12" });
    const withPatient = (await client.getAppointments({ fromDay: "2026-03-13" })).find(
      (a) => a.patientId,
    )!;
    const patient = await client.getPatient(withPatient.patientId!);
    expect(patient.patientId).toBe(withPatient.patientId);
    expect(
      (
        await client.getPatients({
          lastName: patient.lastName!,
          dateOfBirth: patient.dateOfBirth!,
        })
      ).map((p) => p.patientId),
    ).toContain(patient.patientId);
    expect((await client.getProviders()).length).toBe(6);
    expect((await client.getPractices())[0]?.practiceId).toBe("1");
    expect((await client.getServiceLocations()).map((l) => l.serviceLocationId)).toEqual([
      "201",
      "202",
    ]);
    expect((await client.getThrottles()).length).toBeGreaterThan(10);
    expect(await client.checkCredentials()).toEqual({
      customerId: "4242",
      isAuthorized: true,
    });

    const record = await client.getAppointment(withPatient.appointmentId);
    const updated = await client.updateAppointment({
      ...appointmentUpdateFrom(record),
      status: "Roomed",
    });
    expect(updated.status).toBe("Roomed");
    expect((await client.getAppointment(withPatient.appointmentId)).status).toBe(
      "Roomed",
    );
    const created = await client.createAppointment({
      patientId: patient.patientId,
      startTime: "2026-03-14T15:00:00Z",
      endTime: "2026-03-14T15:30:00Z",
      serviceLocationId: "201",
      providerId: "101",
    });
    expect((await client.getAppointment(created.appointmentId)).startTime).toBe(
      "2026-03-14T15:00:00.000Z",
    );
    expect(first).toBeDefined();
    const outcomes = new Set(tebra.calls.list().map((c) => c.outcome));
    expect(outcomes).toEqual(new Set(["ok"]));
  });

  it("answers not-found for a patient the practice does not have", async () => {
    const { client } = emulatorClient(tebra.url);
    expect((await failure(client.getPatient("99999999"))).code).toBe("not-found");
  });
});

describe("faults from the local Tebra", () => {
  it("retries a read after a SOAP fault and succeeds", async () => {
    tebra.faults.inject({ operation: "GetProviders", kind: "soap-fault", times: 1 });
    const { client } = emulatorClient(tebra.url);
    expect((await client.getProviders()).length).toBe(6);
    expect(tebra.calls.count("GetProviders")).toBe(2);
  });

  it("gives up on persistent 503s with `unavailable` after the retries", async () => {
    tebra.faults.inject({ operation: "GetProviders", kind: "http-error", status: 503 });
    const { client } = emulatorClient(tebra.url);
    expect((await failure(client.getProviders())).code).toBe("unavailable");
    expect(tebra.calls.count("GetProviders")).toBe(3);
  });

  it("retries after a connection reset and after a malformed reply", async () => {
    const { client } = emulatorClient(tebra.url);
    tebra.faults.inject({
      operation: "GetPractices",
      kind: "connection-reset",
      times: 1,
    });
    expect((await client.getPractices()).length).toBe(1);
    tebra.faults.inject({ operation: "GetPractices", kind: "malformed-xml", times: 1 });
    expect((await client.getPractices()).length).toBe(1);
    expect(tebra.calls.count("GetPractices")).toBe(4);
  });

  it("times out a call that gets no answer: `deadline-exceeded`", async () => {
    tebra.faults.inject({ operation: "GetPractices", kind: "hang" });
    const { client } = emulatorClient(tebra.url, {
      resilience: { timeoutMs: 300, retries: 1 },
    });
    expect((await failure(client.getPractices())).code).toBe("deadline-exceeded");
    expect(tebra.calls.count("GetPractices")).toBe(2);
  });

  it("never retries an update, whatever the fault", async () => {
    const { client } = emulatorClient(tebra.url);
    const [row] = await client.getAppointments({ fromDay: "2026-03-12" });
    const record = await client.getAppointment(row!.appointmentId);
    tebra.faults.inject({ operation: "UpdateAppointment", kind: "soap-fault" });
    const error = await failure(
      client.updateAppointment({ ...appointmentUpdateFrom(record), status: "NoShow" }),
    );
    expect(error.code).toBe("unavailable");
    expect(tebra.calls.count("UpdateAppointment")).toBe(1);
  });

  it("waits out a throttle reply, pushes the shared slot back, then succeeds", async () => {
    tebra.faults.inject({ operation: "GetServiceLocations", kind: "throttle", times: 1 });
    const logs = captureLogs();
    try {
      const { client } = emulatorClient(tebra.url);
      const started = Date.now();
      expect((await client.getServiceLocations()).length).toBe(2);
      const calls = tebra.calls.list("GetServiceLocations");
      expect(calls.map((c) => c.outcome)).toEqual(["throttled", "ok"]);
      const interval = tebra.throttleTable()["GetServiceLocations"]!;
      expect(Date.parse(calls[1]!.at) - Date.parse(calls[0]!.at)).toBeGreaterThanOrEqual(
        interval,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(interval);
      expect(logs.events()).toContain("tebra.throttled");
    } finally {
      logs.restore();
    }
  });

  it("waits out HTTP 429 the same way", async () => {
    tebra.faults.inject({
      operation: "GetServiceLocations",
      kind: "throttle",
      style: "http-429",
      times: 1,
    });
    const { client } = emulatorClient(tebra.url);
    expect((await client.getServiceLocations()).length).toBe(2);
    expect(tebra.calls.list("GetServiceLocations").map((c) => c.httpStatus)).toEqual([
      429, 200,
    ]);
  });

  it("refuses expired or unknown credentials with `failed-precondition`, without retrying", async () => {
    const { client } = emulatorClient(tebra.url);
    for (const kind of ["invalid-credentials", "unknown-user"] as const) {
      tebra.calls.clear();
      tebra.faults.inject({ operation: "GetProviders", kind, times: 1 });
      const error = await failure(client.getProviders());
      expect(error.kind).toBe("credentials");
      expect(error.code).toBe("failed-precondition");
      expect(tebra.calls.count("GetProviders")).toBe(1);
    }
  });

  it("refuses a practice the user is not authorized for", async () => {
    tebra.faults.inject({ operation: "GetProviders", kind: "not-authorized", times: 1 });
    const { client } = emulatorClient(tebra.url);
    expect((await failure(client.getProviders())).kind).toBe("not-authorized");
  });

  it("opens the breaker after repeated outages and stops calling Tebra", async () => {
    tebra.faults.inject({ kind: "http-error", status: 503 });
    const { client, resilience } = emulatorClient(tebra.url, {
      resilience: { retries: 0 },
    });
    for (let i = 0; i < 5; i++) await failure(client.getPractices());
    expect(resilience.breakerState()).toBe("open");
    const before = tebra.calls.count();
    expect((await failure(client.getPractices())).kind).toBe("circuit-open");
    expect(tebra.calls.count()).toBe(before);
  });
});

describe("the kill switch in Firestore", () => {
  it("lets calls through when config/runtime is missing or says true", async () => {
    const { client } = emulatorClient(tebra.url);
    expect((await client.getPractices()).length).toBe(1);
    await adminDb().doc("config/runtime").set({ tebraEnabled: true });
    expect((await client.getPractices()).length).toBe(1);
  });

  it("refuses every call with 'Tebra access is switched off' when tebraEnabled is false", async () => {
    await adminDb().doc("config/runtime").set({ tebraEnabled: false });
    const { client } = emulatorClient(tebra.url);
    const error = await failure(client.getPractices());
    expect(error.code).toBe("unavailable");
    expect(error.message).toBe("Tebra access is switched off");
    expect(tebra.calls.count()).toBe(0);
  });
});

describe("the production wiring (tebraClient) in a demo project", () => {
  const saved = { ...process.env };
  afterAll(() => {
    for (const key of Object.keys(process.env))
      if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("reads its parameters, the seeded local secret and the endpoint override", async () => {
    process.env.PRACTICE_ID = "1";
    process.env.PRACTICE_NAME = "Lakeside Family Medicine (synthetic)";
    process.env.TEBRA_ENDPOINT_OVERRIDE = tebra.url;
    const { tebraClient } = await import("../../../src/tebra/instance.ts");
    const client = tebraClient();
    expect(tebraClient()).toBe(client);
    expect(await client.checkCredentials()).toEqual({
      customerId: "4242",
      isAuthorized: true,
    });
    expect((await client.getPractices())[0]?.practiceId).toBe("1");
  });
});
