import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseInput } from "../../../src/errors.ts";
import {
  API_ROUTES,
  CALLABLE_NAMES,
  CALLABLES,
  createAppointmentRequest,
  getScheduleRequest,
  moveAppointmentRequest,
  searchPatientsRequest,
} from "../../../src/contract/index.ts";
import type { z } from "zod";
import {
  allowedRoles,
  fieldsFor,
  PHI_FIELD_NAMES,
  POLICY,
} from "../../../src/identity/policy.ts";
import { project } from "../../../src/identity/projection.ts";

const CONTRACT_DIR = fileURLToPath(new URL("../../../src/contract/", import.meta.url));

/** Every module the contract loads, following relative imports from its folder. */
function importGraph(entry: string, seen = new Set<string>()): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    const specifiers = [
      ...text.matchAll(/^(?:import|export)[^;]*?from\s+"([^"]+)"/gms),
    ].map((match) => match[1]!);
    graph.set(file, specifiers);
    for (const specifier of specifiers) {
      if (specifier.startsWith(".")) visit(resolve(dirname(file), specifier));
    }
  };
  visit(entry);
  return graph;
}

/** The dotted leaf paths of a reply schema, as the policy names fields. */
function leafPaths(schema: z.ZodType, prefix = ""): string[] {
  const def = (schema as unknown as { def: Record<string, unknown> }).def;
  switch (def["type"]) {
    case "optional":
    case "nullable":
      return leafPaths(def["innerType"] as z.ZodType, prefix);
    case "array":
      return leafPaths(def["element"] as z.ZodType, prefix);
    case "object":
      return Object.entries(def["shape"] as Record<string, z.ZodType>).flatMap(
        ([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key),
      );
    default:
      return [prefix];
  }
}

function refusal(schema: Parameters<typeof parseInput>[0], data: unknown): string {
  try {
    parseInput(schema, data);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("accepted");
}

describe("the contract module", () => {
  it("loads nothing but zod and its own small modules, so a browser bundle can import it", () => {
    const graph = importGraph(join(CONTRACT_DIR, "index.ts"));
    const packages = [...graph.values()].flat().filter((s) => !s.startsWith("."));
    expect(new Set(packages)).toEqual(new Set(["zod"]));
    const files = [...graph.keys()].map((file) => file.split("/src/")[1]);
    expect(files.every((file) => /^(contract|flow)\//.test(file!))).toBe(true);
    for (const file of readdirSync(CONTRACT_DIR)) {
      expect(graph.has(join(CONTRACT_DIR, file)), file).toBe(true);
    }
  });

  it("names only operations of the policy table, each callable by some role", () => {
    for (const name of CALLABLE_NAMES) {
      expect(POLICY[name], name).toBeDefined();
      expect(allowedRoles(name).length).toBeGreaterThan(0);
    }
  });

  it("routes every callable exactly once over the HTTPS API", () => {
    expect(API_ROUTES.map((route) => route.operation).sort()).toEqual(
      [...CALLABLE_NAMES].sort(),
    );
  });

  it("has no reply field the policy never shows, and the policy's PHI fields typed", () => {
    for (const name of CALLABLE_NAMES) {
      const schemaPaths = leafPaths(CALLABLES[name].reply);
      const shown = new Set(allowedRoles(name).flatMap((role) => fieldsFor(name, role)));
      expect(
        schemaPaths.filter((path) => !shown.has(path)),
        name,
      ).toEqual([]);
      const phi = [...shown].filter((path) =>
        PHI_FIELD_NAMES.has(path.split(".").at(-1)!),
      );
      expect(
        phi.filter((path) => !schemaPaths.includes(path)),
        name,
      ).toEqual([]);
    }
  });
});

describe("the request schemas", () => {
  it("name the field at fault and never repeat the value sent", () => {
    const canary = "Zqcanaryvex";
    const messages = [
      refusal(getScheduleRequest, { date: canary }),
      refusal(searchPatientsRequest, { lastName: `${canary}1`, firstName: "Ada" }),
      refusal(CALLABLES.getPatient.request, { patientId: canary }),
      refusal(createAppointmentRequest, { [canary]: 1 }),
    ];
    expect(messages).toEqual([
      "Invalid request: date: expected a date written YYYY-MM-DD",
      "Invalid request: lastName: expected letters, spaces, ' - or .",
      "Invalid request: patientId: expected a Tebra PatientID",
      expect.stringMatching(/^Invalid request: /),
    ]);
    for (const message of messages.slice(0, 3)) expect(message).not.toContain(canary);
  });

  it("take ids as canonical digits only: no leading zero, no sign, no spaces", () => {
    for (const bad of ["0", "012", "-5", " 5", "5 ", "1e3", "1".repeat(19)]) {
      expect(
        CALLABLES.getAppointment.request.safeParse({ appointmentId: bad }).success,
      ).toBe(false);
    }
    expect(
      CALLABLES.getAppointment.request.safeParse({ appointmentId: "96730001" }).success,
    ).toBe(true);
  });

  it("take calendar dates only, and times with a zone", () => {
    expect(getScheduleRequest.safeParse({ date: "2024-02-29" }).success).toBe(true);
    expect(getScheduleRequest.safeParse({ date: "2026-02-29" }).success).toBe(false);
    const booking = {
      patientId: "10001",
      providerId: "101",
      serviceLocationId: "201",
      startTime: "2026-03-02T09:00:00-06:00",
      endTime: "2026-03-02T15:30:00Z",
    };
    expect(createAppointmentRequest.safeParse(booking).success).toBe(true);
    expect(
      createAppointmentRequest.safeParse({ ...booking, startTime: "2026-03-02T09:00:00" })
        .success,
    ).toBe(false);
  });

  it("refuse an appointment that ends before it starts or lasts over 12 hours", () => {
    const booking = {
      patientId: "10001",
      providerId: "101",
      serviceLocationId: "201",
      startTime: "2026-03-02T15:00:00Z",
    };
    expect(
      refusal(createAppointmentRequest, { ...booking, endTime: "2026-03-02T15:00:00Z" }),
    ).toBe("Invalid request: endTime: must be after startTime, by at most 12 hours");
    expect(
      createAppointmentRequest.safeParse({ ...booking, endTime: "2026-03-03T03:01:00Z" })
        .success,
    ).toBe(false);
  });

  it("take a room only with a move to roomed, and no app-only status", () => {
    expect(
      refusal(moveAppointmentRequest, {
        appointmentId: "1",
        status: "checked-in",
        room: "Exam 1",
      }),
    ).toBe("Invalid request: room: only with status roomed");
    for (const status of ["seen-by-provider", "rescheduled"]) {
      expect(
        moveAppointmentRequest.safeParse({ appointmentId: "1", status }).success,
      ).toBe(false);
    }
  });

  it("make a search give a last name and a first name or a date of birth", () => {
    expect(refusal(searchPatientsRequest, { lastName: "Ashbury" })).toBe(
      "Invalid request: firstName: give firstName or dateOfBirth with lastName",
    );
    expect(
      searchPatientsRequest.safeParse({ lastName: "O'Neil", dateOfBirth: "1961-04-12" })
        .success,
    ).toBe(true);
  });
});

describe("the reply schemas", () => {
  it("accept each role's projection of a full reply", () => {
    const full = {
      appointmentId: "1",
      patientId: "10001",
      practiceId: "1",
      date: "2026-03-02",
      startTime: "2026-03-02T15:00:00Z",
      endTime: "2026-03-02T15:30:00Z",
      appointmentType: "P",
      providerId: "101",
      providerLabel: "Dr. Example",
      serviceLocationId: "201",
      status: "roomed",
      tebraStatus: "Roomed",
      room: "Exam 1",
      checkedInAt: null,
      roomedAt: null,
      readyForProviderAt: null,
      seenByProviderAt: null,
      checkedOutAt: null,
      flowUpdatedAt: null,
      patientName: "Example, Ada",
      patientDob: "1961-04-12",
      patientPhone: "(312) 555-0100",
      appointmentReason: "Follow-up visit",
      notes: null,
      patientAlert: null,
    };
    for (const role of allowedRoles("getAppointment")) {
      const { value } = project(full, fieldsFor("getAppointment", role));
      expect(CALLABLES.getAppointment.reply.safeParse(value).success, role).toBe(true);
    }
  });
});
