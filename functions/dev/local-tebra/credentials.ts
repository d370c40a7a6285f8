// The local Tebra's account: fake values that exist only on loopback. The emulator's secret
// store is seeded with the same values so that the client signs in to the local Tebra.
// None of them is a credential anywhere else.

export const LOCAL_TEBRA_CREDENTIALS = {
  customerKey: "local-customer-key",
  user: "local-api-user",
  password: "local-password-not-secret",
} as const;

/** The CustomerId the local Tebra reports for the account above. */
export const LOCAL_TEBRA_CUSTOMER_ID = 4242;

export const LOCAL_TEBRA_DEFAULT_PORT = 8787;

export const LOCAL_TEBRA_PATH = "/services/soap/2.1/KareoServices.svc";
