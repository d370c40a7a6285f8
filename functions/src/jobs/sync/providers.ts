// Provider labels for the board ("Dr. Ana Reyes, MD"), from GetProviders, kept per practice
// in `practices/{practiceId}/tebraCache/providers` and asked again once a day at most: the
// practice's providers change rarely, and Tebra asks integrations to poll rarely. Provider
// names are not PHI; nothing here is encrypted.
import { Timestamp, type Firestore } from "firebase-admin/firestore";
import type { TebraProvider } from "../../tebra/results.ts";
import { providerCacheRef } from "./paths.ts";
import type { ScheduleSource } from "./source.ts";

export const PROVIDER_CACHE_MS = 24 * 60 * 60_000;

export function providerLabel(provider: TebraProvider): string {
  const name = [provider.prefix, provider.firstName, provider.lastName]
    .filter((part): part is string => Boolean(part))
    .join(" ");
  const base = name || provider.fullName || "";
  return provider.degree && base ? `${base}, ${provider.degree}` : base;
}

/** Labels by ProviderData.ID; asks Tebra only when the stored list is a day old. */
export async function providerLabels(
  db: Firestore,
  practiceId: string,
  source: ScheduleSource,
  now: number,
): Promise<Map<string, string>> {
  const ref = providerCacheRef(db, practiceId);
  const stored = await ref.get();
  const fetchedAt = (stored.get("fetchedAt") as Timestamp | undefined)?.toMillis();
  const labels = stored.get("labels") as Record<string, string> | undefined;
  if (labels && fetchedAt !== undefined && now - fetchedAt < PROVIDER_CACHE_MS) {
    return new Map(Object.entries(labels));
  }

  const fresh: Record<string, string> = {};
  for (const provider of await source.providers()) {
    const label = providerLabel(provider);
    if (label) fresh[provider.providerId] = label;
  }
  await ref.set({ labels: fresh, fetchedAt: Timestamp.fromMillis(now) });
  return new Map(Object.entries(fresh));
}
