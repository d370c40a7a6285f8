// Prints an ID token of a seeded user of the local stack, signed in with the password and,
// where the user has one, the SMS second factor: for calling the functions with curl.
//
//   node functions/dev/id-token.ts staff
//   curl -H "Authorization: Bearer $(node functions/dev/id-token.ts staff)" \
//     -H 'Content-Type: application/json' -d '{"data":{}}' \
//     http://127.0.0.1:5001/demo-tebra-bridge/us-central1/whoami
import { signIn } from "./auth-emulator.ts";
import { LOCAL_PASSWORD, SEED_USERS } from "./seed-users.ts";

const role = process.argv[2];
const user = SEED_USERS.find((seeded) => seeded.role === role);
if (!user) {
  process.stderr.write(
    `usage: id-token.ts <${SEED_USERS.map((seeded) => seeded.role).join("|")}>\n`,
  );
  process.exit(2);
}
signIn(user.email, LOCAL_PASSWORD).then(
  (token) => process.stdout.write(`${token}\n`),
  (error: unknown) => {
    process.stderr.write(
      `id-token: ${error instanceof Error ? error.message : "failed"}\n`,
    );
    process.exit(1);
  },
);
