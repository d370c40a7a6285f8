// What the PHI operations need from the outside, as one small interface: Tebra (the parts
// of the client they call), Firestore (the synced day and its visits), the practice they
// serve, the reference-data cache and a clock. Production wires the process's client and
// Firestore; tests pass a client pointed at a local Tebra, or a fake.
import type { Firestore } from "firebase-admin/firestore";
import { tebraConfig } from "../config.ts";
import { db } from "../platform/firebase.ts";
import type { TebraClient } from "../tebra/client.ts";
import { tebraClient } from "../tebra/instance.ts";
import { ReferenceCache } from "./reference.ts";

export type TebraPort = Pick<
  TebraClient,
  | "getAppointments"
  | "getAppointment"
  | "createAppointment"
  | "updateAppointment"
  | "getPatient"
  | "getPatients"
  | "getProviders"
  | "getPractices"
  | "getServiceLocations"
>;

export interface PracticeSettings {
  /** Tebra's PracticeID: the only practice this backend serves. */
  id: string;
  /** IANA zone clinic days are counted in. */
  timeZone: string;
}

export interface PhiDeps {
  tebra: TebraPort;
  firestore: Firestore;
  practice: PracticeSettings;
  reference: ReferenceCache;
  now(): Date;
}

/** One per instance: reference data is cached across calls. */
const referenceCache = new ReferenceCache();

/** The deployed dependencies; call inside a handler (it reads parameters). */
export function defaultPhiDeps(): PhiDeps {
  const config = tebraConfig();
  return {
    tebra: tebraClient(),
    firestore: db(),
    practice: { id: config.practiceId, timeZone: config.practiceTimeZone },
    reference: referenceCache,
    now: () => new Date(),
  };
}
