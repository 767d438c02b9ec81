import base from "@canopy/eslint-config";
import svelte from "eslint-plugin-svelte";
import globals from "globals";
import tseslint from "typescript-eslint";
import svelteConfig from "./svelte.config.js";

export default [
  ...base,
  ...svelte.configs.recommended,
  { languageOptions: { globals: { ...globals.browser } } },
  {
    // The hub always serves the UI at its root (no `paths.base`), and some targets are computed
    // at run time (the `?next=` return path), which `resolve()` cannot type.
    rules: { "svelte/no-navigation-without-resolve": "off" },
  },
  {
    files: ["**/*.svelte", "**/*.svelte.ts"],
    languageOptions: {
      parserOptions: { projectService: false, extraFileExtensions: [".svelte"], parser: tseslint.parser, svelteConfig },
    },
  },
  { ignores: [".svelte-kit/**", "build/**"] },
];
