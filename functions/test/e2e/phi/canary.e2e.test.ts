// Canary PHI through every PHI function and its error paths, over both surfaces, then a
// search of what the Functions emulator wrote (firebase-debug.log in TEST_RUN_DIR: every
// line the functions logged) and of every error body for any of it. Two kinds of canary:
// a canary patient added to the local Tebra (name, date of birth, phones, e-mail) with a
// visit on the day, plus a note we book with, all shaped like identifiers so that the log
// catalog's redaction would NOT hide them; and the other synthetic patients' PHI the local
// Tebra answered, collected from the replies as they arrive.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  API_ROUTES,
  CALLABLE_NAMES,
  type CallableName,
} from "../../../src/contract/index.ts";
import { PHI_FIELD_NAMES } from "../../../src/identity/policy.ts";
import { clinicToday } from "../../../src/tebra/dates.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import { functionsBaseUrl } from "../../support/emulators.ts";
import {
  addTebraPatient,
  apiCallFor,
  clearTebraFaults,
  injectTebraFault,
  sessionsOf,
  viaApi,
  viaCallable,
  warmUp,
  type Reply,
  type Sessions,
} from "./support.ts";

/** The canary patient and note; each value would pass the log catalog's identifier check. */
const SENT = {
  lastName: "Zqxcanarylast",
  firstName: "Vexcanaryfirst",
  dateOfBirth: "1911-11-17",
  homePhone: "3125550177",
  mobilePhone: "3125550188",
  email: "zqxcanarymail.example.test",
  note: "Qcanarynote4417",
} as const;

const DAY = (() => {
  const today = new Date(`${clinicToday("America/Chicago")}T12:00:00Z`);
  return new Date(today.getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
})();

let baseUrl: string;
let users: Sessions;
/** The canary patient's ids in the local Tebra, and its visit on DAY. */
let canary: { patientId: string; appointmentId: string };
/** PHI the replies carried, to look for in the logs afterwards. */
const seen = new Set<string>();
/** Every reply that was not a success. */
const errorBodies: string[] = [];
let successes = 0;

function collect(value: unknown, key = ""): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, key);
  } else if (typeof value === "object" && value !== null) {
    for (const [name, child] of Object.entries(value)) collect(child, name);
  } else if (typeof value === "string" && PHI_FIELD_NAMES.has(key) && value.length >= 6) {
    seen.add(value);
  }
}

function record(reply: Reply): Reply {
  if (reply.status === 200) {
    successes++;
    collect(reply.result);
  } else {
    errorBodies.push(reply.text);
  }
  return reply;
}

const staff = () => users.staff.fresh;
const provider = () => users.provider.fresh;

async function both(name: CallableName, data: Record<string, unknown>, token: string) {
  return [
    record(await viaCallable(baseUrl, name, data, token)),
    record(await viaApi(baseUrl, apiCallFor(name, data), token)),
  ];
}

interface Row {
  appointmentId: string;
  patientId: string | null;
  status: string;
}

beforeAll(async () => {
  if (!process.env["TEST_RUN_DIR"]) {
    throw new Error(
      "TEST_RUN_DIR is not set: run the e2e layer with scripts/test.sh, whose emulators " +
        "write the functions' log to TEST_RUN_DIR/firebase-debug.log",
    );
  }
  baseUrl = await functionsBaseUrl();
  await clearFirestore();
  users = await sessionsOf("cn");
  const added = await addTebraPatient({
    firstName: SENT.firstName,
    lastName: SENT.lastName,
    dateOfBirth: SENT.dateOfBirth,
    homePhone: SENT.homePhone,
    mobilePhone: SENT.mobilePhone,
    email: SENT.email,
    appointmentOn: DAY,
    appointmentTime: "08:30",
  });
  canary = { patientId: added.patientId, appointmentId: added.appointmentId! };
  await warmUp(baseUrl, users.auditor.fresh);
}, 600_000);

describe("canary PHI through the PHI functions", () => {
  it("flows through every operation that answers it, on both surfaces", async () => {
    const [schedule] = await both("getSchedule", { date: DAY }, provider());
    const rows = (schedule!.result as { appointments: Row[] }).appointments;
    expect(rows.map((row) => row.appointmentId)).toContain(canary.appointmentId);
    const others = rows.filter((row) => row.patientId && row.status === "scheduled");
    for (const row of others.slice(0, 3)) {
      await both("getAppointment", { appointmentId: row.appointmentId }, staff());
    }
    const [appointment] = await both(
      "getAppointment",
      { appointmentId: canary.appointmentId },
      provider(),
    );
    expect(appointment!.result).toMatchObject({
      patientName: `${SENT.lastName}, ${SENT.firstName}`,
      patientDob: SENT.dateOfBirth,
    });

    // The canary patient is in care: the day holds their visit.
    await adminDb()
      .doc(`practices/1/schedules/${DAY}/visits/${canary.appointmentId}`)
      .set({
        practiceId: "1",
        date: DAY,
        appointmentId: canary.appointmentId,
        patientId: canary.patientId,
      });
    const [patient] = await both(
      "getPatient",
      { patientId: canary.patientId },
      provider(),
    );
    expect(patient!.result).toMatchObject({
      lastName: SENT.lastName,
      homePhone: SENT.homePhone,
      email: SENT.email,
    });
    const [found] = await both(
      "searchPatients",
      { lastName: SENT.lastName, dateOfBirth: SENT.dateOfBirth },
      staff(),
    );
    expect((found!.result as { patients: unknown[] }).patients).toHaveLength(1);
    await both(
      "searchPatients",
      { lastName: SENT.lastName, firstName: SENT.firstName },
      provider(),
    );

    // A booking carries the canary note into Tebra; the provider's replies carry it back.
    const booked = record(
      await viaCallable(
        baseUrl,
        "createAppointment",
        {
          patientId: canary.patientId,
          providerId: "101",
          serviceLocationId: "201",
          startTime: `${DAY}T22:00:00Z`,
          endTime: `${DAY}T22:20:00Z`,
          notes: SENT.note,
        },
        provider(),
      ),
    );
    const created = booked.result as { appointmentId: string; notes: string };
    expect(created.notes).toBe(SENT.note);
    const [read] = await both(
      "getAppointment",
      { appointmentId: created.appointmentId },
      provider(),
    );
    expect((read!.result as { notes: string }).notes).toBe(SENT.note);
    for (const status of ["checked-in", "roomed", "ready-for-provider"]) {
      await both(
        "moveAppointment",
        { appointmentId: canary.appointmentId, status },
        staff(),
      );
    }
    await both(
      "moveAppointment",
      { appointmentId: created.appointmentId, status: "no-show" },
      provider(),
    );
    await both("cancelAppointment", { appointmentId: others[0]!.appointmentId }, staff());
    for (const name of ["getProviders", "getServiceLocations", "getPractice"] as const) {
      await both(name, {}, staff());
    }
    expect(seen.size).toBeGreaterThan(10);
  }, 600_000);

  it("and through every refusal: malformed requests, wrong roles, weak sessions, no care", async () => {
    const malformed: Record<CallableName, unknown> = {
      getSchedule: { date: SENT.lastName },
      getAppointment: { appointmentId: SENT.dateOfBirth },
      createAppointment: {
        patientId: SENT.lastName,
        providerId: "101",
        serviceLocationId: "201",
        startTime: SENT.dateOfBirth,
        endTime: SENT.dateOfBirth,
        notes: `${SENT.note}\u0000`,
      },
      moveAppointment: { appointmentId: "96730001", status: SENT.firstName },
      cancelAppointment: { appointmentId: SENT.note },
      searchPatients: { lastName: `${SENT.lastName}9`, firstName: SENT.firstName },
      getPatient: { patientId: SENT.dateOfBirth },
      getProviders: { filter: SENT.lastName },
      getServiceLocations: [SENT.lastName],
      getPractice: SENT.firstName,
    };
    for (const name of CALLABLE_NAMES) {
      const data = malformed[name];
      const reply = record(await viaCallable(baseUrl, name, data, staff()));
      expect(reply.status, name).toBe(400);
      const route = API_ROUTES.find((candidate) => candidate.operation === name)!;
      const api =
        route.method === "GET"
          ? // No canary in a URL: request logs keep URLs whatever the code does, which is
            // why the API takes no PHI in one (patient search is a POST).
            {
              method: "GET" as const,
              path: route.path.replace(/\{\w+\}/, "0"),
              query: { q: "1" },
            }
          : {
              method: "POST" as const,
              path: route.path.replace(/\{\w+\}/, "96730001"),
              body: JSON.stringify(data),
            };
      expect(record(await viaApi(baseUrl, api, staff())).status, route.path).toBe(400);
    }
    const search = { lastName: SENT.lastName, dateOfBirth: SENT.dateOfBirth };
    for (const token of [
      users.auditor.fresh,
      users.staff.noSecondFactor,
      users.provider.stale,
    ]) {
      const replies = await both("searchPatients", search, token);
      expect(replies.every((reply) => reply.status === 401 || reply.status === 403)).toBe(
        true,
      );
    }
    const [noCare] = await both("getPatient", { patientId: "10999" }, staff());
    // A refused move of the canary's visit names the statuses, not the patient.
    const [closed] = await both(
      "moveAppointment",
      { appointmentId: canary.appointmentId, status: "scheduled" },
      staff(),
    );
    expect(closed!.error?.details).toMatchObject({ reason: "transition-not-allowed" });
    expect(noCare!.error?.details).toMatchObject({ reason: "no-care-relationship" });
  }, 600_000);

  it("and through Tebra's failures, whose text never reaches the caller", async () => {
    const faults = [
      { kind: "soap-fault" },
      { kind: "malformed-xml" },
      { kind: "http-error", status: 503 },
      { kind: "connection-reset" },
    ];
    for (const fault of faults) {
      // A read is tried three times, a write once; then a success closes the breaker again.
      await injectTebraFault({ ...fault, operation: "GetPatients", times: 3 });
      const failed = record(
        await viaCallable(
          baseUrl,
          "searchPatients",
          { lastName: SENT.lastName, firstName: SENT.firstName },
          staff(),
        ),
      );
      expect(failed.status, JSON.stringify(fault)).toBeGreaterThanOrEqual(500);
      await injectTebraFault({ ...fault, operation: "CreateAppointment", times: 1 });
      const write = record(
        await viaApi(
          baseUrl,
          apiCallFor("createAppointment", {
            patientId: "10001",
            providerId: "101",
            serviceLocationId: "201",
            startTime: `${DAY}T23:00:00Z`,
            endTime: `${DAY}T23:10:00Z`,
            notes: SENT.note,
          }),
          provider(),
        ),
      );
      expect(write.status, JSON.stringify(fault)).toBeGreaterThanOrEqual(500);
      await clearTebraFaults();
      await both(
        "searchPatients",
        { lastName: SENT.lastName, dateOfBirth: SENT.dateOfBirth },
        staff(),
      );
    }
    expect(errorBodies.some((body) => body.includes("Tebra is unavailable"))).toBe(true);
  }, 600_000);

  it("leaves no canary and no PHI of a reply in the functions' log or an error body", async () => {
    const log = join(process.env["TEST_RUN_DIR"]!, "firebase-debug.log");
    expect(existsSync(log), `${log} exists`).toBe(true);
    // The emulator writes the log as the workers print; wait until it settles.
    let size = -1;
    for (let i = 0; i < 20 && statSync(log).size !== size; i++) {
      size = statSync(log).size;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // Every line but the emulator's own traces of its internal HTTP calls ("[apiv2][body]":
    // Auth trigger payloads of the test users), which production does not have.
    const text = readFileSync(log, "utf8")
      .split("\n")
      .filter((line) => !line.includes("[apiv2][body]"))
      .join("\n");
    // The capture works: the functions' own lines from these calls are there.
    expect(text).toContain('"event":"tebra.call_failed"');
    expect(text).toContain('"event":"phi.reference_data_loaded"');
    expect(successes).toBeGreaterThan(20);
    expect(errorBodies.length).toBeGreaterThan(20);

    const canaries = [...Object.values(SENT), ...seen];
    const inLog = canaries.filter((value) => text.includes(value));
    const inErrors = canaries.filter((value) =>
      errorBodies.some((body) => body.includes(value)),
    );
    expect(inLog).toEqual([]);
    expect(inErrors).toEqual([]);
  });
});
