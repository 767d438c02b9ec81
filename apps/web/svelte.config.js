import adapter from "@sveltejs/adapter-static";
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // A single-page app: the hub serves `build/` and falls back to index.html for non-API paths.
    adapter: adapter({ pages: "build", assets: "build", fallback: "index.html", strict: true }),
    // The fallback page is served for nested paths such as /nodes/:id, so assets must be
    // root-relative; relative paths would resolve against the nested URL.
    paths: { relative: false },
  },
};

export default config;
