/** Page geometry and text helpers shared by the PDF's charts and tables (A4, points). */

export const MARGIN = 40;
export const PAGE = { width: 595.28, height: 841.89 };
export const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
export const FONT = "Helvetica";
export const BOLD = "Helvetica-Bold";

/** The lowest y content may reach on the current page. */
export function bottomOf(doc: PDFKit.PDFDocument): number {
  return doc.page.height - doc.page.margins.bottom;
}

/** Starts a new page unless `height` more points fit on this one. */
export function ensureSpace(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > bottomOf(doc)) doc.addPage();
}

/** `text` shortened with an ellipsis to fit `width` in the current font. */
export function fit(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (doc.widthOfString(`${text.slice(0, mid)}…`) <= width) low = mid;
    else high = mid - 1;
  }
  return `${text.slice(0, low).trimEnd()}…`;
}

/**
 * One line of text in the box from x to x + width, shortened to fit; the cursor stays where it
 * was. Drawn without pdfkit's line wrapper, which would start a new page for text near the
 * bottom (footers, last rows).
 */
export function put(doc: PDFKit.PDFDocument, text: string, x: number, y: number, options: { width?: number; align?: "left" | "right" | "center" } = {}): void {
  const { width, align = "left" } = options;
  const shown = width === undefined ? text : fit(doc, text, width);
  const free = width === undefined ? 0 : width - doc.widthOfString(shown);
  const left = align === "right" ? x + free : align === "center" ? x + free / 2 : x;
  // Text moves pdfkit's cursor; callers place everything themselves, so it is put back.
  const { x: cursorX, y: cursorY } = doc;
  doc.text(shown, left, y, { lineBreak: false });
  doc.x = cursorX;
  doc.y = cursorY;
}

/** Tick values 0..max on a 1-2-5 scale, about `count` of them, for an axis of counts. */
export function ticksFor(maxValue: number, count = 5): number[] {
  const raw = Math.max(1, maxValue) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude);
  const top = Math.ceil(Math.max(1, maxValue) / step) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= top; value += step) ticks.push(value);
  return ticks;
}
