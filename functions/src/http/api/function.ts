// The HTTPS API (v2 onRequest) for server-to-server callers: the same operations as the
// callables, behind a Firebase ID token in `Authorization: Bearer` (see core.ts and
// docs/api.md). CORS is answered by the core from API_ALLOWED_ORIGINS, not by the SDK.
import { randomUUID } from "node:crypto";
import { onRequest } from "firebase-functions/https";
import { apiConfig, REGION } from "../../config.ts";
import { toHttpsError } from "../../errors.ts";
import { phiOperations } from "../../phi/operations.ts";
import { appCheck, auth } from "../../platform/firebase.ts";
import { defaultOperationDeps } from "../callable.ts";
import { applySecurityHeaders } from "../headers.ts";
import {
  handleApiRequest,
  type ApiDeps,
  type ApiRequest,
  type ApiResponse,
} from "./core.ts";

const operations = phiOperations();

export function defaultApiDeps(): ApiDeps {
  return {
    operations,
    operationDeps: defaultOperationDeps,
    verifyIdToken: (idToken) => auth().verifyIdToken(idToken, true),
    verifyAppCheck: (token) =>
      appCheck()
        .verifyToken(token)
        .then(() => true),
    allowedOrigins: () => apiConfig().allowedOrigins,
    requestId: randomUUID,
  };
}

export const api = onRequest({ region: REGION, cors: false }, async (req, res) => {
  const request: ApiRequest = {
    method: req.method,
    path: req.path,
    query: req.query,
    headers: req.headers,
    rawBody: req.rawBody,
    ...(req.ip !== undefined && { ip: req.ip }),
  };
  let response: ApiResponse;
  try {
    response = await handleApiRequest(request, defaultApiDeps());
  } catch (error) {
    // The core answers every failure itself; this is the net under a bug in it.
    const internal = toHttpsError(error, "api");
    response = { status: 500, headers: {}, body: { error: internal.toJSON() } };
  }
  applySecurityHeaders(res);
  for (const [name, value] of Object.entries(response.headers))
    res.setHeader(name, value);
  res.status(response.status);
  if (response.body === undefined) res.end();
  else res.send(JSON.stringify(response.body));
});
