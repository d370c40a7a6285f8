// A synthetic clinic's audit trail for the anomaly scan's tests and benchmark: a normal
// week (front desk and providers at work in clinic hours, the sync job at night, an
// auditor and an admin), and one seeded incident per rule. Ids only, no PHI; patient ids
// look like Tebra's numeric PatientIDs. A seeded generator keeps every run identical.
import { DateTime } from "luxon";
import type { Firestore } from "firebase-admin/firestore";
import { Timestamp } from "firebase-admin/firestore";
import type { AnomalyRule } from "../../src/jobs/anomaly/rules.ts";

export const PRACTICE_ZONE = "America/Chicago";

export interface SeededEvent {
  id: string;
  data: {
    action: string;
    outcome: "success" | "denied" | "failed";
    outcomeReason?: string;
    agent: {
      uid: string | null;
      role: string | null;
      kind: "user" | "service" | "system";
      breakGlass: boolean;
    };
    entity: { type: string; id?: string };
    patientIds: string[];
    purposeOfUse: string;
    source: { function: string; requestId: string };
    severity: "normal" | "high";
    recorded: Date;
  };
}

export interface WeekShape {
  /** A Monday, in the practice's zone. */
  weekStart: DateTime;
  staff: number;
  providers: number;
  patientsPerDay: number;
  /** Prefix of event ids, so that weeks can be stacked. */
  idPrefix: string;
}

/** Mulberry32: small, fast, seeded. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const STAFF = (n: number) => `staff-${n}`;
export const PROVIDER = (n: number) => `prov-${n}`;
export const ADMIN_UID = "admin-1";
export const AUDITOR_UID = "auditor-1";
export const INACTIVE_UID = "former-1";

const PATIENT_POOL = Array.from({ length: 2000 }, (_, i) => String(100000 + i * 7));

class Builder {
  readonly events: SeededEvent[] = [];
  private seq = 0;
  private readonly prefix: string;

  constructor(prefix: string) {
    this.prefix = prefix;
  }

  add(
    at: DateTime,
    agent: { uid: string | null; role: string | null; kind?: "user" | "system" },
    what: Partial<Omit<SeededEvent["data"], "agent" | "recorded">> & {
      breakGlass?: boolean;
    },
  ): void {
    const id = `${this.prefix}-${String(this.seq++).padStart(7, "0")}`;
    this.events.push({
      id,
      data: {
        action: what.action ?? "read",
        outcome: what.outcome ?? "success",
        ...(what.outcomeReason ? { outcomeReason: what.outcomeReason } : {}),
        agent: {
          uid: agent.uid,
          role: agent.role,
          kind: agent.kind ?? "user",
          breakGlass: what.breakGlass ?? false,
        },
        entity: what.entity ?? { type: "appointment" },
        patientIds: what.patientIds ?? [],
        purposeOfUse: what.purposeOfUse ?? "HOPERAT",
        source: what.source ?? { function: "getAppointment", requestId: id },
        severity: what.severity ?? "normal",
        recorded: at.toJSDate(),
      },
    });
  }
}

/** Five clinic days and a quiet weekend; every rule stays below its threshold. */
export function normalWeek(shape: Partial<WeekShape> = {}): SeededEvent[] {
  const s: WeekShape = {
    weekStart: DateTime.fromISO("2026-03-02", { zone: PRACTICE_ZONE }),
    staff: 3,
    providers: 2,
    patientsPerDay: 30,
    idPrefix: "evt",
    ...shape,
  };
  const random = generator(Number(s.weekStart.toFormat("yyyyMMdd")) + s.staff);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const b = new Builder(s.idPrefix);

  for (let day = 0; day < 7; day++) {
    const date = s.weekStart.plus({ days: day });
    const start = Math.floor(random() * (PATIENT_POOL.length - s.patientsPerDay));
    const patients = PATIENT_POOL.slice(start, start + s.patientsPerDay);
    const system = { uid: null, role: null, kind: "system" as const };

    // The schedule sync runs every day, clinic day or not, from five in the morning.
    for (const hour of [5, 9, 11, 13, 15, 17]) {
      b.add(date.set({ hour, minute: 2 }), system, {
        action: "create",
        entity: { type: "schedule", id: date.toISODate()! },
        patientIds: patients,
        source: { function: "syncSchedule", requestId: `sync-${day}-${hour}` },
        purposeOfUse: "HOPERAT",
      });
    }
    if (date.weekday > 5) continue;

    for (let hour = 8; hour < 17; hour++) {
      const at = () =>
        date.set({
          hour,
          minute: Math.floor(random() * 60),
          second: Math.floor(random() * 60),
        });
      for (let n = 1; n <= s.staff; n++) {
        const staff = { uid: STAFF(n), role: "staff" };
        for (let k = 0; k < 2; k++) {
          b.add(at(), staff, { entity: { type: "schedule" }, patientIds: patients });
        }
        for (let k = 0; k < 6; k++) {
          const patient = pick(patients);
          b.add(at(), staff, {
            entity: { type: "appointment", id: `appt-${patient}` },
            patientIds: [patient],
          });
        }
        for (let k = 0; k < 2; k++) {
          const patient = pick(patients);
          b.add(at(), staff, {
            action: "update",
            entity: { type: "visit", id: `appt-${patient}` },
            patientIds: [patient],
          });
        }
      }
      for (let n = 1; n <= s.providers; n++) {
        const provider = { uid: PROVIDER(n), role: "provider" };
        b.add(at(), provider, { entity: { type: "schedule" }, patientIds: patients });
        for (let k = 0; k < 4; k++) {
          const patient = pick(patients);
          b.add(at(), provider, {
            entity: { type: "patient", id: patient },
            patientIds: [patient],
            purposeOfUse: "TREAT",
          });
        }
      }
    }
    // An admin's configuration reads, an auditor's queries, one refused call a day.
    for (const hour of [9, 14]) {
      b.add(
        date.set({ hour, minute: 10 }),
        { uid: ADMIN_UID, role: "admin" },
        {
          entity: { type: "config", id: "runtime" },
          purposeOfUse: "HSYSADMIN",
        },
      );
    }
    for (const hour of [10, 12, 16]) {
      b.add(
        date.set({ hour, minute: 30 }),
        { uid: AUDITOR_UID, role: "auditor" },
        {
          entity: { type: "audit" },
          purposeOfUse: "HCOMPL",
        },
      );
    }
    b.add(
      date.set({ hour: 11, minute: 45 }),
      { uid: STAFF(1), role: "staff" },
      {
        outcome: "denied",
        outcomeReason: "role-not-allowed",
        entity: { type: "patient", id: pick(patients) },
      },
    );
  }
  return b.events.sort((x, y) => x.data.recorded.getTime() - y.data.recorded.getTime());
}

/** One incident per rule, in the same week as `normalWeek` with the same `weekStart`. */
export function incident(
  rule: AnomalyRule,
  weekStart = DateTime.fromISO("2026-03-02", { zone: PRACTICE_ZONE }),
): SeededEvent[] {
  const b = new Builder(`inc-${rule}`);
  const day = (n: number) => weekStart.plus({ days: n });
  const patients = PATIENT_POOL.slice(1500, 1800);
  switch (rule) {
    case "volumeAboveBaseline":
      // Thursday 10-11: a front-desk user pulls the schedule 150 times.
      for (let k = 0; k < 150; k++) {
        b.add(
          day(3).set({ hour: 10, minute: Math.floor(k / 3), second: k % 60 }),
          {
            uid: STAFF(1),
            role: "staff",
          },
          { entity: { type: "schedule" }, patientIds: patients.slice(0, 20) },
        );
      }
      break;
    case "manyDistinctPatients":
      // Wednesday 14:00-14:10: a provider opens 40 charts one after another.
      for (let k = 0; k < 40; k++) {
        b.add(
          day(2).set({ hour: 14, minute: Math.floor(k / 4), second: (k * 13) % 60 }),
          {
            uid: PROVIDER(1),
            role: "provider",
          },
          { entity: { type: "patient", id: patients[k]! }, patientIds: [patients[k]!] },
        );
      }
      break;
    case "outsideClinicHours":
      // Tuesday 22:30: an appointment opened from home.
      b.add(
        day(1).set({ hour: 22, minute: 30 }),
        { uid: STAFF(2), role: "staff" },
        {
          entity: { type: "appointment", id: `appt-${patients[0]!}` },
          patientIds: [patients[0]!],
        },
      );
      break;
    case "repeatedDenials":
      // Thursday 15:00-15:08: six refused attempts on charts.
      for (let k = 0; k < 6; k++) {
        b.add(
          day(3).set({ hour: 15, minute: k + 1 }),
          { uid: STAFF(3), role: "staff" },
          {
            outcome: "denied",
            outcomeReason: "permission-denied",
            entity: { type: "patient", id: patients[k]! },
          },
        );
      }
      break;
    case "breakGlassUse":
      // Monday 11:20: a chart opened under a break-glass grant.
      b.add(
        day(0).set({ hour: 11, minute: 20 }),
        { uid: PROVIDER(2), role: "provider" },
        {
          entity: { type: "patient", id: patients[3]! },
          patientIds: [patients[3]!],
          breakGlass: true,
          purposeOfUse: "ETREAT",
          severity: "high",
        },
      );
      break;
    case "inactiveUserActivity":
      // Tuesday 10:05 and 10:20: a user whose profile was switched off still reads.
      for (const minute of [5, 20]) {
        b.add(
          day(1).set({ hour: 10, minute }),
          { uid: INACTIVE_UID, role: "staff" },
          {
            entity: { type: "appointment", id: `appt-${patients[minute]!}` },
            patientIds: [patients[minute]!],
          },
        );
      }
      break;
    case "bulkRead":
      // Friday 09:40: one export-like read disclosing 250 patients.
      b.add(
        day(4).set({ hour: 9, minute: 40 }),
        { uid: ADMIN_UID, role: "admin" },
        {
          entity: { type: "patient" },
          patientIds: patients.slice(0, 250),
          source: { function: "searchPatients", requestId: "bulk-1" },
        },
      );
      break;
  }
  return b.events;
}

/** Writes events to `auditEvents` with their `recorded` times, in batches. */
export async function seedEvents(
  db: Firestore,
  events: readonly SeededEvent[],
): Promise<void> {
  for (let i = 0; i < events.length; i += 400) {
    const batch = db.batch();
    for (const event of events.slice(i, i + 400)) {
      batch.set(db.collection("auditEvents").doc(event.id), {
        ...event.data,
        recorded: Timestamp.fromDate(event.data.recorded),
      });
    }
    await batch.commit();
  }
}
