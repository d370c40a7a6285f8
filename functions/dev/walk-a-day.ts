// Walks one clinic day through the PHI callables of the local stack, as the front desk and
// a provider would: read the day's schedule, check a patient in, room them, mark them ready
// for the provider, check them out, and read the appointment back. Each step is a real
// callable call with a seeded user's ID token (second factor included), so each leaves an
// audit event, and Tebra (the local one) is changed as the flow board would change it.
//
//   npm start                                  # in another terminal: the local stack
//   node functions/dev/walk-a-day.ts [--date YYYY-MM-DD] [--appointment ID]
//
// It prints ids, times and statuses only. Everything it touches is synthetic.
import { parseArgs } from "node:util";
import { configuredHost, PROJECT_ID, signIn } from "./auth-emulator.ts";
import { LOCAL_PASSWORD, SEED_USERS } from "./seed-users.ts";

const { values } = parseArgs({
  options: {
    date: { type: "string" },
    appointment: { type: "string" },
    "functions-url": { type: "string" },
  },
});

interface AppointmentView {
  appointmentId: string;
  patientId: string | null;
  startTime: string;
  status: string;
  tebraStatus: string | null;
  room: string | null;
  providerLabel: string | null;
}

function functionsUrl(): string {
  if (values["functions-url"]) return values["functions-url"];
  // The Functions emulator of `npm start` listens on firebase.json's port, beside Auth's.
  const [host] = configuredHost("auth").split(":");
  return `http://${host}:5001/${PROJECT_ID}/us-central1`;
}

function today(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "America/Chicago" }).format(
    new Date(),
  );
}

async function call<T>(name: string, data: unknown, idToken: string): Promise<T> {
  const response = await fetch(`${functionsUrl()}/${name}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${idToken}` },
    body: JSON.stringify({ data }),
  });
  const body = (await response.json()) as {
    result?: T;
    error?: { status: string; message: string };
  };
  if (!response.ok || body.error) {
    throw new Error(
      `${name}: HTTP ${response.status} ${body.error?.status ?? ""} ${body.error?.message ?? ""}`,
    );
  }
  return body.result as T;
}

async function tokenOf(role: "staff" | "provider"): Promise<string> {
  const user = SEED_USERS.find((seeded) => seeded.role === role)!;
  return signIn(user.email, LOCAL_PASSWORD);
}

function show(step: string, view: AppointmentView): void {
  const time = new Date(view.startTime).toLocaleTimeString("en-US", {
    timeZone: "America/Chicago",
    hour: "2-digit",
    minute: "2-digit",
  });
  const room = view.room ? `, room ${view.room}` : "";
  console.log(
    `  ${step.padEnd(22)} appointment ${view.appointmentId} at ${time}: ` +
      `${view.status} (Tebra: ${view.tebraStatus ?? "?"})${room}`,
  );
}

async function main(): Promise<void> {
  const date = values.date ?? today();
  console.log(`Walking ${date} through the callables at ${functionsUrl()}`);
  const staff = await tokenOf("staff");
  const provider = await tokenOf("provider");

  const schedule = await call<{
    appointments: AppointmentView[];
    syncedAt: string | null;
  }>("getSchedule", { date }, staff);
  const counts = new Map<string, number>();
  for (const row of schedule.appointments) {
    counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  }
  console.log(
    `getSchedule: ${schedule.appointments.length} appointments ` +
      `(${[...counts].map(([status, n]) => `${n} ${status}`).join(", ")}); ` +
      `day synced to Firestore: ${schedule.syncedAt ?? "no"}`,
  );

  const chosen =
    values.appointment ??
    schedule.appointments.find(
      (row) =>
        row.patientId && (row.status === "scheduled" || row.status === "confirmed"),
    )?.appointmentId;
  if (!chosen) throw new Error("no scheduled appointment with a patient on that day");

  const move = (status: string, token: string, room?: string) =>
    call<AppointmentView>(
      "moveAppointment",
      { appointmentId: chosen, status, ...(room && { room }) },
      token,
    );
  show("check-in (staff)", await move("checked-in", staff));
  show("rooming (staff)", await move("roomed", staff, "Exam 1"));
  show("ready (provider)", await move("ready-for-provider", provider));
  show("check-out (staff)", await move("checked-out", staff));
  show(
    "getAppointment",
    await call<AppointmentView>("getAppointment", { appointmentId: chosen }, staff),
  );
  console.log("Done: each call left one audit event (auditEvents in Firestore).");
}

main().catch((error: unknown) => {
  console.error(`walk-a-day: ${error instanceof Error ? error.message : String(error)}`);
  console.error("Is the local stack running (npm start)?");
  process.exit(1);
});
