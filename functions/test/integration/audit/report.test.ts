// The compliance report for a seeded week in the practice's zone (America/Chicago), a week
// that ends on the day the clocks go forward: its totals must match the events seeded.
import { Timestamp } from "firebase-admin/firestore";
import { DateTime } from "luxon";
import { beforeAll, describe, expect, it } from "vitest";
import type { NewAuditEvent } from "../../../src/audit/event.ts";
import { buildReport } from "../../../src/audit/report.ts";
import { CSV_COLUMNS, reportCsv, reportHtml } from "../../../src/audit/reportFormats.ts";
import { shardOf } from "../../../src/audit/shard.ts";
import { adminDb, clearFirestore } from "../../support/admin.ts";
import {
  breakGlassRead,
  deniedRead,
  frontDeskRead,
} from "../../support/auditFixtures.ts";

const ZONE = "America/Chicago";
const WEEK = { from: "2026-03-02", to: "2026-03-08", timeZone: ZONE };

interface Seeded {
  date: string;
  event: NewAuditEvent;
}

/** Day d of the week gets 3 + d reads (one of them denied), and day 3 a break-glass read. */
function seededWeek(): Seeded[] {
  const out: Seeded[] = [];
  for (let d = 0; d < 7; d++) {
    const date = DateTime.fromISO(WEEK.from, { zone: ZONE })
      .plus({ days: d })
      .toISODate()!;
    for (let i = 0; i < 3 + d; i++) {
      const event =
        i === 0
          ? deniedRead(`u-${d % 2}`)
          : frontDeskRead({
              agent: {
                uid: `u-${i % 3}`,
                role: "staff",
                kind: "user",
                breakGlass: false,
              },
              patientIds: [`patient-${d}-${i}`],
            });
      out.push({ date, event });
    }
    if (d === 3) out.push({ date, event: breakGlassRead() });
  }
  return out;
}

const seeded = seededWeek();

async function seed(): Promise<void> {
  const db = adminDb();
  const batch = db.batch();
  seeded.forEach(({ date, event }, n) => {
    // Spread over the clinic day, 08:00 to 17:00 local time.
    const at = DateTime.fromISO(`${date}T08:00`, { zone: ZONE }).plus({ minutes: 7 * n });
    const id = `seed-${n}`;
    batch.create(db.doc(`auditEvents/${id}`), {
      ...event,
      shard: shardOf(id),
      recorded: Timestamp.fromMillis(at.toMillis()),
    });
  });
  // Just outside the week on both sides, in the clinic's zone.
  const outside = [
    DateTime.fromISO("2026-03-01T23:59:59", { zone: ZONE }),
    DateTime.fromISO("2026-03-09T00:00:00", { zone: ZONE }),
  ];
  outside.forEach((at, n) =>
    batch.create(db.doc(`auditEvents/outside-${n}`), {
      ...frontDeskRead(),
      shard: 0,
      recorded: Timestamp.fromMillis(at.toMillis()),
    }),
  );
  batch.create(db.doc("securityAlerts/alert-in-week"), {
    rule: "after-hours-access",
    severity: "medium",
    subjectUid: "u-1",
    createdAt: Timestamp.fromMillis(
      DateTime.fromISO("2026-03-04T22:00", { zone: ZONE }).toMillis(),
    ),
    acknowledgedAt: null,
  });
  batch.create(db.doc("securityAlerts/alert-after-week"), {
    rule: "bulk-read",
    severity: "high",
    createdAt: Timestamp.fromMillis(
      DateTime.fromISO("2026-03-10T10:00", { zone: ZONE }).toMillis(),
    ),
    acknowledgedAt: null,
  });
  await batch.commit();
}

beforeAll(async () => {
  await clearFirestore();
  await seed();
});

describe("the compliance report for a seeded week", () => {
  it("counts exactly the week's events, by outcome, action and day", async () => {
    const { report } = await buildReport(adminDb(), WEEK, { collectRows: true });
    const denied = seeded.filter((s) => s.event.outcome === "denied").length;
    expect(report.totals.events).toBe(seeded.length);
    expect(report.totals.byOutcome).toEqual({
      success: seeded.length - denied,
      denied,
    });
    expect(report.totals.byAction).toEqual({ read: seeded.length });
    expect(report.totals.breakGlass).toBe(1);
    expect(report.totals.highSeverity).toBe(1);
    expect(report.totals.distinctPatients).toBe(
      new Set(seeded.flatMap((s) => s.event.patientIds)).size,
    );
    expect(report.perDay.map((d) => d.date)).toEqual([
      "2026-03-02",
      "2026-03-03",
      "2026-03-04",
      "2026-03-05",
      "2026-03-06",
      "2026-03-07",
      "2026-03-08",
    ]);
    for (const day of report.perDay) {
      expect(day.events).toBe(seeded.filter((s) => s.date === day.date).length);
    }
    expect(report.perDay.reduce((sum, d) => sum + d.events, 0)).toBe(
      report.totals.events,
    );
  });

  it("lists the alerts raised in the week, and only those", async () => {
    const { report } = await buildReport(adminDb(), WEEK);
    expect(report.alerts).toEqual([
      expect.objectContaining({
        id: "alert-in-week",
        rule: "after-hours-access",
        subjectUid: "u-1",
        acknowledged: false,
      }),
    ]);
  });

  it("renders as CSV with one row per event", async () => {
    const { rows } = await buildReport(adminDb(), WEEK, { collectRows: true });
    const lines = reportCsv(rows).trimEnd().split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines).toHaveLength(seeded.length + 1);
    expect(lines.filter((line) => line.includes(",denied,"))).toHaveLength(7);
  });

  it("renders as JSON that reads back to the same totals", async () => {
    const { report } = await buildReport(adminDb(), WEEK);
    const parsed = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(parsed.totals.events).toBe(seeded.length);
    expect(parsed.period).toMatchObject({
      from: "2026-03-02",
      to: "2026-03-08",
      start: "2026-03-02T06:00:00.000Z",
      // Clocks go forward on 8 March: the week ends at 05:00 UTC, not 06:00.
      end: "2026-03-09T05:00:00.000Z",
    });
  });

  it("renders as a readable HTML page with the totals, a bar per day and the alerts", async () => {
    const { report } = await buildReport(adminDb(), WEEK);
    const html = reportHtml(report);
    expect(html).toContain(`<td class="n" id="total-events">${seeded.length}</td>`);
    expect(html.match(/class="all"/g)).toHaveLength(7);
    expect(html).toContain("after-hours-access");
    expect(html).not.toContain("bulk-read");
  });
});
