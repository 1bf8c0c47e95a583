// 建议统计: the stacked bar chart by month and topic (ECharts from this app's static files, no CDN).
// The data come from the page as inert JSON (json_script): CSP script-src 'self' allows no inline code.
(() => {
  // One palette for Qifu charts (UX.md): blue, green, amber, indigo, teal, red, slate, purple, cyan, grey.
  const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#4f46e5", "#0d9488", "#dc2626", "#475569", "#9333ea", "#0891b2", "#9ca3af"];

  const draw = () => {
    const holder = document.getElementById("suggestion-chart");
    const source = document.getElementById("suggestion-chart-data");
    if (!holder || !source || typeof window.echarts === "undefined") return;
    const data = JSON.parse(source.textContent || "{}");
    const unit = holder.dataset.unit || "";
    const chart = window.echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v) => `${v} ${unit}` },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 8, right: 8, top: 28, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: data.months || [], axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", name: unit, minInterval: 1 },
      series: (data.series || []).map((s) => ({ name: s.name, type: "bar", stack: "total", data: s.data, emphasis: { focus: "series" } })),
    });
    window.addEventListener("resize", () => chart.resize());
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
