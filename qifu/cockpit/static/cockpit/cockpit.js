// The leaders' cockpit (驾驶舱): one ECharts chart per figure, drawn from the json_script element
// "cockpit-data" (no inline script: CSP script-src 'self'). Clicking a bar or a slice opens the list
// behind it (each item's `url`); the tables under the charts hold the same links for keyboards and
// screen readers.
(() => {
  "use strict";
  if (window.qfCockpit) return;
  window.qfCockpit = true;
  const ready = (fn) => (document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", fn) : fn());
  const C = { blue: "#1a4b8c", light: "#9db6d8", red: "#d92d20", amber: "#dc8b0b", green: "#3a8f5c", grey: "#475467" };
  const grid = { left: 8, right: 16, top: 36, bottom: 8, containLabel: true };
  const pct = (x) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10);

  // each maker returns [option, urls]: urls[seriesIndex][dataIndex] is the list behind that mark
  const hbar = (items, name, color) => {
    const rows = items.slice().reverse();
    return [{
      grid, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: rows.map((i) => i.name), axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ name, type: "bar", data: rows.map((i) => i.value), itemStyle: { color }, barMaxWidth: 18, cursor: "pointer" }],
    }, [rows.map((i) => i.url)]];
  };
  const makers = {
    categories: (d) => hbar(d.f.by_category, d.names.cases, C.blue),
    departments: (d) => hbar(d.f.by_department, d.names.cases, C.blue),
    states: (d) => [{
      tooltip: { trigger: "item" }, legend: { bottom: 0, type: "scroll" },
      series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: d.f.by_state.map((i) => ({ name: i.name, value: i.value })), cursor: "pointer" }],
    }, [d.f.by_state.map((i) => i.url)]],
    trend: (d) => [{
      grid, tooltip: { trigger: "axis" }, legend: { top: 0 },
      xAxis: { type: "category", data: d.f.trend.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: d.names.filed, type: "bar", data: d.f.trend.filed, itemStyle: { color: C.light }, barMaxWidth: 22, cursor: "pointer" },
        { name: d.names.done, type: "line", data: d.f.trend.done, itemStyle: { color: C.blue }, symbolSize: 6 },
      ],
    }, [d.f.trend.urls, d.f.trend.urls]],
    assessment: (d) => {
      const a = d.f.assessment;
      return [{
        grid, tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: d.names.rates },
        yAxis: { type: "value", max: 100, name: d.names.rate },
        series: [{ type: "bar", data: [a.response_rate, a.solve_rate, a.satisfaction_rate, a.composite].map(pct), itemStyle: { color: C.blue }, barMaxWidth: 36, label: { show: true, position: "top" }, cursor: "pointer" }],
      }, [[a.url, a.url, a.url, a.url]]];
    },
    backlog: (d) => {
      const rows = d.f.backlog.departments.slice().reverse();
      return [{
        grid, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } }, legend: { top: 0 },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map((i) => i.name), axisLabel: { width: 120, overflow: "truncate" } },
        series: [
          { name: d.names.overdue, type: "bar", data: rows.map((i) => i.overdue), itemStyle: { color: C.red }, barMaxWidth: 16, cursor: "pointer" },
          { name: d.names.supervised, type: "bar", data: rows.map((i) => i.supervised), itemStyle: { color: C.amber }, barMaxWidth: 16, cursor: "pointer" },
        ],
      }, [rows.map((i) => i.overdue_url), rows.map((i) => i.supervised_url)]];
    },
    visits: (d) => {
      const rows = d.f.visits.departments.slice().reverse();
      return [{
        grid, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", max: 100, name: d.names.coverage },
        yAxis: { type: "category", data: rows.map((i) => i.name), axisLabel: { width: 120, overflow: "truncate" } },
        series: [{ name: d.names.coverage, type: "bar", data: rows.map((i) => pct(i.rate)), itemStyle: { color: C.green }, barMaxWidth: 16, cursor: "pointer" }],
      }, [rows.map((i) => i.url)]];
    },
    disturbed: (d) => {
      const rows = d.f.disturbed.slice().reverse();
      return [{
        grid, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map((i) => i.name), axisLabel: { width: 140, overflow: "truncate" } },
        series: [{ name: d.names.counted, type: "bar", data: rows.map((i) => i.counted), itemStyle: { color: C.amber }, barMaxWidth: 16, cursor: "pointer" }],
      }, [rows.map((i) => i.url)]];
    },
    lists: (d) => {
      const rows = d.f.lists.lists;
      const urls = rows.map((i) => i.url);
      return [{
        grid, tooltip: { trigger: "axis" }, legend: { top: 0 },
        xAxis: { type: "category", data: rows.map((i) => i.name) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: d.names.members, type: "bar", data: rows.map((i) => i.members), itemStyle: { color: C.blue }, barMaxWidth: 22, cursor: "pointer" },
          { name: d.names.entered, type: "bar", data: rows.map((i) => i.entered), itemStyle: { color: C.green }, barMaxWidth: 22, cursor: "pointer" },
          { name: d.names.left, type: "bar", data: rows.map((i) => i.left), itemStyle: { color: C.red }, barMaxWidth: 22, cursor: "pointer" },
        ],
      }, [urls, urls, urls]];
    },
    common: (d) => {
      const rows = d.f.common.items.slice().reverse();
      return [{
        grid, tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: rows.map((i) => `${i.industry_name} · ${i.category_name}`), axisLabel: { width: 180, overflow: "truncate" } },
        series: [{ name: d.names.cases, type: "bar", data: rows.map((i) => i.value), itemStyle: { color: C.grey }, barMaxWidth: 16, cursor: "pointer" }],
      }, [rows.map((i) => i.url)]];
    },
    projects: (d) => {
      const colors = { late: C.red, at_risk: C.amber, on_schedule: C.green };
      const rows = d.f.projects.statuses;
      return [{
        tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: rows.map((i) => ({ name: i.name, value: i.value, itemStyle: { color: colors[i.key] } })), cursor: "pointer" }],
      }, [rows.map((i) => i.url)]];
    },
  };

  const charts = [];
  const draw = () => {
    const source = document.getElementById("cockpit-data");
    if (!window.echarts || !source) return;
    const data = JSON.parse(source.textContent || "{}");
    document.querySelectorAll("[data-qf-cockpit-chart]").forEach((el) => {
      const make = makers[el.dataset.qfCockpitChart];
      if (!make) return;
      const [option, urls] = make(data);
      const old = window.echarts.getInstanceByDom(el);
      if (old) old.dispose();
      const chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption({ animation: false, ...option });
      chart.on("click", (p) => {
        const url = ((urls[p.seriesIndex] || [])[p.dataIndex]) || "";
        if (url) window.location.assign(url);
      });
      charts.push(chart);
    });
    document.body.dataset.qfCockpitReady = String(charts.length);
  };
  ready(() => {
    draw();
    window.addEventListener("resize", () => charts.forEach((c) => { if (!c.isDisposed()) c.resize(); }));
  });
})();
