import base from "@canopy/eslint-config";

// Each scenario prints its figures block (harness/figures.ts), and a hub that dies unasked is
// reported the moment it dies (harness/hub-watch.ts): both are part of the suite's output.
export default [...base, { files: ["harness/figures.ts", "harness/hub-watch.ts"], rules: { "no-console": "off" } }];
