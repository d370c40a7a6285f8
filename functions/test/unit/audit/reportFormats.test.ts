import { describe, expect, it } from "vitest";
import type { ComplianceReport } from "../../../src/audit/report.ts";
import {
  CSV_COLUMNS,
  csvCell,
  escapeHtml,
  reportCsv,
  reportHtml,
  volumeChart,
} from "../../../src/audit/reportFormats.ts";
import type { AuditEventView } from "../../../src/audit/view.ts";
import { frontDeskRead } from "../../support/auditFixtures.ts";

function report(overrides: Partial<ComplianceReport> = {}): ComplianceReport {
  return {
    period: {
      from: "2026-03-02",
      to: "2026-03-03",
      timeZone: "America/Chicago",
      start: "2026-03-02T06:00:00.000Z",
      end: "2026-03-04T06:00:00.000Z",
    },
    generatedAt: "2026-03-04T09:30:00.000Z",
    totals: {
      events: 7,
      byAction: { read: 6, update: 1 },
      byOutcome: { success: 6, denied: 1 },
      byEntityType: { appointment: 7 },
      byPurposeOfUse: { HOPERAT: 7 },
      distinctUsers: 2,
      distinctPatients: 3,
      breakGlass: 0,
      highSeverity: 0,
    },
    perDay: [
      { date: "2026-03-02", events: 4, reads: 4, changes: 0, denied: 1, failed: 0 },
      { date: "2026-03-03", events: 3, reads: 2, changes: 1, denied: 0, failed: 0 },
    ],
    topUsers: [{ uid: "staff-uid-1", events: 6, denied: 1 }],
    alerts: [
      {
        id: "a1",
        rule: "<script>alert(1)</script>",
        severity: "high",
        createdAt: "2026-03-02T20:00:00.000Z",
        subjectUid: "staff-uid-1",
        acknowledged: false,
      },
    ],
    ...overrides,
  };
}

describe("csvCell", () => {
  it("quotes commas, quotes and line breaks", () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell(undefined)).toBe("");
  });

  it("defuses a value a spreadsheet would run as a formula", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("+1")).toBe("'+1");
    expect(csvCell("@x")).toBe("'@x");
  });
});

describe("reportCsv", () => {
  it("has a header and one row per event, lists joined with semicolons", () => {
    const view: AuditEventView = {
      ...frontDeskRead({ patientIds: ["p1", "p2"] }),
      id: "evt-1",
      recorded: "2026-03-02T15:00:00.000Z",
      shard: 3,
    };
    const lines = reportCsv([view, view]).trimEnd().split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain("p1;p2");
    expect(lines[1]!.split(",")).toHaveLength(CSV_COLUMNS.length);
  });
});

describe("reportHtml", () => {
  it("is one self-contained page: inline SVG chart, no scripts, no external assets", () => {
    const html = reportHtml(report());
    expect(html).toContain("<svg");
    expect(html).not.toMatch(/<script|<link|<img|src=|@import/i);
    const urls = html.match(/https?:\/\/[^\s"']+/g) ?? [];
    expect(urls).toEqual(["http://www.w3.org/2000/svg"]);
  });

  it("escapes every value it shows", () => {
    const html = reportHtml(report());
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("shows the totals, each day's volume and the alerts", () => {
    const html = reportHtml(report());
    expect(html).toContain('<td class="n" id="total-events">7</td>');
    expect(html).toContain("2026-03-02: 4 events");
    expect(html).toContain("staff-uid-1");
  });

  it("states the verdict of the verifier when the report carries one", () => {
    const failed = reportHtml(
      report({
        verification: {
          ok: false,
          checkedEvents: 10,
          checkedSeals: 2,
          findings: 1,
          byKind: { edited: 1 },
          sample: [
            { kind: "edited", detail: "leaf", shard: 1, seq: 2, eventId: "evt-9" },
          ],
        },
      }),
    );
    expect(failed).toContain("did NOT verify");
    expect(failed).toContain("evt-9");
  });
});

describe("volumeChart", () => {
  it("draws a bar per day scaled to the busiest day", () => {
    const svg = volumeChart(report().perDay);
    expect(svg.match(/class="all"/g)).toHaveLength(2);
    expect(svg).toContain(">4<");
  });

  it("copes with a period without events", () => {
    const svg = volumeChart([
      { date: "2026-03-02", events: 0, reads: 0, changes: 0, denied: 0, failed: 0 },
    ]);
    expect(svg).not.toContain("NaN");
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });
});
