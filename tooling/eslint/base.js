// Shared flat config for every TypeScript package. Type-aware rules are left out on purpose:
// `turbo run typecheck` already runs tsc, and type-aware linting doubles the cost on 2 cores.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["**/dist/**", "**/build/**", "**/.svelte-kit/**", "**/node_modules/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Output goes through each app's logger or CLI printer, never stray console calls.
      "no-console": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      // No reaching into another package's files: add an `exports` entry instead.
      "no-restricted-imports": ["error", { patterns: ["../../packages/*", "../../apps/*", "@canopy/*/src/*"] }],
    },
  },
  {
    files: ["**/*.test.ts", "**/test/**/*.ts", "**/bin/**", "**/scripts/**"],
    rules: { "no-console": "off" },
  },
);
