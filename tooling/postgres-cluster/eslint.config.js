import base from "@canopy/eslint-config";
import globals from "globals";

// Plain JS run by Node (no build step): Node's globals, which the TypeScript preset leaves to tsc.
export default [...base, { files: ["**/*.js"], languageOptions: { globals: globals.node } }];
