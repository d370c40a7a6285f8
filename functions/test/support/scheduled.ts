// Invoking a v2 scheduled function (`onSchedule`) the way firebase-functions-test does.
// Version 3.5 recognises `__endpoint.scheduleTrigger` and calls the handler with a context
// of `eventId` and `timestamp` only; its types do not cover v2 schedules, hence the cast.
import type { FeaturesList } from "firebase-functions-test/lib/features.js";
import type { ScheduleFunction } from "firebase-functions/scheduler";

type Wrap = (
  fn: unknown,
) => (context: { eventId?: string; timestamp?: string }) => unknown;

export function invokeScheduled(
  fft: FeaturesList,
  fn: ScheduleFunction,
  at: Date = new Date(),
): Promise<void> {
  const wrapped = (fft.wrap as unknown as Wrap)(fn);
  return Promise.resolve(wrapped({ timestamp: at.toISOString() })).then(() => undefined);
}

/**
 * Runs a scheduled function inside the Functions emulator, as Cloud Scheduler would, on
 * the route firebase-tools gives background triggers:
 *   POST /functions/projects/{project}/triggers/{region}-{name}-{generation}
 * (`backgroundFunctionRoute` in lib/emulator/functionsEmulator.js). The generation counts
 * the emulator's trigger reloads and is 0 unless triggers were reloaded; when the route
 * answers 404, its message lists the current keys and the call is made again with the
 * right one. The scheduled handler answers 200 once it has finished, 500 if it threw.
 * It works whether or not the Pub/Sub emulator runs: without it the emulator still keeps
 * the trigger, it only has no topic to listen on.
 */
export async function runScheduledInEmulator(
  functionsOrigin: string,
  project: string,
  name: string,
  region = "us-central1",
): Promise<Response> {
  const route = (key: string) =>
    `${functionsOrigin}/functions/projects/${project}/triggers/${key}`;
  const post = (key: string) =>
    fetch(route(key), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
  const first = await post(`${region}-${name}-0`);
  if (first.status !== 404) return first;
  // "Function … does not exist, valid functions are: key, key, …"
  const listed = (await first.text()).split("valid functions are:")[1] ?? "";
  const prefix = `${region}-${name}-`;
  const key = listed
    .split(",")
    .map((item) => item.trim())
    .find((item) => item.startsWith(prefix) && /^\d+$/.test(item.slice(prefix.length)));
  if (!key) throw new Error(`the Functions emulator has no scheduled function ${name}`);
  return post(key);
}
