// The overview's charts, drawn with the vendored ECharts (no CDN, no inline script: CSP).
// The section's data-overview-src names a same-origin JSON endpoint (scoped to the user);
// each [data-chart] element inside it gets the chart of that name. A point may carry a
// "url": clicking it opens the records behind the number.
(function () {
  "use strict";
  var drawn = [];
  var FONT = 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

  function narrow() { return window.innerWidth < 576; }

  function points(series) {
    return series.data.map(function (d) {
      var item = { value: d.value, url: d.url || "" };
      if (d.name) { item.name = d.name; }
      if (d.color) { item.itemStyle = { color: d.color }; }
      return item;
    });
  }

  function base(spec) {
    return {
      animation: false,
      textStyle: { fontFamily: FONT },
      tooltip: { renderMode: "richText", trigger: spec.type === "pie" ? "item" : "axis",
        axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true }
    };
  }

  function categoryAxis(spec) {
    return {
      type: "category",
      data: spec.categories,
      axisLabel: { interval: 0, width: narrow() ? 52 : 96, overflow: "break", fontSize: 11 }
    };
  }

  function build(spec) {
    var option = base(spec);
    var many = spec.series.length > 1;
    if (many) { option.legend = { top: 0, type: "scroll" }; option.grid.top = 56; }
    if (spec.type === "pie") {
      option.legend = { bottom: 0, type: "scroll" };
      option.series = spec.series.map(function (s) {
        return { type: "pie", name: s.name, radius: ["35%", "62%"], center: ["50%", "45%"],
          label: { formatter: "{b}\n{c}" }, data: points(s) };
      });
      return option;
    }
    if (spec.type === "hbar") {
      option.grid.top = 8;
      option.grid.right = 56;
      option.yAxis = { type: "category", data: spec.categories, axisLabel: { fontSize: 11 } };
      option.xAxis = { type: "value", max: spec.max || null,
        axisLabel: { formatter: "{value}" + (spec.unit || "") } };
      option.series = spec.series.map(function (s) {
        return { type: "bar", name: s.name, data: points(s), itemStyle: { color: "#8a1c1c" },
          label: { show: true, position: "right", formatter: "{c}" + (spec.unit || ""), fontSize: 11 } };
      });
      return option;
    }
    option.xAxis = categoryAxis(spec);
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = spec.series.map(function (s) {
      var one = {
        type: spec.type === "line" ? "line" : "bar",
        name: s.name,
        data: points(s),
        label: { show: spec.type !== "stack", position: "top", fontSize: 11 }
      };
      if (s.color) { one.itemStyle = { color: s.color }; one.lineStyle = { color: s.color }; }
      if (spec.type === "stack") { one.stack = "total"; }
      if (spec.type === "line") { one.symbolSize = 8; }
      if (spec.type === "bar") { one.itemStyle = { color: "#8a1c1c" }; }
      return one;
    });
    return option;
  }

  function say(root, text) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var p = document.createElement("p");
      p.className = "small text-body-secondary m-2";
      p.textContent = text;
      el.replaceChildren(p);
    });
  }

  function draw(root, payload) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = (payload.charts || {})[el.getAttribute("data-chart")];
      if (!spec) { return; }
      var empty = spec.series.every(function (s) {
        return s.data.every(function (d) { return !d.value; });
      });
      if (empty || (spec.categories && spec.categories.length === 0)) {
        var p = document.createElement("p");
        p.className = "small text-body-secondary m-2";
        p.textContent = "暂无数据";
        el.replaceChildren(p);
        el.classList.add("ov-chart-empty");
        return;
      }
      if (spec.type === "hbar") {
        // one row per unit: the height follows the number of townships or villages
        el.style.height = Math.max(160, 22 * spec.categories.length + 60) + "px";
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(build(spec));
      chart.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url && url.charAt(0) === "/") { window.location.assign(url); }
      });
      chart.getZr().on("mousemove", function (e) {
        chart.getZr().setCursorStyle(e.target ? "pointer" : "default");
      });
      el.setAttribute("data-drawn", "1");
      drawn.push(chart);
    });
  }

  var root = document.querySelector("[data-overview-src]");
  if (!root) { return; }
  if (!window.echarts) { say(root, "图表组件未能加载，请参看下方表格。"); return; }
  fetch(root.getAttribute("data-overview-src"), {
    credentials: "same-origin", headers: { Accept: "application/json" }
  }).then(function (response) {
    if (!response.ok || response.headers.get("Content-Type").indexOf("json") < 0) {
      throw new Error(String(response.status));
    }
    return response.json();
  }).then(function (payload) { draw(root, payload); })
    .catch(function () { say(root, "图表数据加载失败，请刷新页面；数字见下方表格。"); });

  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      drawn.forEach(function (chart) { chart.resize(); });
    }, 150);
  });
})();
