import { describe, expect, it } from "vitest";
import { ClientScheduleSource } from "../../../../src/jobs/sync/source.ts";
import type { TebraClient } from "../../../../src/tebra/client.ts";
import { TebraError } from "../../../../src/tebra/errors.ts";
import { row } from "./fixtures.ts";

const OLD = row({ appointmentId: "1", lastModifiedAt: "2026-03-09T10:00:00Z" });
const NEW = row({ appointmentId: "2", lastModifiedAt: "2026-03-10T14:00:00Z" });
const RANGE = { from: "2026-03-10T12:00:00Z", to: "2026-03-10T15:00:00Z" };

function clientAnswering(rows: unknown[], queries: unknown[]): TebraClient {
  return {
    getAppointments: (query: unknown) => {
      queries.push(query);
      return Promise.resolve(rows);
    },
    getPatients: (query: unknown) => {
      queries.push(query);
      return Promise.resolve([]);
    },
    getPatient: () =>
      Promise.reject(new TebraError("not-found", { operation: "GetPatient" })),
  } as unknown as TebraClient;
}

describe("ClientScheduleSource", () => {
  it("asks Tebra for the rows changed in the range, one call each", async () => {
    const queries: unknown[] = [];
    const source = new ClientScheduleSource(clientAnswering([NEW], queries));

    expect(await source.appointments("2026-03-10", RANGE)).toEqual([NEW]);
    await source.patientsModified(RANGE);

    expect(queries).toEqual([
      { fromDay: "2026-03-10", modifiedFrom: RANGE.from, modifiedTo: RANGE.to },
      { modifiedFrom: RANGE.from, modifiedTo: RANGE.to },
    ]);
    expect(source.calls).toBe(2);
  });

  it("applies the range itself too, in case Tebra ignored the filter", async () => {
    const source = new ClientScheduleSource(clientAnswering([OLD, NEW], []));
    expect(await source.appointments("2026-03-10", RANGE)).toEqual([NEW]);
  });

  it("lists the whole day without a range", async () => {
    const queries: unknown[] = [];
    const source = new ClientScheduleSource(clientAnswering([OLD, NEW], queries));
    expect(await source.appointments("2026-03-10")).toEqual([OLD, NEW]);
    expect(queries).toEqual([{ fromDay: "2026-03-10" }]);
  });

  it("answers null for a patient Tebra does not know", async () => {
    const source = new ClientScheduleSource(clientAnswering([], []));
    expect(await source.patient("10001")).toBeNull();
  });
});
