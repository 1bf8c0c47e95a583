// The department head's home: the rate trend of the last 4 months (ECharts, loaded from static
// before this file). No inline script (CSP): the data comes from the json_script element named by
// data-qf-rate-chart, the series names from the data-* attributes of #rate-trend-names.
(() => {
  "use strict";
  const ready = (fn) => (document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", fn) : fn());
  ready(() => {
    document.querySelectorAll("[data-qf-rate-chart]").forEach((el) => {
      if (!window.echarts) return;
      const source = document.getElementById(el.dataset.qfRateChart);
      const data = JSON.parse((source && source.textContent) || "{}");
      const names = (document.getElementById("rate-trend-names") || {}).dataset || {};
      const unit = el.dataset.qfUnit || "%";
      const series = Object.entries(data.series || {}).map(([key, values]) => ({
        name: names[key] || key,
        type: "line",
        data: values,
        connectNulls: false,
        symbolSize: 6,
      }));
      const chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({
        color: ["#1a4b8c", "#3a8f5c", "#d9822b", "#6f42c1", "#8c6d1f", "#b02a37"],
        grid: { left: 8, right: 8, top: 48, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", valueFormatter: (v) => (v === null || v === undefined ? "—" : `${v}${unit}`) },
        legend: { top: 0, type: "scroll" },
        xAxis: { type: "category", data: data.labels || [] },
        yAxis: { type: "value", name: unit, min: 0, max: 100 },
        series,
      });
      window.addEventListener("resize", () => chart.resize());
    });
  });
})();
