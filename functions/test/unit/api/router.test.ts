import { describe, expect, it } from "vitest";
import { matchRoute, methodsAt } from "../../../src/http/api/router.ts";

describe("the API router", () => {
  it("fills path parameters, percent-decoded", () => {
    expect(matchRoute("GET", "/v1/appointments/96730001")).toMatchObject({
      kind: "route",
      route: { operation: "getAppointment" },
      params: { appointmentId: "96730001" },
    });
    expect(matchRoute("GET", "/v1/patients/12%2034")).toMatchObject({
      params: { patientId: "12 34" },
    });
  });

  it("prefers a literal segment to a parameter", () => {
    expect(matchRoute("POST", "/v1/patients/search")).toMatchObject({
      route: { operation: "searchPatients" },
    });
    expect(matchRoute("GET", "/v1/patients/search")).toMatchObject({
      route: { operation: "getPatient" },
      params: { patientId: "search" },
    });
  });

  it("ignores a trailing slash, and tells a wrong method from a missing route", () => {
    expect(matchRoute("GET", "/v1/schedule/")).toMatchObject({ kind: "route" });
    expect(matchRoute("PUT", "/v1/schedule")).toEqual({
      kind: "method-not-allowed",
      allowed: ["GET"],
    });
    expect(matchRoute("GET", "/v1/appointments/1/2/3")).toEqual({ kind: "no-route" });
    expect(matchRoute("GET", "/v1/patients/%E0%A4%A")).toEqual({ kind: "no-route" });
  });

  it("lists the methods answered at a path, for a preflight", () => {
    expect(methodsAt("/v1/appointments")).toEqual(["POST"]);
    expect(methodsAt("/v1/patients/search").sort()).toEqual(["GET", "POST"]);
  });
});
