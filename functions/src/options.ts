// Options every function shares. Imported first by index.ts.
import { setGlobalOptions } from "firebase-functions";
import { REGION } from "./config.ts";

setGlobalOptions({ region: REGION, maxInstances: 20, memory: "256MiB" });
