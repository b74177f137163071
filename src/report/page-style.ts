/** The report page's stylesheet: readable at a glance, printable, no web fonts or images to fetch. */

/** The page's own CSS (uPlot's comes with it). */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --line: #dadce0; --good: #009E73; --bad: #D55E00; --warn: #E69F00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif; color: var(--ink); background: #f6f7f9; }
header { background: #fff; border-bottom: 1px solid var(--line); padding: 18px 28px 14px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: var(--muted); }
main { max-width: 1180px; margin: 0 auto; padding: 8px 28px 40px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 18px 16px; margin: 18px 0; }
h2 { font-size: 17px; margin: 0 0 4px; }
p.note, p.empty, figcaption { color: var(--muted); margin: 4px 0 10px; font-size: 13.5px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; margin: 18px 0; }
.card { background: #fff; border: 1px solid var(--line); border-left: 5px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card.good { border-left-color: var(--good); }
.card.bad { border-left-color: var(--bad); }
.card.warn { border-left-color: var(--warn); }
.card h3 { margin: 0; font-size: 13px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.card .big { margin: 2px 0; font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .sub { margin: 0; font-size: 13px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code { font: 13px ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; background: #f1f3f4; padding: 0 3px; border-radius: 3px; }
svg.bar { vertical-align: middle; }
.chart { min-height: 40px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 0 18px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } section { break-inside: avoid; } }
`;
