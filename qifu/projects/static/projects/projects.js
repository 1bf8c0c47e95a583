// The project pages' charts (ECharts, loaded from static before this file): the progress board
// (status by park, investment against the plan by park) and the project page (monthly investment).
// No inline script (CSP script-src 'self'): data comes from the json_script element named by
// data-qf-chart-data; the board's charts are drawn again after an HTMX swap of the filtered board.
(() => {
  "use strict";
  if (window.qfProjects) return;
  window.qfProjects = true;
  const ready = (fn) => (document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", fn) : fn());
  const COLORS = { late: "#d92d20", at_risk: "#dc8b0b", on_schedule: "#3a8f5c", plan: "#9db6d8", prorata: "#475467", ytd: "#1a4b8c" };
  const grid = { left: 8, right: 8, top: 60, bottom: 8, containLabel: true };
  const axisLabels = (labels, none) => labels.map((l) => l || none);

  const options = {
    "board-status": (d) => {
      const n = d.names || {};
      const stack = (key) => ({ name: n[key], type: "bar", stack: "status", data: d[key] || [], itemStyle: { color: COLORS[key] }, barMaxWidth: 28 });
      return {
        grid, tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: axisLabels(d.parks || [], n.none), axisLabel: { interval: 0, rotate: (d.parks || []).length > 6 ? 30 : 0 } },
        yAxis: { type: "value", name: n.count, minInterval: 1, nameTextStyle: { align: "left" } },
        series: [stack("late"), stack("at_risk"), stack("on_schedule")],
      };
    },
    "board-investment": (d) => {
      const n = d.names || {};
      return {
        grid, tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: axisLabels(d.parks || [], n.none), axisLabel: { interval: 0, rotate: (d.parks || []).length > 6 ? 30 : 0 } },
        yAxis: { type: "value", name: n.money, nameTextStyle: { align: "left" } },
        series: [
          { name: n.plan, type: "bar", data: d.plan || [], itemStyle: { color: COLORS.plan }, barMaxWidth: 22 },
          { name: n.ytd, type: "bar", data: d.ytd || [], itemStyle: { color: COLORS.ytd }, barMaxWidth: 22 },
          // the pro-rata plan is a mark per park, not a line between parks
          { name: n.prorata, type: "line", data: d.prorata || [], itemStyle: { color: COLORS.prorata }, lineStyle: { opacity: 0 }, symbol: "diamond", symbolSize: 11 },
        ],
      };
    },
    "project-investment": (d) => {
      const n = d.names || {};
      return {
        grid, tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: d.labels || [] },
        yAxis: { type: "value", name: n.money },
        series: [
          { name: n.invested, type: "bar", data: d.invested || [], itemStyle: { color: COLORS.plan }, barMaxWidth: 14 },
          { name: n.ytd, type: "line", data: d.ytd || [], itemStyle: { color: COLORS.ytd }, connectNulls: false, symbolSize: 5 },
          { name: n.plan, type: "line", data: d.plan || [], itemStyle: { color: COLORS.prorata }, lineStyle: { type: "dashed" }, connectNulls: false, symbolSize: 0 },
        ],
      };
    },
  };

  const charts = [];
  const draw = (root) => {
    if (!window.echarts) return;
    root.querySelectorAll("[data-qf-project-chart]").forEach((el) => {
      const make = options[el.dataset.qfProjectChart];
      const source = document.getElementById(el.dataset.qfChartData);
      if (!make || !source) return;
      const old = window.echarts.getInstanceByDom(el);
      if (old) old.dispose();
      const chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(make(JSON.parse(source.textContent || "{}")));
      charts.push(chart);
    });
  };
  ready(() => {
    draw(document);
    document.body.addEventListener("htmx:afterSettle", () => draw(document));
    window.addEventListener("resize", () => charts.forEach((c) => { if (!c.isDisposed()) c.resize(); }));
  });
})();
