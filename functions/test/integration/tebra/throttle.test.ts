// The throttle shared by every function instance, on the Firestore emulator: slots are
// reserved in a transaction on tebraThrottle/{operation}, so instances never overlap.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalTebra, type LocalTebra } from "../../../dev/local-tebra/server.ts";
import { TebraError } from "../../../src/tebra/errors.ts";
import { FirestoreThrottle, THROTTLE_COLLECTION } from "../../../src/tebra/throttle.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { emulatorClient } from "./support.ts";

beforeEach(() => clearFirestore());

function instance(marginMs = 250, maxWaitMs = 60_000) {
  return new FirestoreThrottle(adminDb(), { marginMs, maxWaitMs, tableTtlMs: 3_600_000 });
}

describe("FirestoreThrottle (two instances, one Firestore)", () => {
  it("gives concurrent callers slots at least interval + margin apart, never the same", async () => {
    const a = instance();
    const b = instance();
    const slots = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).reserve("GetPatient")),
    );
    const sorted = [...slots].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(250 + 250);
    }
    const stored = await adminDb().doc(`${THROTTLE_COLLECTION}/GetPatient`).get();
    expect(stored.get("nextSlotAt")).toBe(sorted.at(-1)! + 500);
  });

  it("keeps operations independent", async () => {
    const throttle = instance();
    const [appointments, patient] = await Promise.all([
      throttle.reserve("GetAppointments"),
      throttle.reserve("GetPatient"),
    ]);
    expect(Math.abs(appointments - patient)).toBeLessThan(1_000);
  });

  it("never uses a margin under 250 ms", () => {
    expect(instance(0).spacingMs("GetPatient")).toBe(250 + 250);
  });

  it("refuses, without reserving, a slot further away than the longest wait", async () => {
    const throttle = instance(250, 1_000);
    await throttle.penalize("GetAppointments", 5_000);
    const before = (
      await adminDb().doc(`${THROTTLE_COLLECTION}/GetAppointments`).get()
    ).get("nextSlotAt") as number;
    const error = await throttle.reserve("GetAppointments").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TebraError);
    expect((error as TebraError).code).toBe("resource-exhausted");
    expect((error as TebraError).retryable).toBe(false);
    const after = (
      await adminDb().doc(`${THROTTLE_COLLECTION}/GetAppointments`).get()
    ).get("nextSlotAt");
    expect(after).toBe(before);
  });

  it("shares a GetThrottles table with every instance", async () => {
    const a = instance();
    await a.useTable([{ endpoint: "GetPatient", intervalMs: 900 }]);
    const b = instance();
    expect(await b.tableIsStale()).toBe(false);
    expect(b.spacingMs("GetPatient")).toBe(900 + 250);
    expect(b.spacingMs("GetProviders")).toBe(500 + 250);
  });
});

describe("two clients against a local Tebra enforcing the real intervals", () => {
  let tebra: LocalTebra;
  beforeAll(async () => {
    // GetPatient at Tebra's documented 250 ms; everything else too.
    tebra = await startLocalTebra({ port: 0, rateScale: 1, appointmentsPerDay: 20 });
  });
  afterAll(() => tebra.close());

  it("are never throttled when they call the same operation at once", async () => {
    tebra.reset();
    const first = emulatorClient(tebra.url).client;
    const second = emulatorClient(tebra.url).client;
    const patients = tebra.practice
      .allPatients()
      .slice(0, 4)
      .map((p) => String(p.id));
    await Promise.all(
      patients.flatMap((id) => [first.getPatient(id), second.getPatient(id)]),
    );
    const calls = tebra.calls.list("GetPatient");
    expect(calls).toHaveLength(8);
    expect(calls.map((c) => c.outcome)).toEqual(Array(8).fill("ok"));
    const times = calls.map((c) => Date.parse(c.at)).sort((x, y) => x - y);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(250);
    }
  }, 30_000);

  it("refresh the throttle table from GetThrottles once for both, when it is missing", async () => {
    tebra.reset();
    const first = emulatorClient(tebra.url).client;
    const second = emulatorClient(tebra.url).client;
    await Promise.all([first.getProviders(), second.getPractices()]);
    expect(tebra.calls.count("GetThrottles")).toBe(1);
    const table = (await adminDb().doc(`${THROTTLE_COLLECTION}/GetThrottles`).get()).get(
      "table",
    ) as { intervals: Record<string, number> };
    expect(table.intervals["GetPatient"]).toBe(250);
    expect(table.intervals["GetAppointments"]).toBe(1000);
  }, 30_000);
});
