import { describe, expect, it } from "vitest";
import { contentRelativePath, fileSafeSegment, foldCase, insideContentDir, isWindowsDeviceName } from "./file-names.js";

describe("file-safe names", () => {
  it("keeps ordinary names readable", () => {
    expect(fileSafeSegment("Suspicious PowerShell Download (v2)")).toBe("Suspicious PowerShell Download (v2)");
    expect(fileSafeSegment("Règle réseau — 检测")).toBe("Règle réseau %E2%80%94 检测");
  });

  it("never yields a path, a hidden file, '.', '..' or an empty name", () => {
    expect(fileSafeSegment("../../etc/x")).toBe("%2E.%2F..%2Fetc%2Fx");
    expect(fileSafeSegment("..")).toBe("%2E%2E");
    expect(fileSafeSegment(".")).toBe("%2E");
    expect(fileSafeSegment(".bashrc")).toBe("%2Ebashrc");
    expect(fileSafeSegment("a\\b")).toBe("a%5Cb");
    expect(fileSafeSegment("")).toBe("%");
    expect(fileSafeSegment("trailing. ")).toBe("trailing.%20");
    expect(fileSafeSegment("nul\0byte")).toBe("nul%00byte");
  });

  it("is one-to-one: names that differ never share a file", () => {
    const names = ["a/b", "a%2Fb", "a_b", "a b", "a~b", "A/B", "a%b", "a:b"];
    expect(new Set(names.map(fileSafeSegment)).size).toBe(names.length);
  });

  it("never names a file or folder after a Windows device, in any case, with any extension", () => {
    const devices = ["CON", "prn", "Aux", "nul", "COM0", "com9", "LPT1", "COM¹", "lpt³", "CON.txt", "NUL.tar.gz", "con .x", "AUX.", "Nul  ", "Com1.json"];
    for (const name of devices) {
      const safe = fileSafeSegment(name);
      expect(isWindowsDeviceName(safe), `${name} → ${safe}`).toBe(false);
      expect(isWindowsDeviceName(`${safe}.json`), `${name} → ${safe}.json`).toBe(false);
    }
    expect(fileSafeSegment("CON")).toBe("%43ON");
    expect(fileSafeSegment("nul.txt")).toBe("%6Eul.txt");
    expect(fileSafeSegment("COM¹")).toBe("%43OM¹");
    expect(contentRelativePath("custom-field", "CON")).toBe("custom-field/%43ON.json");
    expect(contentRelativePath("library", "Admin Recommended/NUL/Report")).toBe("library/Admin Recommended/%4EUL/Report.json");
    // Only the devices themselves: longer names that start like one stay as they are.
    for (const name of ["CONSOLE", "COM10", "NULL", "AUXILIARY", "LPT", "Con Edison", "con-1"]) expect(fileSafeSegment(name)).toBe(name);
    // Still one-to-one: a name that is literally the encoding gets its own file.
    expect(fileSafeSegment("%43ON")).toBe("%2543ON");
  });

  it("tells which file names Windows takes for devices", () => {
    for (const name of ["CON", "con.json", "NUL.tar.gz", "AUX .yml", "COM3", "lpt²", "PRN."]) expect(isWindowsDeviceName(name), name).toBe(true);
    for (const name of ["CONSOLE", "COM10", " CON", "%43ON.json", "NUL_", "LPT"]) expect(isWindowsDeviceName(name), name).toBe(false);
  });

  it("folds case like case-insensitive file systems do", () => {
    expect(foldCase("custom-field/Rule A.json")).toBe(foldCase("custom-field/rule a.json"));
    expect(foldCase("custom-field/ΟΔΟΣ.json")).toBe(foldCase("custom-field/οδος.json"));
    expect(foldCase("custom-field/a.json")).not.toBe(foldCase("custom-field/b.json"));
  });

  it("shortens a very long name to at most 200 bytes, keeping it unique", () => {
    const long = "é".repeat(300);
    const safe = fileSafeSegment(long);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(200);
    expect(safe).toMatch(/~[0-9a-f]{16}$/);
    expect(fileSafeSegment(`${long}x`)).not.toBe(safe);
  });

  it("places items by kind, Sigma rules as .yml, library items as folders", () => {
    expect(contentRelativePath("siem-rule", "Brute force")).toBe("siem-rule/Brute force.yml");
    expect(contentRelativePath("custom-field", "a/b")).toBe("custom-field/a%2Fb.json");
    expect(contentRelativePath("library", "Admin Recommended/A/B")).toBe("library/Admin Recommended/A/B.json");
    expect(contentRelativePath("library", "Admin Recommended/../../../x")).toBe("library/Admin Recommended/%2E%2E/%2E%2E/%2E%2E/x.json");
  });

  it("refuses a stored location outside the content dir", () => {
    expect(insideContentDir("/data/content", "siem-rule/a.yml")).toBe("/data/content/siem-rule/a.yml");
    expect(() => insideContentDir("/data/content", "../agent-key.pem")).toThrow(/outside/);
    expect(() => insideContentDir("/data/content", "/etc/passwd")).toThrow(/outside/);
    expect(() => insideContentDir("/data/content", ".")).toThrow(/outside/);
  });
});
