import base from "@canopy/eslint-config";

// The demo is a CLI: printing the URL and login to the terminal is its job.
export default [...base, { rules: { "no-console": "off" } }];
