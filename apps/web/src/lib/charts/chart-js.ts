// Chart.js, with only the pieces the dashboard draws registered (it tree-shakes the rest away).
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  DoughnutController,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

// The console's own type and muted text colour, so charts read as part of the page.
Chart.defaults.font.family = '"Inter", "Segoe UI", system-ui, -apple-system, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = "#5a6675";
Chart.defaults.borderColor = "#e7ebf0";
if (typeof matchMedia === "function" && matchMedia("(prefers-reduced-motion: reduce)").matches) Chart.defaults.animation = false;

export { Chart };
export type { ChartConfiguration } from "chart.js";
