/* Draws every <canvas data-chart> with the vendored Chart.js (static/vendor/chart.umd.min.js).
   The server writes each chart's data (bot/web/charts.py, ChartSpec) and its text alternative;
   this file only draws. serviceCharts.draw(root) draws charts added later (the practice page's scorecard). */
(function () {
  "use strict";

  const INK = "#1b1f24";
  const ACCENT = "#0b5cad";
  const MISSED = "#b0b8bf";
  const TRACK = "#e6e9ec";
  const LINE = "#a4262c";

  // Several lines: a colour and a point shape each (told apart without colour too), named in the legend.
  const SERIES_COLOURS = ["#0b5cad", "#a4262c", "#2e7d32", "#8a4baf", "#c25e00", "#00838f",
                          "#5d4037", "#c2185b", "#546e7a", "#827717", "#283593", "#1b1f24"];
  const SERIES_SHAPES = ["circle", "rect", "triangle", "rectRot", "crossRot", "star"];

  function lineConfig(spec) {
    const series = spec.series && spec.series.length ? spec.series : [{ label: spec.title, values: spec.values }];
    const several = series.length > 1;
    const config = {
      type: "line",
      data: {
        labels: spec.labels,
        datasets: series.map(function (line, i) {
          const colour = several ? SERIES_COLOURS[i % SERIES_COLOURS.length] : LINE;
          return { label: line.label, data: line.values, borderColor: colour, backgroundColor: colour,
                   pointStyle: several ? SERIES_SHAPES[i % SERIES_SHAPES.length] : "circle",
                   pointRadius: 4, borderWidth: 2, tension: 0, spanGaps: true, clip: 6 };
        }),
      },
      options: {
        scales: { y: { min: 0, max: spec.top, ticks: { color: INK } }, x: { ticks: { color: INK } } },
      },
    };
    if (several) {
      config.options.plugins = { legend: { display: true, position: "bottom",
                                           labels: { color: INK, usePointStyle: true, boxWidth: 8 } } };
    }
    return config;
  }

  function barConfig(spec) {
    const share = spec.values.map(function (v, i) {
      return spec.maxima[i] ? Math.round(100 * Math.max(0, v) / spec.maxima[i]) : 0;
    });
    return {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [
          { label: "earned", data: share, backgroundColor: spec.values.map(function (v) { return v > 0 ? ACCENT : MISSED; }) },
          { label: "not earned", data: share.map(function (s) { return 100 - s; }), backgroundColor: TRACK },
        ],
      },
      options: {
        indexAxis: "y",
        scales: {
          x: { stacked: true, min: 0, max: 100, ticks: { color: INK, callback: function (v) { return v + "%"; } } },
          y: { stacked: true, ticks: { color: INK } },
        },
        plugins: {
          tooltip: {
            filter: function (item) { return item.datasetIndex === 0; },
            callbacks: { label: function (item) {
              return spec.values[item.dataIndex] + " of " + spec.maxima[item.dataIndex];
            } },
          },
        },
      },
    };
  }

  function draw(root) {
    if (typeof Chart === "undefined") return;  // the text alternative stays
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (Chart.getChart(canvas)) return;
      const spec = JSON.parse(canvas.dataset.chart);
      const config = spec.kind === "bar" ? barConfig(spec) : lineConfig(spec);
      config.options.animation = false;
      config.options.responsive = true;
      config.options.aspectRatio = spec.aspect;
      config.options.plugins = Object.assign({ legend: { display: false } }, config.options.plugins || {});
      new Chart(canvas, config);
      canvas.dataset.drawn = "true";
    });
  }

  window.serviceCharts = { draw: draw };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();
