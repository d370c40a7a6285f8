import { describe, expect, it } from "vitest";
import { healthReport, type DependencyProbe } from "../../src/health/report.ts";

const identity = { service: "tebra-bridge", version: "1.2.3" };
const fixedNow = () => new Date("2026-03-08T12:00:00Z");

function probe(name: string, check: DependencyProbe["check"]): DependencyProbe {
  return { name, check };
}

describe("healthReport", () => {
  it("is ok when every dependency is ok, and reports version and time", async () => {
    const report = await healthReport(
      [probe("firestore", () => Promise.resolve({ status: "ok" }))],
      identity,
      fixedNow,
    );
    expect(report).toEqual({
      status: "ok",
      service: "tebra-bridge",
      version: "1.2.3",
      checkedAt: "2026-03-08T12:00:00.000Z",
      dependencies: { firestore: { status: "ok" } },
    });
  });

  it("takes the worst state of its dependencies", async () => {
    const report = await healthReport(
      [
        probe("firestore", () => Promise.resolve({ status: "ok" })),
        probe("tebra", () =>
          Promise.resolve({ status: "degraded", detail: "half-open" }),
        ),
      ],
      identity,
    );
    expect(report.status).toBe("degraded");
  });

  it("reports a throwing probe as down without its message", async () => {
    const report = await healthReport(
      [probe("firestore", () => Promise.reject(new Error("patient Ada Example")))],
      identity,
    );
    expect(report.dependencies["firestore"]).toEqual({ status: "down", detail: "error" });
    expect(JSON.stringify(report)).not.toContain("Ada");
  });

  it("reports a probe that hangs as down after the timeout", async () => {
    const report = await healthReport(
      [probe("firestore", () => new Promise(() => undefined))],
      identity,
      fixedNow,
      20,
    );
    expect(report.dependencies["firestore"]).toEqual({
      status: "down",
      detail: "timeout",
    });
    expect(report.status).toBe("down");
  });
});
