export { default } from "@canopy/eslint-config";
