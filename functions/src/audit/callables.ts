// The auditors' callables: query the trail, get a compliance report, verify the trail.
// They run through the shared operation wrapper (http/callable.ts), which checks the
// caller against the policy table (auditor, and admin where the table allows), limits the
// rate, validates the input, projects the reply and records the call in the trail. They
// return audit data only: ids, codes, counts and field names.
import { HttpsError } from "firebase-functions/https";
import { z } from "zod";
import { auditConfig } from "../config.ts";
import { callable, type OperationDefinition } from "../http/callable.ts";
import { db } from "../platform/firebase.ts";
import { trailDeps } from "./deps.ts";
import type { Finding } from "./findings.ts";
import {
  auditQueryInput,
  InvalidPageTokenError,
  queryAuditEvents as runQuery,
} from "./query.ts";
import { buildReport, type ComplianceReport } from "./report.ts";
import { reportCsv, reportHtml } from "./reportFormats.ts";
import { verifyAuditTrail as runVerifier } from "./verifier.ts";
import type { AuditEventView } from "./view.ts";

/** The longest period one call may report on or verify. */
export const MAX_PERIOD_DAYS = 31;
const DAY_MS = 86_400_000;
/** The most findings one reply carries (the daily review stores the full count). */
export const MAX_PROBLEMS = 500;

// ---- queryAuditEvents ---------------------------------------------------------------

const queryInput = auditQueryInput;

export interface QueryReply {
  events: AuditEventView[];
  nextCursor: string | null;
}

export const queryDefinition: OperationDefinition<typeof queryInput, QueryReply> = {
  name: "queryAuditEvents",
  input: queryInput,
  async handle(input) {
    try {
      const page = await runQuery(db(), input);
      return { events: page.events, nextCursor: page.nextPageToken ?? null };
    } catch (error) {
      if (error instanceof InvalidPageTokenError) {
        throw new HttpsError(
          "invalid-argument",
          "Invalid request: pageToken: not recognised",
          {
            field: "pageToken",
          },
        );
      }
      throw error;
    }
  },
};

// ---- getComplianceReport ------------------------------------------------------------

const reportInput = z
  .strictObject({
    from: z.iso.date(),
    to: z.iso.date(),
    format: z.enum(["json", "csv", "html"]).default("html"),
  })
  .refine((q) => q.from <= q.to, { path: ["to"], message: "must not be before from" })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) < MAX_PERIOD_DAYS * DAY_MS, {
    path: ["to"],
    message: `the period may span at most ${MAX_PERIOD_DAYS} days`,
  });

export interface ReportReply {
  reportId: string;
  period: ComplianceReport["period"];
  format: "json" | "csv" | "html";
  contentType: string;
  body: string;
  totals: ComplianceReport["totals"];
}

const CONTENT_TYPES = {
  json: "application/json",
  csv: "text/csv; charset=utf-8",
  html: "text/html; charset=utf-8",
} as const;

export const reportDefinition: OperationDefinition<typeof reportInput, ReportReply> = {
  name: "getComplianceReport",
  input: reportInput,
  async handle(input, context) {
    const period = {
      from: input.from,
      to: input.to,
      timeZone: auditConfig().practiceTimeZone,
    };
    const { report, rows, truncated } = await buildReport(db(), period, {
      now: context.now,
      collectRows: input.format === "csv",
    });
    if (truncated) {
      throw new HttpsError(
        "out-of-range",
        "Too many events for one CSV: shorten the period",
        {
          field: "to",
        },
      );
    }
    const body =
      input.format === "csv"
        ? reportCsv(rows)
        : input.format === "json"
          ? JSON.stringify(report)
          : reportHtml(report);
    return {
      reportId: `report-${input.from}-${input.to}`,
      period: report.period,
      format: input.format,
      contentType: CONTENT_TYPES[input.format],
      body,
      totals: report.totals,
    };
  },
};

// ---- verifyAuditTrail ---------------------------------------------------------------

const verifyInput = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
    path: ["to"],
    message: "must be after from",
  });

export interface VerifyReply {
  ok: boolean;
  eventsChecked: number;
  sealsChecked: number;
  problems: Finding[];
  verifiedAt: string;
}

export const verifyDefinition: OperationDefinition<typeof verifyInput, VerifyReply> = {
  name: "verifyAuditTrail",
  input: verifyInput,
  async handle(input, context) {
    const to = input.to ? new Date(input.to) : context.now;
    const from = input.from ? new Date(input.from) : new Date(to.getTime() - DAY_MS);
    if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * DAY_MS) {
      throw new HttpsError(
        "invalid-argument",
        `Invalid request: to: the period may span at most ${MAX_PERIOD_DAYS} days`,
        { field: "to" },
      );
    }
    const result = await runVerifier(trailDeps(), { from, to });
    return {
      ok: result.ok,
      eventsChecked: result.checkedEvents,
      sealsChecked: result.checkedSeals,
      problems: result.findings.slice(0, MAX_PROBLEMS),
      verifiedAt: context.now.toISOString(),
    };
  },
};

export const queryAuditEvents = callable(queryDefinition);
// The verifier holds a page of events for each of four shards at once plus every seal of
// the period (76 MiB of live heap for 100,000 events, 88 MiB for 200,000 on the
// benchmark); a report holds up to 50,000 rows. Both get room above the global 256 MiB.
// Their time stays the callable default, which is what the web app's SDK waits for.
export const getComplianceReport = callable(reportDefinition, {
  runtime: { memory: "1GiB" },
});
export const verifyAuditTrail = callable(verifyDefinition, {
  runtime: { memory: "1GiB" },
});
