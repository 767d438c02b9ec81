import { sveltekit } from "@sveltejs/kit/vite";
import { defineConfig } from "vitest/config";

// `vite dev` proxies the API and the live feed to a running hub (CANOPY_HUB_URL, default the hub's
// default address). The hub checks Origin on mutating requests, so the proxy presents the hub's own.
const hubUrl = process.env.CANOPY_HUB_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [sveltekit()],
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
  },
  server: {
    proxy: {
      "/api": {
        target: hubUrl,
        changeOrigin: true,
        configure: (proxy) => {
          proxy.on("proxyReq", (request) => {
            if (request.getHeader("origin")) request.setHeader("origin", new URL(hubUrl).origin);
          });
        },
      },
    },
  },
});
