// The reference data: GetProviders, GetPractices, GetServiceLocations, GetThrottles.
import { checkPractice, instantRange, requireFilter, sameText, text } from "./filters.ts";
import type { Handler } from "./handler.ts";
import {
  practiceRow,
  providerFullName,
  providerRow,
  serviceLocationRow,
} from "./rows.ts";

export const getProviders: Handler = (request, context) => {
  const filter = requireFilter(request, "GetProviders");
  checkPractice(filter, context, { name: false, id: false });
  const { practice } = context;
  const zone = practice.timeZone;
  const created = instantRange(filter, "FromCreatedDate", "ToCreatedDate", zone);
  const modified = instantRange(
    filter,
    "FromLastModifiedDate",
    "ToLastModifiedDate",
    zone,
  );
  const fullName = text(filter, "FullName");
  const type = text(filter, "Type");
  if (text(filter, "DepartmentName") !== null) return { Providers: { ProviderData: [] } };
  const rows = practice.providers
    .filter(
      (p) =>
        (!created || created(p.createdAt)) &&
        (!modified || modified(p.modifiedAt)) &&
        (!fullName || sameText(fullName, providerFullName(p))) &&
        (!type || sameText(type, "Normal Provider")),
    )
    .map((p) => providerRow(practice, p));
  return { Providers: { ProviderData: rows } };
};

export const getPractices: Handler = (request, context) => {
  const filter = requireFilter(request, "GetPractices");
  const { practice } = context;
  const p = practice.practice;
  const zone = practice.timeZone;
  const created = instantRange(filter, "FromCreatedDate", "ToCreatedDate", zone);
  const modified = instantRange(
    filter,
    "FromLastModifiedDate",
    "ToLastModifiedDate",
    zone,
  );
  const checks: [string, string][] = [
    ["Active", "True"],
    ["ID", String(p.id)],
    ["NPI", p.npi],
    ["PracticeName", p.name],
    ["TaxID", p.taxId],
  ];
  const matches =
    checks.every(([member, value]) => {
      const wanted = text(filter, member);
      return wanted === null || sameText(wanted, value);
    }) &&
    (!created || created(p.createdAt)) &&
    (!modified || modified(p.modifiedAt));
  return { Practices: { PracticeData: matches ? [practiceRow(practice)] : [] } };
};

export const getServiceLocations: Handler = (request, context) => {
  const filter = requireFilter(request, "GetServiceLocations");
  checkPractice(filter, context, { name: true, id: true });
  const { practice } = context;
  const zone = practice.timeZone;
  const created = instantRange(filter, "FromCreatedDate", "ToCreatedDate", zone);
  const modified = instantRange(
    filter,
    "FromLastModifiedDate",
    "ToLastModifiedDate",
    zone,
  );
  const id = text(filter, "ID");
  const rows = practice.serviceLocations
    .filter(
      (l) =>
        (!id || id === String(l.id)) &&
        (!created || created(l.createdAt)) &&
        (!modified || modified(l.modifiedAt)),
    )
    .map((l) => serviceLocationRow(practice, l));
  return { ServiceLocations: { ServiceLocationData: rows } };
};

export const getThrottles: Handler = (_request, context) => ({
  ThrottleDetails: {
    ThrottleDetail: Object.entries(context.throttleTable()).map(([endpoint, ms]) => ({
      Endpoint: endpoint,
      ThrottleTimeMs: ms,
    })),
  },
});
