// Security headers on every HTTP reply. PHI replies must never be cached by a browser or a
// proxy, and nothing here is meant to be framed or to leak its URL as a referrer.
import type { Response } from "express";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Cache-Control": "no-store",
  Pragma: "no-cache",
};

export function applySecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS))
    res.setHeader(name, value);
  res.removeHeader("X-Powered-By");
}
