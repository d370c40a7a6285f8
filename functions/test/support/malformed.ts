// Malformed requests for every PHI callable and API route, built on purpose rather than
// drawn at random and filtered: each arbitrary takes a valid request and breaks it one way
// (not an object, a field missing, an unknown field, a field of the wrong type, a value
// of the right type but the wrong form, two fields that disagree). The property tests
// check with the contract's own schema that every draw is indeed invalid, so a generator
// that drifts into valid requests fails the test instead of weakening it.
import fc from "fast-check";
import { MOVE_TARGETS, type CallableName } from "../../src/contract/index.ts";

type Kind = "id" | "date" | "instant" | "move" | "mode" | "name" | "notes" | "room";

interface Field {
  kind: Kind;
  required: boolean;
}

/** The request fields of each callable and a valid request to break. */
export const SHAPES: Record<
  CallableName,
  { fields: Record<string, Field>; valid: object }
> = {
  getSchedule: {
    fields: {
      date: { kind: "date", required: true },
      providerId: { kind: "id", required: false },
    },
    valid: { date: "2026-03-02", providerId: "101" },
  },
  getAppointment: {
    fields: { appointmentId: { kind: "id", required: true } },
    valid: { appointmentId: "96730001" },
  },
  createAppointment: {
    fields: {
      patientId: { kind: "id", required: true },
      providerId: { kind: "id", required: true },
      serviceLocationId: { kind: "id", required: true },
      startTime: { kind: "instant", required: true },
      endTime: { kind: "instant", required: true },
      reasonId: { kind: "id", required: false },
      mode: { kind: "mode", required: false },
      notes: { kind: "notes", required: false },
    },
    valid: {
      patientId: "10001",
      providerId: "101",
      serviceLocationId: "201",
      startTime: "2026-03-02T15:00:00Z",
      endTime: "2026-03-02T15:30:00Z",
      reasonId: "402",
      mode: "InOffice",
      notes: "Bring the medication list",
    },
  },
  moveAppointment: {
    fields: {
      appointmentId: { kind: "id", required: true },
      status: { kind: "move", required: true },
      room: { kind: "room", required: false },
    },
    valid: { appointmentId: "96730001", status: "roomed", room: "Exam 2" },
  },
  cancelAppointment: {
    fields: { appointmentId: { kind: "id", required: true } },
    valid: { appointmentId: "96730001" },
  },
  searchPatients: {
    fields: {
      lastName: { kind: "name", required: true },
      firstName: { kind: "name", required: false },
      dateOfBirth: { kind: "date", required: false },
    },
    valid: { lastName: "Ashbury", firstName: "Ada", dateOfBirth: "1961-04-12" },
  },
  getPatient: {
    fields: { patientId: { kind: "id", required: true } },
    valid: { patientId: "10001" },
  },
  getProviders: { fields: {}, valid: {} },
  getServiceLocations: { fields: {}, valid: {} },
  getPractice: { fields: {}, valid: {} },
};

/** Values of the right type (a string) but the wrong form, per kind. */
const BAD_TEXT: Record<Kind, readonly string[]> = {
  id: ["", "0", "0123", "-1", "12a", "1".repeat(19), " 12", "12 ", "1e3", "１２", "1.0"],
  date: [
    "",
    "2026-02-30",
    "2026-13-01",
    "2026-00-10",
    "26-01-01",
    "2026/01/01",
    "2026-1-1",
    "2026-01-01T00:00:00Z",
    "1899-12-31",
    "today",
  ],
  instant: [
    "",
    "2026-03-02 15:00",
    "2026-03-02T15:00:00",
    "2026-02-30T10:00:00Z",
    "2026-03-02T25:00:00Z",
    "2026-03-02",
    "tomorrow",
    "1772463600",
  ],
  move: ["", "checked_in", "CHECKED-IN", "seen-by-provider", "rescheduled", "done"],
  mode: ["", "inoffice", "Video", "Telephone"],
  name: [
    "",
    "   ",
    "x".repeat(61),
    "Smith1",
    "<script>",
    "Ann\u0000e",
    "O'Brien;--",
    "@@",
  ],
  notes: ["", "   ", "x".repeat(2001), "a\u0000b", "bell\u0007"],
  room: ["", "  ", "x".repeat(21), "room\u0001"],
};

const GOOD_TEXT: Record<Kind, fc.Arbitrary<string>> = {
  id: fc.integer({ min: 1, max: 99_999_999 }).map(String),
  date: fc.constantFrom("2026-03-02", "1961-04-12", "2024-02-29"),
  instant: fc.constant("2026-03-02T15:00:00Z"),
  move: fc.constantFrom(...MOVE_TARGETS),
  mode: fc.constantFrom("InOffice", "Telehealth"),
  name: fc.constantFrom("Ashbury", "O'Neil", "Anne-Marie"),
  notes: fc.constant("a note"),
  room: fc.constant("Exam 1"),
};

/** A value of another JSON type than the field's string. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** A top-level request that is not an object at all. */
const notAnObject: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
);

const FIELD_NAME = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,20}$/);

function unknownKey(known: readonly string[]): fc.Arbitrary<string> {
  return fc
    .oneof(FIELD_NAME, fc.constantFrom("__proto__", "constructor", "role", "practiceId"))
    .filter((key) => !known.includes(key));
}

/** A JSON round trip, so "__proto__" becomes an own key as it would arrive over HTTP. */
function viaJson(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function withField(base: object, key: string, value: unknown): Record<string, unknown> {
  const json = JSON.stringify(base).slice(0, -1);
  const entry = `${JSON.stringify(key)}:${JSON.stringify(value ?? null)}`;
  return JSON.parse(json === "{" ? `{${entry}}` : `${json},${entry}}`) as Record<
    string,
    unknown
  >;
}

/** Requests two of whose fields disagree, per callable. */
function crossField(name: CallableName): fc.Arbitrary<unknown> | null {
  const valid = SHAPES[name].valid as Record<string, unknown>;
  switch (name) {
    case "createAppointment":
      return fc
        .oneof(
          fc.integer({ min: -600, max: 0 }),
          fc.integer({ min: 12 * 60 + 1, max: 5000 }),
        )
        .map((minutes) => ({
          ...valid,
          endTime: new Date(Date.parse("2026-03-02T15:00:00Z") + minutes * 60_000)
            .toISOString()
            .replace(/\.000Z$/, "Z"),
        }));
    case "moveAppointment":
      return fc
        .constantFrom(...MOVE_TARGETS.filter((status) => status !== "roomed"))
        .map((status) => ({ ...valid, status, room: "Exam 1" }));
    case "searchPatients":
      return GOOD_TEXT.name.map((lastName) => ({ lastName }));
    default:
      return null;
  }
}

function without(value: object, omit: readonly string[]): Record<string, unknown> {
  const copy = viaJson(value);
  for (const key of omit) delete copy[key];
  return copy;
}

/**
 * Malformed requests for a callable, every one invalid by construction. `omit` leaves
 * fields out of the shape (the API's path parameters, which the route fills validly).
 */
export function malformedRequest(
  name: CallableName,
  omit: readonly string[] = [],
): fc.Arbitrary<unknown> {
  const shape = SHAPES[name];
  const valid = without(shape.valid, omit);
  const fields = Object.fromEntries(
    Object.entries(shape.fields).filter(([key]) => !omit.includes(key)),
  );
  const keys = Object.keys(fields);
  const required = keys.filter((key) => fields[key]!.required);
  const options: fc.Arbitrary<unknown>[] = [
    notAnObject,
    unknownKey(keys).map((key) => withField(valid, key, "x")),
  ];
  if (required.length) {
    options.push(fc.constant(null));
    options.push(
      fc.constantFrom(...required).map((key) => {
        const copy = viaJson(valid);
        delete copy[key];
        return copy;
      }),
    );
  }
  if (keys.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...keys), wrongType)
        .map(([key, value]) => withField(viaJson(valid), key, value))
        .map((request) => request),
    );
    options.push(
      fc
        .constantFrom(...keys)
        .chain((key) =>
          fc
            .constantFrom(...BAD_TEXT[fields[key]!.kind])
            .map((bad) => ({ ...viaJson(valid), [key]: bad })),
        ),
    );
  } else {
    options.push(
      fc.dictionary(FIELD_NAME, fc.jsonValue({ maxDepth: 1 }), {
        minKeys: 1,
        maxKeys: 4,
      }),
    );
  }
  const cross = crossField(name);
  if (cross) {
    options.push(cross.map((request) => without(request as object, omit)));
  }
  return fc.oneof(...options);
}

export type QueryValue = string | string[] | Record<string, string>;

/**
 * A malformed query string for a GET route, as Express parses one: values are text,
 * repeated keys arrays, `a[b]=c` objects. Every draw breaks the callable's request.
 */
export function malformedQuery(
  name: CallableName,
  omit: readonly string[] = [],
): fc.Arbitrary<Record<string, QueryValue>> {
  const shape = SHAPES[name];
  const valid = without(shape.valid, omit) as Record<string, string>;
  const fields = Object.entries(shape.fields).filter(([key]) => !omit.includes(key));
  const keys = fields.map(([key]) => key);
  const options: fc.Arbitrary<Record<string, QueryValue>>[] = [
    // Express's query parser drops keys named after Object.prototype's members.
    unknownKey([...keys, ...omit])
      .filter((key) => !(key in Object.prototype))
      .map((key) => ({ ...valid, [key]: "x" })),
  ];
  if (omit.length + keys.length) {
    options.push(
      fc.constantFrom(...omit, ...keys).map((key) => ({ ...valid, [key]: ["1", "2"] })),
    );
  }
  if (omit.length) {
    options.push(fc.constantFrom(...omit).map((key) => ({ ...valid, [key]: "101" })));
  }
  if (keys.length) {
    options.push(
      fc
        .constantFrom(...keys)
        .chain((key) =>
          fc
            .constantFrom(...BAD_TEXT[shape.fields[key]!.kind])
            .map((bad) => ({ ...valid, [key]: bad })),
        ),
      fc.constantFrom(...keys).map((key) => ({ ...valid, [key]: { nested: "1" } })),
    );
    const required = keys.filter((key) => shape.fields[key]!.required);
    if (required.length) {
      options.push(
        fc.constantFrom(...required).map((key) => {
          const copy: Record<string, QueryValue> = { ...valid };
          delete copy[key];
          return copy;
        }),
      );
    }
  }
  return fc.oneof(...options);
}

/** Ids that are not Tebra ids but still fill one path segment. */
export const BAD_PATH_IDS = BAD_TEXT.id.filter((id) => id.trim() !== "");

/** A string of the field's kind in good form (for building valid query strings). */
export function goodValue(kind: Kind): fc.Arbitrary<string> {
  return GOOD_TEXT[kind];
}

export function badValues(kind: Kind): readonly string[] {
  return BAD_TEXT[kind];
}

export type { Kind };
