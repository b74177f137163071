/**
 * The browser script that draws the report page's charts with uPlot, from the JSON the page
 * carries (element #herald-data). Plain ES2017, inlined into the page; everything else on the page
 * works without it.
 */

/** The chart script's source. */
export const CHART_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('herald-data').textContent);
  var colors = data.colors, lines = data.lines, s = data.chart.series, H = 260;

  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function clock(sec) {
    var cents = Math.round(sec * 100), whole = Math.floor(cents / 100), frac = cents % 100;
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), x = whole % 60;
    var text = h > 0 ? h + ':' + pad(m) + ':' + pad(x) : m + ':' + pad(x);
    return frac ? text + '.' + pad(frac).replace(/0$/, '') : text;
  }
  function fmtMs(v) { return v == null ? '–' : v >= 1000 ? (v / 1000).toFixed(v >= 10000 ? 0 : 1) + ' s' : Math.round(v) + ' ms'; }
  function fmtRate(v) { return v == null ? '–' : (Math.round(v * 100) / 100) + '/s'; }
  function widthOf(el) { return Math.max(320, el.clientWidth || 0); }

  // A single bucket draws nothing: give the time axis a second point.
  var x = s.x.slice();
  if (x.length === 1) x.push(x[0] + s.width);
  function col(values, fill) { var v = values.slice(); while (v.length < x.length) v.push(fill); return v; }

  // Run starts as dashed lines with a label, throttled answers as triangles along the top.
  function markers(withThrottle) { return function (u) {
    var ctx = u.ctx, top = u.bbox.top, bottom = top + u.bbox.height, r = uPlot.pxRatio;
    ctx.save();
    ctx.font = (11 * r) + 'px system-ui, sans-serif';
    data.chart.runs.forEach(function (run, i) {
      if (i === 0) return;
      var px = u.valToPos(run.offset, 'x', true);
      ctx.strokeStyle = lines.marker; ctx.fillStyle = lines.marker; ctx.lineWidth = r;
      ctx.setLineDash([4 * r, 3 * r]);
      ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, bottom); ctx.stroke();
      ctx.setLineDash([]);
      var label = 'run ' + (i + 1) + ': ' + run.command, w = ctx.measureText(label).width;
      var lx = px + 4 * r + w > u.bbox.left + u.bbox.width ? px - 4 * r - w : px + 4 * r;
      ctx.fillStyle = '#fff'; ctx.fillRect(lx - 2 * r, top + 2 * r, w + 4 * r, 14 * r);
      ctx.fillStyle = lines.marker; ctx.fillText(label, lx, top + 13 * r);
    });
    if (withThrottle) {
      ctx.fillStyle = colors.throttled;
      s.throttled.forEach(function (n, i) {
        if (!n) return;
        var px = u.valToPos(s.x[i] + s.width / 2, 'x', true), t = 6 * r;
        ctx.beginPath(); ctx.moveTo(px - t, top); ctx.lineTo(px + t, top); ctx.lineTo(px, top + t * 1.5); ctx.closePath(); ctx.fill();
      });
    }
    ctx.restore();
  }; }

  // The time axis reaches the last run's start even when that run was too short for a point of its own.
  var xMax = Math.max(x[x.length - 1], data.chart.runs.reduce(function (m, r) { return Math.max(m, r.offset + s.width / 4); }, 0));
  var xScale = { time: false, range: function () { return [x[0], xMax]; } };
  var xAxis = { label: 'time sending (m:ss)', incrs: [0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400], values: function (u, v) { return v.map(clock); } };
  var charts = [];
  function make(id, opts, columns) {
    var el = document.getElementById(id);
    if (!el) return;
    opts.width = widthOf(el); opts.height = H;
    var chart = new uPlot(opts, columns, el);
    charts.push({ chart: chart, el: el });
    return chart;
  }

  // 1. Attempts per second by outcome, the configured --rate, throttling and runs.
  var rateSeries = [{ label: 'time', value: function (u, v) { return v == null ? '' : clock(v); } }];
  var rateData = [x];
  data.outcomes.forEach(function (o) {
    var values = s.perSecond[o];
    if (!values.some(function (v) { return v > 0; })) return;
    rateSeries.push({ label: o + ' /s', stroke: colors[o], width: 2, value: function (u, v) { return fmtRate(v); } });
    rateData.push(col(values, 0));
  });
  if (data.chart.rate.some(function (v) { return v != null; })) {
    rateSeries.push({ label: '--rate', stroke: lines.rate, width: 1.5, dash: [8, 4], value: function (u, v) { return fmtRate(v); } });
    rateData.push(col(data.chart.rate, data.chart.rate[data.chart.rate.length - 1]));
  }
  make('chart-rate', { series: rateSeries, scales: { x: xScale }, axes: [xAxis, { label: 'attempts per second' }], hooks: { draw: [markers(true)] } }, rateData);

  // 2. Latency percentiles over time.
  make('chart-latency', {
    series: [
      { label: 'time', value: function (u, v) { return v == null ? '' : clock(v); } },
      { label: 'p50', stroke: lines.p50, width: 2, value: function (u, v) { return fmtMs(v); } },
      { label: 'p95', stroke: lines.p95, width: 2, value: function (u, v) { return fmtMs(v); } },
      { label: 'p99', stroke: lines.p99, width: 2, value: function (u, v) { return fmtMs(v); } }
    ],
    scales: { x: xScale },
    axes: [xAxis, { label: 'latency', values: function (u, v) { return v.map(fmtMs); }, size: 60 }],
    hooks: { draw: [markers(false)] }
  }, [x, col(s.p50, null), col(s.p95, null), col(s.p99, null)]);

  // 3. Latency histogram: one bar per quarter doubling (log-width buckets).
  var hist = data.chart.histogram;
  if (hist.count.length > 0) {
    var idx = hist.count.map(function (c, i) { return i; });
    make('chart-histogram', {
      series: [
        { label: 'latency', value: function (u, i) { return i == null ? '' : fmtMs(hist.low[i]) + ' – ' + fmtMs(hist.high[i]); } },
        { label: 'attempts', stroke: lines.bars, fill: lines.bars + 'cc', width: 1, paths: uPlot.paths.bars({ size: [0.9, 64] }), points: { show: false } }
      ],
      scales: { x: { time: false, range: function () { return [-0.5, idx.length - 0.5]; } } },
      axes: [
        { label: 'latency of an attempt (lower bound of each bar)', splits: function () { return idx; }, values: function (u, v) { return v.map(function (i, k) { return k % Math.ceil(idx.length / 12) === 0 ? fmtMs(hist.low[i]) : ''; }); } },
        { label: 'attempts' }
      ]
    }, [idx, hist.count]);
  }

  window.addEventListener('resize', function () {
    charts.forEach(function (c) { c.chart.setSize({ width: widthOf(c.el), height: H }); });
  });
  document.documentElement.dataset.charts = String(charts.length);
})();
`;
