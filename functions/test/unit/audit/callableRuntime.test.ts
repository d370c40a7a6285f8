import { describe, expect, it } from "vitest";
import {
  getComplianceReport,
  queryAuditEvents,
  verifyAuditTrail,
} from "../../../src/audit/callables.ts";

describe("the audit callables' runtime", () => {
  it("gives the verifier and the report 1 GiB: they hold a whole period", () => {
    expect(verifyAuditTrail.__endpoint.availableMemoryMb).toBe(1024);
    expect(getComplianceReport.__endpoint.availableMemoryMb).toBe(1024);
  });

  it("leaves a query on the global options (one page of events)", () => {
    // Not a number: the SDK's marker for "whatever setGlobalOptions says".
    expect(typeof queryAuditEvents.__endpoint.availableMemoryMb).not.toBe("number");
  });
});
