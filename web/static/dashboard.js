// 总览 charts (ECharts, vendored under /static/vendor). The numbers are those of the page's
// table, handed over as JSON in data-chart; a click on a bar opens the cases behind it.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("chart-classes");
  if (!holder || typeof echarts === "undefined") return;
  var data = JSON.parse(holder.getAttribute("data-chart"));
  var font = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var charts = [];

  // On a phone's width the units' names stand upright (slanted, they ran into each other),
  // cut to what the space under the chart holds; the tooltip names the unit in full.
  var narrow = holder.clientWidth < 600;
  function axis(units) {
    var rotate = narrow && units.length > 4 ? 90 : units.length > 6 ? 35 : 0;
    return {
      type: "category",
      data: units,
      axisLabel: {
        interval: 0,
        rotate: rotate,
        fontFamily: font,
        fontSize: 11,
        width: 84,
        overflow: "truncate",
      },
    };
  }
  function percentAxis() {
    return { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } };
  }
  function bars(name, series, colour, extra) {
    var bar = {
      name: name,
      type: "bar",
      data: series.values.map(function (v, i) {
        return { value: v, link: series.links[i], fraction: series.fractions[i] };
      }),
      itemStyle: { color: colour },
      barMaxWidth: 40,
      // A rate of 0 % is a figure with cases behind it: drawn a sliver high, so it can be
      // clicked like any other (a review found 进一步办理按时率 0.0 % with nothing to click).
      barMinHeight: 3,
    };
    return Object.assign(bar, extra || {});
  }
  // A formatter's answer is written as HTML: names (a unit's is anyone's to type) as text.
  function text(value) {
    return String(value).replace(/[&<>"']/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    });
  }
  function tooltip(suffix) {
    return {
      trigger: "item",
      formatter: function (p) {
        var f = p.data && p.data.fraction ? "（" + p.data.fraction + "）" : "";
        var v = p.value === null || p.value === undefined ? "—" : p.value + suffix;
        return text(p.name) + "<br>" + text(p.seriesName) + "：" + v + f;
      },
    };
  }
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    option.animation = false;
    option.textStyle = { fontFamily: font };
    // On a phone's width a legend of four series takes two lines: the plot starts below them.
    option.grid = option.grid || { left: 48, right: 16, top: narrow ? 64 : 36, bottom: 90 };
    option.legend = option.legend || { top: 0 };
    chart.setOption(option);
    chart.on("click", function (p) {
      if (p.data && p.data.link) window.location.href = p.data.link;
    });
    charts.push(chart);
  }

  draw("chart-classes", {
    tooltip: tooltip(" 件"),
    xAxis: axis(data.units),
    yAxis: { type: "value", name: "件", minInterval: 1 },  // counts of cases: no 0.2 件
    series: [
      bars("A 类", data.classes.A, "#2e8540", { stack: "class" }),
      bars("B 类", data.classes.B, "#1d4f91", { stack: "class" }),
      bars("C 类", data.classes.C, "#c8923c", { stack: "class" }),
    ],
  });
  draw("chart-satisfaction", {
    tooltip: tooltip(" %"),
    xAxis: axis(data.units),
    yAxis: percentAxis(),
    series: [
      bars("满意（严格）", data.satisfaction.strict, "#1d6b2c"),
      bars("满意＋基本满意", data.satisfaction.broad, "#8fcf9c"),
    ],
  });
  draw("chart-on-time", {
    tooltip: tooltip(" %"),
    xAxis: axis(data.units),
    yAxis: percentAxis(),
    series: [
      bars("按时答复", data.on_time.reply, "#1f3a5f"),
      bars("按时公开", data.on_time.disclosure, "#5b8bd0"),
      bars("进一步办理按时", data.on_time.rehandling, "#c8923c"),
    ],
  });
  var v = data.visits;
  function actualBars(name, short, colour) {
    return {
      name: name,
      type: "bar",
      stack: "actual",
      barMaxWidth: 40,
      data: v.actual.map(function (value, i) {
        var shown = v.shortfall[i] > 0 === short ? value : "-";
        return { value: shown, link: v.links[i], shortfall: v.shortfall[i] };
      }),
      itemStyle: { color: colour },
    };
  }
  // "差N件" over each short unit's bar, in a series of its own drawn above the required
  // rate's line: on a phone a label is wider than its unit's column, and the line's steps,
  // drawn over the bars' own labels, crossed them out.
  var shortfallLabels = {
    name: "shortfall",
    type: "scatter",
    z: 4, // above the line series (z 3 by default; a scatter is 2)
    silent: true,
    symbolSize: 0,
    data: v.actual.map(function (value, i) {
      return v.shortfall[i] > 0 ? { value: value, shortfall: v.shortfall[i] } : "-";
    }),
    label: {
      show: true,
      position: "top",
      fontSize: 10,
      backgroundColor: "#fff",
      padding: [1, 2],
      formatter: function (p) {
        return "差" + p.data.shortfall + "件";
      },
    },
  };
  draw("chart-visits", {
    legend: {
      top: 0,
      data: ["实际走访率（达标）", "实际走访率（未达标）", "剔除无需见面", "要求走访率"],
    },
    tooltip: {
      trigger: "axis",
      // The verdict series a unit is not in holds "-": left out of its tooltip.
      formatter: function (params) {
        var lines = params
          .filter(function (p) {
            var shown = p.value !== "-" && p.value !== null && p.value !== undefined;
            return shown && p.seriesName !== shortfallLabels.name;
          })
          .map(function (p) {
            return p.marker + text(p.seriesName) + "：" + p.value + " %";
          });
        return [text(params[0].name)].concat(lines).join("<br>");
      },
    },
    xAxis: axis(v.units),
    yAxis: percentAxis(),
    series: [
      // One bar per unit in the colour of its verdict: two stacked series (each unit's value
      // in one of them, "-" in the other) so the legend shows the same green and red as the
      // bars; one series coloured per item showed the palette's blue in the legend.
      actualBars("实际走访率（达标）", false, "#2e8540"),
      actualBars("实际走访率（未达标）", true, "#d9363e"),
      {
        name: "剔除无需见面",
        type: "bar",
        barMaxWidth: 40,
        data: v.excluding,
        itemStyle: { color: "#9db4d6" },
      },
      {
        name: "要求走访率",
        type: "line",
        step: "middle",
        data: v.required,
        symbol: "none",
        lineStyle: { color: "#1d2330", type: "dashed", width: 2 },
        itemStyle: { color: "#1d2330" },
        // One unit (a handler's own dashboard) is one point, and a line of one point is not
        // drawn: its rate is then a line across the chart.
        markLine:
          v.required.length === 1
            ? {
                silent: true,
                symbol: "none",
                data: [{ yAxis: v.required[0] }],
                lineStyle: { color: "#1d2330", type: "dashed", width: 2 },
                label: { formatter: "要求 {c}%", position: "insideEndTop" },
              }
            : undefined,
      },
      shortfallLabels,
    ],
  });
  var t = data.trend;
  draw("chart-trend", {
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 16, top: 36, bottom: 40 },
    xAxis: { type: "category", data: t.days },
    yAxis: { type: "value", name: "件", minInterval: 1 },
    series: [
      {
        name: "有逾期期限的件",
        type: "line",
        data: t.values.map(function (value, i) {
          return { value: value, link: t.links[i] };
        }),
        itemStyle: { color: "#d9363e" },
        label: { show: true, position: "top", fontSize: 10 },
      },
    ],
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (c) {
      c.resize();
    });
  });
});
