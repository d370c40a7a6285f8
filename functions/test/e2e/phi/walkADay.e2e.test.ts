// functions/dev/walk-a-day.ts against the Functions emulator, as a developer runs it
// against `npm start`: seeded users, a day walked from check-in to check-out.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { seedUsers } from "../../../dev/seed-users.ts";
import { clinicToday } from "../../../src/tebra/dates.ts";
import { functionsBaseUrl } from "../../support/emulators.ts";
import { auditCount } from "./support.ts";

const SCRIPT = fileURLToPath(new URL("../../../dev/walk-a-day.ts", import.meta.url));
const DAY = (() => {
  const today = new Date(`${clinicToday("America/Chicago")}T12:00:00Z`);
  return new Date(today.getTime() + 4 * 86_400_000).toISOString().slice(0, 10);
})();

let baseUrl: string;

beforeAll(async () => {
  baseUrl = await functionsBaseUrl();
  await seedUsers("1");
}, 120_000);

describe("walk-a-day", () => {
  it("walks an appointment from check-in to check-out through the callables", async () => {
    const moves = await auditCount("moveAppointment");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [SCRIPT, "--date", DAY, "--functions-url", baseUrl],
      { env: process.env, timeout: 300_000 },
    );
    expect(stdout).toMatch(/getSchedule: \d+ appointments/);
    for (const status of ["checked-in", "roomed", "ready-for-provider", "checked-out"]) {
      expect(stdout).toContain(`: ${status} (Tebra:`);
    }
    expect(await auditCount("moveAppointment")).toBe(moves + 4);
  }, 600_000);
});
