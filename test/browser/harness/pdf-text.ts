import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const PDFTOTEXT = process.env.PDFTOTEXT_PATH ?? "/usr/bin/pdftotext";

/** Debian's poppler-utils, installed when missing and we are root (CI); otherwise a clear failure. */
function ensurePdftotext(): void {
  if (existsSync(PDFTOTEXT)) return;
  if (typeof process.getuid === "function" && process.getuid() === 0) {
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "poppler-utils"], { stdio: "inherit", env });
  }
  if (!existsSync(PDFTOTEXT)) {
    throw new Error(`pdftotext not found at ${PDFTOTEXT}: install Debian's poppler-utils (apt-get install poppler-utils) or set PDFTOTEXT_PATH`);
  }
}

/** The text of a PDF as poppler extracts it (`-layout`), pages joined, runs of whitespace as one space. */
export function pdfText(file: string): Promise<string> {
  ensurePdftotext();
  return new Promise((resolve, reject) => {
    execFile(PDFTOTEXT, ["-layout", file, "-"], { encoding: "utf8", maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`pdftotext failed: ${stderr || error.message}`));
      else resolve(stdout.replace(/\s+/g, " "));
    });
  });
}
