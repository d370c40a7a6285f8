import { firestoreHost } from "./emulators.ts";

firestoreHost();
