import base from "@canopy/eslint-config";

// Each scenario prints its figures block (harness/figures.ts): that is part of its output.
export default [...base, { files: ["harness/figures.ts"], rules: { "no-console": "off" } }];
