// What WCF's basicHttpBinding puts on the wire around a reply: the SOAP 1.1 envelope, its
// faults (code namespaces and texts as WCF writes them) and IIS's HTML error pages.
import { SOAP_ENV_NS } from "../xsd.ts";
import { escapeXml } from "./xml.ts";

const DISPATCHER_NS =
  "http://schemas.microsoft.com/net/2005/12/windowscommunicationfoundation/dispatcher";
const ADDRESSING_NONE_NS = "http://schemas.microsoft.com/ws/2005/05/addressing/none";

export function envelope(bodyXml: string): string {
  return `<s:Envelope xmlns:s="${SOAP_ENV_NS}"><s:Body>${bodyXml}</s:Body></s:Envelope>`;
}

export interface SoapFault {
  /** The fault code's local name (InternalServiceFault, ActionNotSupported, …). */
  code: string;
  codeNamespace: string;
  text: string;
}

export function faultEnvelope(fault: SoapFault): string {
  return envelope(
    `<s:Fault><faultcode xmlns:a="${fault.codeNamespace}">a:${fault.code}</faultcode>` +
      `<faultstring xml:lang="en-US">${escapeXml(fault.text)}</faultstring></s:Fault>`,
  );
}

export function internalServiceFault(): SoapFault {
  return {
    code: "InternalServiceFault",
    codeNamespace: DISPATCHER_NS,
    text:
      "The server was unable to process the request due to an internal error.  For more " +
      "information about the error, either turn on IncludeExceptionDetailInFaults (either " +
      "from ServiceBehaviorAttribute or from the <serviceDebug> configuration behavior) on " +
      "the server in order to send the exception information back to the client, or turn " +
      "on tracing as per the Microsoft .NET Framework SDK documentation and inspect the " +
      "server trace logs.",
  };
}

export function contractMismatch(action: string): SoapFault {
  return {
    code: "ActionNotSupported",
    codeNamespace: ADDRESSING_NONE_NS,
    text:
      `The message with Action '${action}' cannot be processed at the receiver, due to a ` +
      "ContractFilter mismatch at the EndpointDispatcher. This may be because of either a " +
      "contract mismatch (mismatched Actions between sender and receiver) or a " +
      "binding/security mismatch between the sender and the receiver.  Check that sender " +
      "and receiver have the same contract and the same binding (including security " +
      "requirements, e.g. Message, Transport, None).",
  };
}

export function deserializationFailed(operation: string, detail: string): SoapFault {
  return {
    code: "DeserializationFailed",
    codeNamespace: DISPATCHER_NS,
    text:
      "The formatter threw an exception while trying to deserialize the message: Error in " +
      `deserializing body of request message for operation '${operation}'. ${detail}`,
  };
}

export function versionMismatch(): SoapFault {
  return {
    code: "VersionMismatch",
    codeNamespace: SOAP_ENV_NS,
    text: "The envelope is not a SOAP 1.1 envelope (basicHttpBinding speaks SOAP 1.1 only).",
  };
}

const STATUS_TEXT: Record<number, string> = {
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** An IIS-style error page: what a client gets when Tebra's front end fails. */
export function htmlErrorPage(status: number): string {
  const title = STATUS_TEXT[status] ?? "Error";
  return (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
    `<HTML><HEAD><TITLE>${title}</TITLE>\r\n` +
    '<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
    `<BODY><h2>${title}</h2>\r\n<hr><p>HTTP Error ${status}. The service is unavailable.</p>\r\n` +
    "</BODY></HTML>\r\n"
  );
}
