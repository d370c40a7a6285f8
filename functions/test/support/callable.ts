// Calls a callable function over HTTP with the callable protocol, as the web SDK does.

export interface CallableReply {
  status: number;
  result?: unknown;
  error?: { status: string; message: string; details?: unknown };
}

export async function callCallable(
  baseUrl: string,
  name: string,
  data: unknown,
  idToken?: string,
): Promise<CallableReply> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (idToken) headers["Authorization"] = `Bearer ${idToken}`;
  const response = await fetch(`${baseUrl}/${name}`, {
    method: "POST",
    headers,
    body: JSON.stringify({ data }),
  });
  const body = (await response.json()) as Omit<CallableReply, "status">;
  return { status: response.status, ...body };
}

/** Polls until `probe` returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
