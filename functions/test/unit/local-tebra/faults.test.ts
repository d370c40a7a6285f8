import { describe, expect, it } from "vitest";
import { FaultController } from "../../../dev/local-tebra/faults.ts";

describe("the fault controller", () => {
  it("applies a fault to its operation for the given number of calls", () => {
    const faults = new FaultController();
    faults.inject({ kind: "soap-fault", operation: "GetPatient", times: 2 });
    expect(faults.take("GetAppointments").fault).toBeNull();
    expect(faults.take("GetPatient").fault?.kind).toBe("soap-fault");
    expect(faults.take("GetPatient").fault?.kind).toBe("soap-fault");
    expect(faults.take("GetPatient").fault).toBeNull();
    expect(faults.list()).toEqual([]);
  });

  it("prefers a fault for the operation over one for every operation", () => {
    const faults = new FaultController();
    faults.inject({ kind: "http-error", status: 502 });
    faults.inject({ kind: "throttle", operation: "GetPatient" });
    expect(faults.take("GetPatient").fault?.kind).toBe("throttle");
    expect(faults.take("GetProviders").fault?.kind).toBe("http-error");
  });

  it("adds latency to whichever fault decides the reply", () => {
    const faults = new FaultController();
    faults.inject({ kind: "latency", ms: 30 });
    faults.inject({ kind: "latency", ms: 20, operation: "GetPatient" });
    faults.inject({ kind: "unknown-user", times: 1 });
    expect(faults.take("GetPatient")).toMatchObject({
      latencyMs: 50,
      fault: { kind: "unknown-user" },
    });
    expect(faults.take("GetPatient")).toMatchObject({ latencyMs: 50, fault: null });
  });

  it("keeps a fault without `times` until it is removed", () => {
    const faults = new FaultController();
    const id = faults.inject({ kind: "hang" });
    for (let i = 0; i < 5; i++) expect(faults.take(null).fault?.kind).toBe("hang");
    expect(faults.remove(id)).toBe(true);
    expect(faults.take(null).fault).toBeNull();
  });

  it("rejects a malformed fault", () => {
    const faults = new FaultController();
    expect(() => faults.inject({ kind: "meteor" } as never)).toThrow();
    expect(() => faults.inject({ kind: "latency", ms: -1 })).toThrow();
    expect(() => faults.inject({ kind: "latency", extra: 1 } as never)).toThrow();
  });
});
