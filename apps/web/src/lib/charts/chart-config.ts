import type { ChartConfiguration } from "chart.js";
import { bucketLabel, formatNumber, type CountsData, type SeriesData } from "./chart-data";
import { colourFor, withAlpha } from "./palette";

export type CountsStyle = "bars" | "horizontal-bars" | "doughnut";

/** The three kinds of chart the dashboard draws. */
export type DashboardChart = ChartConfiguration<"bar"> | ChartConfiguration<"doughnut"> | ChartConfiguration<"line">;

const MAX_LABEL = 28;
const shorten = (label: string) => (label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label);

const tooltip = {
  callbacks: {
    // Long rule names are cut on the axis; the tooltip shows them whole.
    title: (items: { label: string }[]) => items[0]?.label ?? "",
  },
};

/** Counts as bars (one colour per key) or a doughnut (parts of a whole). */
export function countsChart(data: CountsData, style: CountsStyle): ChartConfiguration<"bar"> | ChartConfiguration<"doughnut"> {
  const labels = data.rows.map((row) => row.label);
  const colours = data.rows.map((row, index) => colourFor(row.key, index));
  const values = data.rows.map((row) => row.value);

  if (style === "doughnut") {
    return {
      type: "doughnut",
      data: { labels, datasets: [{ data: values, backgroundColor: colours, borderColor: "#ffffff", borderWidth: 2, hoverOffset: 6 }] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        cutout: "62%",
        plugins: { legend: { display: false }, tooltip },
      },
    };
  }

  const horizontal = style === "horizontal-bars";
  const valueAxis = { beginAtZero: true, ticks: { precision: 0, callback: (value: string | number) => formatNumber(Number(value)) } };
  const categoryAxis = {
    grid: { display: false },
    ticks: { autoSkip: !horizontal, callback: (_value: string | number, index: number) => shorten(labels[index] ?? "") },
  };
  return {
    type: "bar",
    data: {
      labels,
      datasets: [{ data: values, backgroundColor: colours, borderRadius: 4, maxBarThickness: horizontal ? 22 : 56 }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? "y" : "x",
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: { legend: { display: false }, tooltip },
    },
  };
}

/**
 * Dense series read best as stacked areas (the top line is the total, each band one part); sparse
 * ones (a few busy hours in a week) as a stacked histogram, where an area would draw spikes.
 */
export function seriesStyle(data: SeriesData): "areas" | "bars" {
  if (data.buckets.length <= 1) return "bars";
  const busy = data.buckets.filter((_, i) => data.series.some((line) => (line.values[i] ?? 0) > 0)).length;
  return busy / data.buckets.length >= 0.5 ? "areas" : "bars";
}

const valueTicks = { precision: 0, callback: (value: string | number) => formatNumber(Number(value)) };

const seriesPlugins = (data: SeriesData) => ({
  legend: { display: data.series.length > 1, position: "bottom" as const, labels: { boxWidth: 10, boxHeight: 10, usePointStyle: true } },
  tooltip: {
    callbacks: { footer: (items: { raw: unknown }[]) => `Total ${formatNumber(items.reduce((sum, item) => sum + Number(item.raw), 0))}` },
  },
});

/** Series over time, stacked: areas or a histogram (see `seriesStyle`). */
export function seriesChart(data: SeriesData): ChartConfiguration<"line"> | ChartConfiguration<"bar"> {
  const labels = data.buckets.map((iso) => bucketLabel(iso, data.bucket));
  const xAxis = { stacked: true, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 16 } };
  const yAxis = { stacked: true, beginAtZero: true, ticks: valueTicks };
  if (seriesStyle(data) === "bars") {
    return {
      type: "bar",
      data: {
        labels,
        datasets: data.series.map((line, index) => ({
          label: line.label,
          data: line.values,
          backgroundColor: colourFor(line.key, index),
          barPercentage: 1,
          categoryPercentage: 0.85,
          minBarLength: 0,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { x: xAxis, y: yAxis },
        plugins: seriesPlugins(data),
      },
    };
  }
  return {
    type: "line",
    data: {
      labels,
      datasets: data.series.map((line, index) => {
        const colour = colourFor(line.key, index);
        return {
          label: line.label,
          data: line.values,
          borderColor: colour,
          backgroundColor: withAlpha(colour, 0.28),
          borderWidth: 1.5,
          fill: index === 0 ? "origin" : "-1",
          tension: 0.3,
          pointRadius: 0,
          pointHoverRadius: 4,
          pointHitRadius: 8,
        };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: { x: xAxis, y: yAxis },
      plugins: seriesPlugins(data),
    },
  };
}
