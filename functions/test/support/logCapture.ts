// The structured lines the log catalog writes, captured in a test. Every catalog function
// goes through firebase-functions' `logger.write`, so a spy on it sees each entry whole.
import { logger } from "firebase-functions";
import { vi } from "vitest";

export type LogEntry = Record<string, unknown> & { severity: string; event: string };

export function captureLogs(): { entries: () => LogEntry[]; restore: () => void } {
  const spy = vi.spyOn(logger, "write").mockImplementation(() => undefined);
  return {
    entries: () => spy.mock.calls.map(([entry]) => entry as LogEntry),
    restore: () => spy.mockRestore(),
  };
}
