/** The report's stylesheet, inlined into the page. Colours: green ok, blue cold start, red failed, grey aborted. */
export const REPORT_CSS = `
:root { --ok: #43a047; --cold: #1e88e5; --failed: #e53935; --failed-cold: #8e0000; --aborted: #9e9e9e; --wait: #cfd8dc; --retried: #ffb74d; --ink: #222; --muted: #666; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; padding: 24px 32px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
.facts { margin: 0; } .generated, .note, .notes, .cost, .errors { color: var(--muted); font-size: 13px; }
.notes { margin: 8px 0; padding-left: 18px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 12px; }
th, td { padding: 3px 6px; border-bottom: 1px solid #e0e0e0; text-align: right; white-space: nowrap; }
th:first-child { text-align: left; } thead th { border-bottom: 2px solid #bdbdbd; }
tr.total th, tr.total td { font-weight: 600; border-top: 2px solid #bdbdbd; }
section { max-width: 1100px; overflow-x: auto; } #summary-section { max-width: none; }
svg.chart { width: 100%; max-width: 1100px; height: auto; display: block; font-size: 11px; }
.axes .frame { fill: none; stroke: #9e9e9e; } .axes line { stroke: #9e9e9e; } .axes line.grid { stroke: #eeeeee; }
.axes text { fill: var(--muted); } .axes .label { fill: var(--ink); font-size: 12px; }
.wait { fill: var(--wait); } .retried .wait, .swatch.wait.retried { fill: var(--retried); background: var(--retried); }
.s-0 .run, .swatch.run.s-0 { fill: var(--ok); background: var(--ok); }
.s-0.cold .run, .swatch.run.s-0.cold { fill: var(--cold); background: var(--cold); }
.s-1 .run, .swatch.run.s-1 { fill: var(--failed); background: var(--failed); }
.s-1.cold .run, .swatch.run.s-1.cold { fill: var(--failed-cold); background: var(--failed-cold); }
.s-2 .run, .swatch.run.s-2 { fill: var(--aborted); background: var(--aborted); }
.swatch.wait { background: var(--wait); }
.inv:hover rect { stroke: #000; stroke-width: 0.5; }
.phase-line { stroke: #616161; stroke-dasharray: 4 3; } .phase-label { fill: #424242; font-weight: 600; }
.area { fill: rgba(30, 136, 229, 0.35); stroke: var(--cold); stroke-width: 1; }
.peak-line { stroke: var(--failed); stroke-dasharray: 5 4; } .peak-label { fill: var(--failed); }
.bin { fill: #5c6bc0; } .bin.overflow { fill: var(--retried); } .bin:hover { fill: #283593; }
.marker { stroke: #212121; stroke-dasharray: 3 3; } .marker-label { fill: #212121; }
.run-failed { margin: 12px 0 0; padding: 8px 12px; border-left: 4px solid var(--failed); background: #ffebee; max-width: 1100px; }
#failures td, #failures th { text-align: left; } #failures td.message { white-space: pre-wrap; font-family: ui-monospace, monospace; max-width: 720px; }
.legend { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: var(--muted); }
.swatch { display: inline-block; width: 14px; height: 10px; margin-right: 5px; vertical-align: middle; }
`;
