import { authHost, firestoreHost, hubHost } from "./emulators.ts";

firestoreHost();
authHost();
hubHost();
