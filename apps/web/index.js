import { fileURLToPath } from "node:url";

/** Absolute path of the built static UI that the hub serves. */
export const webRoot = fileURLToPath(new URL("./build", import.meta.url));
