import base from "@canopy/eslint-config";

// Benchmarks print their figures: that is their output.
export default [...base, { rules: { "no-console": "off" } }];
