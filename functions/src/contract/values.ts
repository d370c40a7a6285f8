// The value types every request and reply of the PHI functions is built from. Each check
// carries a message we wrote, so that an error names the field and what it expects and
// never repeats the value the caller sent. Only zod is imported: a browser bundle can use it.
import { z } from "zod";

/** Tebra's ids (PatientID, AppointmentID, …) as canonical decimal text: no leading zero. */
export const TEBRA_ID = /^[1-9][0-9]{0,17}$/;

export function tebraId(what: string) {
  return z.string().refine((value) => TEBRA_ID.test(value), `expected a Tebra ${what}`);
}

export const appointmentId = tebraId("AppointmentID");
export const patientId = tebraId("PatientID");
export const providerId = tebraId("ProviderID");
export const serviceLocationId = tebraId("ServiceLocationID");

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date written YYYY-MM-DD, years 1900-2199. */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A clinic day: a date in the practice's time zone, never a UTC date. */
export const clinicDate = z
  .string()
  .refine(isCalendarDate, "expected a date written YYYY-MM-DD");

const INSTANT_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const INSTANT_REST = [/^$/, /^:\d{2}$/, /^:\d{2}\.\d{1,3}$/];
const ZONE = /(?:Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 time with a zone (`Z` or an offset); local times are ambiguous. */
export function isInstant(value: string): boolean {
  const zone = ZONE.exec(value);
  if (!zone || !INSTANT_DATE_TIME.test(value)) return false;
  const rest = value.slice(16, value.length - zone[0].length);
  if (!INSTANT_REST.some((form) => form.test(rest))) return false;
  return isCalendarDate(value.slice(0, 10)) && Number.isFinite(Date.parse(value));
}

export const instant = z
  .string()
  .refine(isInstant, "expected an ISO 8601 time with a zone, e.g. 2026-03-02T15:00:00Z");

/** Control characters would corrupt Tebra's XML; tabs and line breaks are kept. */
function hasControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return true;
  }
  return false;
}

export function text(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => !hasControl(value), "must not hold control characters");
}

/** A person's name as a search term: letters, marks, spaces, apostrophes, hyphens, dots. */
const NAME = /^\p{L}[\p{L}\p{M}' .-]*$/u;

export function personName(max = 60) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((value) => NAME.test(value), "expected letters, spaces, ' - or .");
}

/** What an operation without parameters accepts: nothing, null, or an empty object. */
export const noParameters = z.strictObject({}).nullish();
