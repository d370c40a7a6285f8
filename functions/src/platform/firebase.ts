// One Firebase Admin app per process, created on first use so that loading the module
// (at deploy-time discovery and in unit tests) costs nothing.
import { getApps, initializeApp } from "firebase-admin/app";
import { getAppCheck, type AppCheck } from "firebase-admin/app-check";
import { getAuth, type Auth } from "firebase-admin/auth";
import { getFirestore, type Firestore } from "firebase-admin/firestore";

function app() {
  return getApps()[0] ?? initializeApp();
}

export function db(): Firestore {
  return getFirestore(app());
}

export function auth(): Auth {
  return getAuth(app());
}

export function appCheck(): AppCheck {
  return getAppCheck(app());
}
