import { describe, expect, it } from "vitest";
import { filenameFromDisposition } from "./content-disposition";

describe("filenameFromDisposition", () => {
  it("takes the quoted file name", () => {
    expect(filenameFromDisposition('attachment; filename="My dashboard.xlsx"', "x.xlsx")).toBe("My dashboard.xlsx");
  });

  it("takes an unquoted file name", () => {
    expect(filenameFromDisposition("attachment; filename=report.pdf", "x.pdf")).toBe("report.pdf");
  });

  it("prefers the UTF-8 form over the plain one", () => {
    const header = `attachment; filename="Sicherheitsuebersicht.pdf"; filename*=UTF-8''Sicherheits%C3%BCbersicht.pdf`;
    expect(filenameFromDisposition(header, "x.pdf")).toBe("Sicherheitsübersicht.pdf");
  });

  it("keeps escaped quotes inside a quoted name", () => {
    expect(filenameFromDisposition('attachment; filename="The \\"SOC\\" view.xlsx"', "x")).toBe('The "SOC" view.xlsx');
  });

  it("never returns a path", () => {
    expect(filenameFromDisposition('attachment; filename="../../etc/passwd"', "x")).toBe("_.._etc_passwd");
  });

  it("falls back without a header, without a name, or with a broken escape", () => {
    expect(filenameFromDisposition(null, "dashboard.xlsx")).toBe("dashboard.xlsx");
    expect(filenameFromDisposition("attachment", "dashboard.xlsx")).toBe("dashboard.xlsx");
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E0%A4%A", "dashboard.pdf")).toBe("dashboard.pdf");
  });
});
