import { colourFor } from "@canopy/api/chart-colours";

/** Colours by data key: the same as the web charts, so a chart looks alike on screen and on paper. */
export const colourOf = colourFor;

export const INK = "#111827";
export const MUTED = "#6b7280";
export const RULE = "#d1d5db";
export const GRID = "#e5e7eb";
export const HEADER_FILL = "#eef2f7";
