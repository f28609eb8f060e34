// Draws a cultivation campaign's progress with the vendored Apache ECharts. The figures come from
// the JSON script tag named by data-cultivation-charts (no inline script: CSP); the table beside
// the charts holds the same figures for readers without them.
(function () {
  "use strict";
  function draw(root) {
    var source = document.getElementById(root.getAttribute("data-cultivation-charts"));
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var L = data.labels;
    var options = {
      targets: {
        title: { text: L.targets, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 40, bottom: 8, top: 40, containLabel: true },
        xAxis: { type: "value", max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } },
        yAxis: { type: "category", data: data.targets.map(function (t) { return t.name; }) },
        series: [{ type: "bar", name: L.actual,
          data: data.targets.map(function (t) { return t.target ? Math.round(1000 * t.value / t.target) / 10 : 0; }),
          label: { show: true, position: "right", formatter: "{c}%" },
          markLine: { symbol: "none", data: [{ xAxis: 100, name: L.target }], label: { formatter: L.target } } }]
      },
      stages: {
        title: { text: L.stages, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "item" },
        series: [{ type: "funnel", top: 40, bottom: 10, sort: "none", minSize: "10%",
          label: { show: true, position: "inside", formatter: "{b}: {c}" }, data: data.stages }]
      },
      methods: {
        title: { text: L.methods, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 24, bottom: 8, top: 40, containLabel: true },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: data.methods.map(function (m) { return m.name; }) },
        series: [{ type: "bar", data: data.methods.map(function (m) { return m.value; }),
          label: { show: true, position: "right" } }]
      },
      timeline: {
        title: { text: L.timeline, textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 24, bottom: 8, top: 40, containLabel: true },
        xAxis: { type: "category", data: data.timeline.map(function (p) { return p[0]; }) },
        yAxis: { type: "value" },
        series: [{ type: "line", name: L.actual, areaStyle: {}, data: data.timeline.map(function (p) { return p[1]; }),
          markLine: { symbol: "none", data: [{ yAxis: data.target_adopting, name: L.target }],
            label: { formatter: L.target + " {c}" } } }]
      }
    };
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var option = options[el.getAttribute("data-chart")];
      if (!option) { return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  function start() { document.querySelectorAll("[data-cultivation-charts]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
