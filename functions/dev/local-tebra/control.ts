// The control endpoint, POST /__control (JSON actions) and GET /__control (state), and the
// shape of a patient added for a test. See README.md for the actions.
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { CallLog } from "./calls.ts";
import { faultSchema, type FaultController } from "./faults.ts";
import type { ApiUsers } from "./security.ts";

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export const addedPatientSchema = z
  .object({
    firstName: z.string().min(1).max(64),
    lastName: z.string().min(1).max(64),
    middleName: z.string().max(64).optional(),
    dateOfBirth: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    gender: z.enum(["Female", "Male"]).optional(),
    homePhone: z.string().max(32).optional(),
    mobilePhone: z.string().max(32).optional(),
    email: z.string().max(128).optional(),
    /** Also book the patient an appointment on this clinic date (YYYY-MM-DD)… */
    appointmentOn: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    /** …at this clinic time (HH:mm, default 09:00). */
    appointmentTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .optional(),
  })
  .strict();
export type AddedPatient = z.input<typeof addedPatientSchema>;

/** What the control endpoint acts on. */
export interface ControlTarget {
  faults: FaultController;
  calls: CallLog;
  throttleTable(): Record<string, number>;
  reset(): void;
  addPatient(patient: AddedPatient): { patientId: number; appointmentId: number | null };
  users: ApiUsers;
}

const controlSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("inject"), fault: faultSchema }),
  z.object({ action: z.literal("remove-fault"), id: z.string() }),
  z.object({ action: z.literal("clear-faults") }),
  z.object({ action: z.literal("calls") }),
  z.object({ action: z.literal("clear-calls") }),
  z.object({ action: z.literal("reset") }),
  z.object({ action: z.literal("add-patient"), patient: z.unknown() }),
  z.object({
    action: z.literal("add-user"),
    user: z.string().min(1).max(64),
    password: z.string().min(1).max(128),
  }),
  z.object({ action: z.literal("disable-user"), user: z.string() }),
  z.object({ action: z.literal("enable-user"), user: z.string() }),
]);

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  target: ControlTarget,
): Promise<void> {
  const { faults, calls } = target;
  const json = (status: number, value: unknown) =>
    res
      .writeHead(status, { "Content-Type": "application/json" })
      .end(JSON.stringify(value));
  if (req.method === "GET") {
    return void json(200, {
      faults: faults.list(),
      counts: calls.counts(),
      total: calls.count(),
      throttleTable: target.throttleTable(),
    });
  }
  if (req.method !== "POST") return void json(405, { error: "GET or POST" });
  const body = await readBody(req);
  let parsed: z.infer<typeof controlSchema>;
  try {
    parsed = controlSchema.parse(JSON.parse(body ?? ""));
  } catch (error) {
    const message =
      error instanceof z.ZodError ? error.issues[0]?.message : "invalid JSON";
    return void json(400, { error: message ?? "invalid request" });
  }
  switch (parsed.action) {
    case "inject":
      return void json(200, { id: faults.inject(parsed.fault) });
    case "remove-fault":
      return void json(200, { removed: faults.remove(parsed.id) });
    case "clear-faults":
      faults.clear();
      return void json(200, { ok: true });
    case "calls":
      return void json(200, { calls: calls.list(), counts: calls.counts() });
    case "clear-calls":
      calls.clear();
      return void json(200, { ok: true });
    case "add-patient": {
      const parsedPatient = addedPatientSchema.safeParse(parsed.patient);
      if (!parsedPatient.success) {
        return void json(400, { error: parsedPatient.error.issues[0]?.message });
      }
      return void json(200, target.addPatient(parsedPatient.data));
    }
    case "add-user":
      target.users.add(parsed.user, parsed.password);
      return void json(200, { ok: true });
    case "disable-user":
      return void json(200, { found: target.users.disable(parsed.user) });
    case "enable-user":
      return void json(200, { found: target.users.enable(parsed.user) });
    case "reset":
      target.reset();
      return void json(200, { ok: true });
  }
}

/** The request body as text; null when it is larger than MAX_BODY_BYTES. */
export async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
