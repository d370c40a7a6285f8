// The project's own WSDL (functions/wsdl/kareo-services.wsdl), read from disk beside the
// package whether the code runs from src/ or lib/; nothing is fetched at start-up.
//
// node-soap is imported on first use, not when the module loads, and only the two parts
// this client needs (the WSDL parser and the client), not its server and WS-Security
// modules: a Tebra-calling function pays for it on its first call, others never. The
// parsed WSDL is kept per path, so every client after the first in a process is built in
// well under a millisecond.
import { fileURLToPath } from "node:url";
import type { Client, IHttpClient, IOptions } from "soap";
import type * as SoapClientModule from "soap/lib/client.js";
import type * as SoapWsdlModule from "soap/lib/wsdl/index.js";

/** The project's WSDL: two folders up from src/tebra/ or lib/tebra/. */
export const TEBRA_WSDL_PATH = fileURLToPath(
  new URL("../../wsdl/kareo-services.wsdl", import.meta.url),
);

type ClientModule = typeof SoapClientModule;
type WsdlModule = typeof SoapWsdlModule;
type ParsedWsdl = SoapWsdlModule.WSDL;

interface SoapParts {
  Client: ClientModule["Client"];
  openWsdl: WsdlModule["open_wsdl"];
}

let soapParts: Promise<SoapParts> | undefined;

/** node-soap's client and WSDL parser, imported once. */
export function loadSoap(): Promise<SoapParts> {
  soapParts ??= Promise.all([
    import("soap/lib/client.js"),
    import("soap/lib/wsdl/index.js"),
  ]).then(([client, wsdl]) => ({
    // CommonJS modules: `default` is their module.exports.
    Client: client.default.Client,
    openWsdl: wsdl.default.open_wsdl,
  }));
  return soapParts;
}

/** Options of the WSDL itself (how replies are parsed). */
const WSDL_OPTIONS: IOptions = {
  // Nil members are left out of parsed replies rather than turned into objects.
  handleNilAsNull: false,
  returnFault: true,
};

const parsed = new Map<string, Promise<ParsedWsdl>>();

function parseWsdl(parts: SoapParts, path: string): Promise<ParsedWsdl> {
  let wsdl = parsed.get(path);
  if (!wsdl) {
    wsdl = new Promise<ParsedWsdl>((resolve, reject) => {
      parts.openWsdl(path, { ...WSDL_OPTIONS }, (error: unknown, result?: ParsedWsdl) => {
        if (error || !result) {
          reject(error instanceof Error ? error : new Error("the WSDL did not parse"));
        } else resolve(result);
      });
    });
    parsed.set(path, wsdl);
    wsdl.catch(() => parsed.delete(path));
  }
  return wsdl;
}

export interface SoapClientOptions {
  endpoint: string;
  httpClient: object;
  /** Another WSDL on disk (the benchmark loads Tebra's full reference the same way). */
  wsdlPath?: string;
}

/** A node-soap client for the WSDL, posting through `httpClient` to `endpoint`. */
export async function createSoapClient(options: SoapClientOptions): Promise<Client> {
  const parts = await loadSoap();
  const wsdl = await parseWsdl(parts, options.wsdlPath ?? TEBRA_WSDL_PATH);
  return new parts.Client(wsdl, options.endpoint, {
    ...WSDL_OPTIONS,
    endpoint: options.endpoint,
    httpClient: options.httpClient as IHttpClient,
  });
}
