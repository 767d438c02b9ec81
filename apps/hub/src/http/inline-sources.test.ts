import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { inlineScriptSources, styleAttributeSources } from "./inline-sources.js";

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

describe("CSP hash sources of what a page writes inline", () => {
  it("hashes each inline script's text as the browser does, skipping scripts with a src", () => {
    const html =
      '<script src="/a.js"></script><script type="module" src=/b.js></script>' +
      "<script>\r\n  start();\r\n</script><SCRIPT data-x>one()</SCRIPT ><script>one()</script>";
    expect(inlineScriptSources(html)).toEqual([sha256("\n  start();\n"), sha256("one()")]);
    expect(inlineScriptSources("<p>no scripts</p>")).toEqual([]);
  });

  it("hashes static style attribute values in HTML and in compiled templates, decoded", () => {
    const js = `a('<div style="color: red">'); b("<p style=\\"font-family: &quot;Inter&quot;, a &amp; b\\"></p>"); c('<i data-style="no">')`;
    expect(styleAttributeSources(js)).toEqual([sha256("color: red"), sha256('font-family: "Inter", a & b')]);
    expect(styleAttributeSources('<div style="display: contents"></div>')).toEqual([sha256("display: contents")]);
  });
});
