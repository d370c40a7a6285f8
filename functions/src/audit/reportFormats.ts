// The compliance report as CSV (one row per event, for a spreadsheet) and as a readable
// HTML page with an inline SVG chart of access volume per day: no scripts, no external
// assets, every value escaped. Audit data only.
import type { ComplianceReport, DayVolume } from "./report.ts";
import type { AuditEventView } from "./view.ts";

export const CSV_COLUMNS = [
  "id",
  "recorded",
  "action",
  "outcome",
  "outcomeReason",
  "agentUid",
  "agentRole",
  "agentKind",
  "breakGlass",
  "entityType",
  "entityId",
  "fields",
  "patientIds",
  "purposeOfUse",
  "function",
  "requestId",
  "severity",
] as const;

/** One CSV cell; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
type Cell = string | number | boolean | null | undefined;

export function csvCell(value: Cell): string {
  let text = value === undefined || value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvRow(event: AuditEventView): string {
  const cells = [
    event.id,
    event.recorded,
    event.action,
    event.outcome,
    event.outcomeReason,
    event.agent?.uid,
    event.agent?.role,
    event.agent?.kind,
    event.agent?.breakGlass,
    event.entity?.type,
    event.entity?.id,
    (event.entity?.fields ?? []).join(";"),
    (event.patientIds ?? []).join(";"),
    event.purposeOfUse,
    event.source?.function,
    event.source?.requestId,
    event.severity,
  ];
  return cells.map(csvCell).join(",");
}

export function reportCsv(rows: readonly AuditEventView[]): string {
  return [CSV_COLUMNS.join(","), ...rows.map(csvRow)].join("\r\n") + "\r\n";
}

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A bar per day (all events) with the denied share drawn over it. */
export function volumeChart(days: readonly DayVolume[]): string {
  const width = 640;
  const height = 220;
  const left = 48;
  const bottom = 40;
  const top = 16;
  const plotHeight = height - bottom - top;
  const max = Math.max(1, ...days.map((d) => d.events));
  const step = (width - left - 8) / Math.max(1, days.length);
  const barWidth = Math.max(2, step * 0.7);
  const y = (n: number) => top + plotHeight - (n / max) * plotHeight;
  const bars = days.map((day, i) => {
    const x = left + i * step + (step - barWidth) / 2;
    const label = day.date.slice(5);
    return [
      `<rect class="all" x="${x.toFixed(1)}" y="${y(day.events).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plotHeight - y(day.events)).toFixed(1)}"><title>${escapeHtml(day.date)}: ${day.events} events</title></rect>`,
      `<rect class="denied" x="${x.toFixed(1)}" y="${y(day.denied).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(top + plotHeight - y(day.denied)).toFixed(1)}"><title>${escapeHtml(day.date)}: ${day.denied} denied</title></rect>`,
      `<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${escapeHtml(label)}</text>`,
      `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(day.events) - 4).toFixed(1)}" text-anchor="middle">${day.events}</text>`,
    ].join("");
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="Audit events per day">`,
    `<style>.all{fill:#4a78b5}.denied{fill:#c0392b}text{font:11px sans-serif;fill:#333}</style>`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 8}" y2="${top + plotHeight}" stroke="#999"/>`,
    `<text x="${left - 6}" y="${top + 4}" text-anchor="end">${max}</text>`,
    `<text x="${left - 6}" y="${top + plotHeight}" text-anchor="end">0</text>`,
    ...bars,
    `</svg>`,
  ].join("\n");
}

function countsTable(title: string, counts: Record<string, number>): string {
  const rows = Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, n]) => `<tr><td>${escapeHtml(name)}</td><td class="n">${n}</td></tr>`)
    .join("");
  return `<table><caption>${escapeHtml(title)}</caption>${rows || '<tr><td colspan="2">none</td></tr>'}</table>`;
}

function verificationSection(report: ComplianceReport): string {
  const v = report.verification;
  if (!v) return "";
  const verdict = v.ok
    ? `<p class="ok">The trail verified: ${v.checkedEvents} events in ${v.checkedSeals} seals, no findings.</p>`
    : `<p class="bad">The trail did NOT verify: ${v.findings} finding(s).</p>`;
  const rows = v.sample
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.kind)}</td><td>${escapeHtml(f.detail)}</td><td>${escapeHtml(f.shard ?? "")}</td><td>${escapeHtml(f.seq ?? "")}</td><td>${escapeHtml(f.eventId ?? "")}</td></tr>`,
    )
    .join("");
  const table = rows
    ? `<table><caption>Findings</caption><tr><th>kind</th><th>detail</th><th>shard</th><th>seal</th><th>event</th></tr>${rows}</table>`
    : "";
  return `<h2>Integrity</h2>${verdict}${table}`;
}

export function reportHtml(report: ComplianceReport): string {
  const { period, totals } = report;
  const alerts = report.alerts
    .map(
      (a) =>
        `<tr><td>${escapeHtml(a.createdAt)}</td><td>${escapeHtml(a.rule)}</td><td>${escapeHtml(a.severity)}</td><td>${escapeHtml(a.subjectUid ?? "")}</td><td>${a.acknowledged ? "yes" : "no"}</td></tr>`,
    )
    .join("");
  const users = report.topUsers
    .map(
      (u) =>
        `<tr><td>${escapeHtml(u.uid)}</td><td class="n">${u.events}</td><td class="n">${u.denied}</td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Audit compliance report ${escapeHtml(period.from)} to ${escapeHtml(period.to)}</title>
<style>
body{font:14px/1.4 sans-serif;margin:2em;color:#222;max-width:60em}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px}
caption{text-align:left;font-weight:bold}.n{text-align:right}.ok{color:#1e7b34}.bad{color:#c0392b;font-weight:bold}
</style>
</head>
<body>
<h1>Audit compliance report</h1>
<p>Clinic days ${escapeHtml(period.from)} to ${escapeHtml(period.to)} (${escapeHtml(period.timeZone)}),
that is ${escapeHtml(period.start)} to ${escapeHtml(period.end)} UTC. Generated ${escapeHtml(report.generatedAt)}.
This report holds audit data only: identifiers, codes and counts.</p>
<h2>Totals</h2>
<table>
<tr><td>Events</td><td class="n" id="total-events">${totals.events}</td></tr>
<tr><td>Distinct users</td><td class="n">${totals.distinctUsers}</td></tr>
<tr><td>Distinct patients</td><td class="n">${totals.distinctPatients}</td></tr>
<tr><td>Break-glass accesses</td><td class="n">${totals.breakGlass}</td></tr>
<tr><td>High-severity events</td><td class="n">${totals.highSeverity}</td></tr>
</table>
${countsTable("By outcome", totals.byOutcome)}
${countsTable("By action", totals.byAction)}
${countsTable("By record type", totals.byEntityType)}
${countsTable("By purpose of use", totals.byPurposeOfUse)}
<h2>Access volume per day</h2>
${volumeChart(report.perDay)}
<h2>Most active users</h2>
<table><tr><th>uid</th><th>events</th><th>denied</th></tr>${users || '<tr><td colspan="3">none</td></tr>'}</table>
<h2>Security alerts raised</h2>
<table><tr><th>raised</th><th>rule</th><th>severity</th><th>user</th><th>acknowledged</th></tr>${alerts || '<tr><td colspan="5">none</td></tr>'}</table>
${verificationSection(report)}
</body>
</html>
`;
}
