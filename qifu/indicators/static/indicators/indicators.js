// The enterprise 360 page's indicator chart (ECharts, loaded from static before this file).
// No inline script (CSP): the data comes from a json_script element named by data-qf-indicator-chart.
(() => {
  "use strict";
  const ready = (fn) => (document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", fn) : fn());
  ready(() => {
    document.querySelectorAll("[data-qf-indicator-chart]").forEach((el) => {
      if (!window.echarts) return;
      const source = document.getElementById(el.dataset.qfIndicatorChart);
      const data = JSON.parse((source && source.textContent) || "{}");
      const names = data.names || {};
      const chart = window.echarts.init(el, null, { renderer: "svg" });
      const bar = (key, name) => ({ name, type: "bar", data: data[key] || [], barMaxWidth: 14 });
      const line = (key, name, axis) => ({ name, type: "line", data: data[key] || [], yAxisIndex: axis, connectNulls: false, symbolSize: 5 });
      chart.setOption({
        color: ["#1a4b8c", "#9db6d8", "#d9822b", "#3a8f5c"],
        grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        xAxis: { type: "category", data: data.labels || [] },
        yAxis: [
          { type: "value", name: names.money || "", splitLine: { show: true } },
          { type: "value", name: names.energy || "", splitLine: { show: false } },
        ],
        series: [
          bar("output", names.output || "output"),
          bar("revenue", names.revenue || "revenue"),
          line("tax", names.tax || "tax", 0),
          line("electricity", names.electricity || "electricity", 1),
        ],
      });
      window.addEventListener("resize", () => chart.resize());
    });
  });
})();
