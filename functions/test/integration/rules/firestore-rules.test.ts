// The Firestore rules suite, on the real emulator. One file on purpose: the emulator's
// coverage report restarts whenever rules are loaded, so the rules are loaded once and the
// coverage check runs after every other part of the suite.
import { describeAccessMatrix } from "./accessMatrix.ts";
import { describeAlertAcknowledgement } from "./alertAcknowledgement.ts";
import { describeRulesCoverage } from "./coverage.ts";
import { describeSessionChecks } from "./sessionChecks.ts";
import { describeLockdown } from "./lockdown.ts";
import { describeProfileStanding } from "./standing.ts";
import { rulesSuite } from "./suite.ts";
import { describeVisitFlow } from "./visitFlow.ts";

const suite = rulesSuite();

describeAccessMatrix(suite);
describeVisitFlow(suite);
describeAlertAcknowledgement(suite);
describeSessionChecks(suite);
describeProfileStanding(suite);
describeLockdown(suite);
describeRulesCoverage();
