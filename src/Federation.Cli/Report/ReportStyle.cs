namespace Federation.Cli.Report;

/// <summary>
/// The report's stylesheet, inlined in each page: for the screen (text 16:1, links 7:1, bars 7:1 against white) and
/// for print (no navigation or language link, no page break inside a chart or table, A4/Letter margins).
/// </summary>
internal static class ReportStyle
{
    public const string Css = """

        :root { color-scheme: light; }
        body { margin: 0; font-family: "Noto Sans", "Helvetica Neue", Arial, sans-serif; font-size: 1rem; line-height: 1.5; color: #1a1a1a; background: #fff; }
        header, nav, main, footer { max-width: 62rem; margin: 0 auto; padding: 0 1.25rem; }
        header { border-bottom: 4px solid #26374a; padding-bottom: 0.75rem; }
        h1 { font-size: 1.9rem; line-height: 1.25; margin: 0.5rem 0 0.75rem; color: #26374a; }
        h2 { font-size: 1.5rem; margin: 2.25rem 0 0.75rem; color: #26374a; border-bottom: 1px solid #8a9bb0; }
        h3 { font-size: 1.15rem; margin: 1.75rem 0 0.5rem; }
        a { color: #1a5a96; }
        a:focus, a:hover { color: #0b3a66; outline: 3px solid #2b6cb0; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem; }
        .skip:focus { left: 0.5rem; }
        .lang { text-align: right; margin: 0.5rem 0 0; }
        .notice { background: #fff4d6; border-left: 6px solid #8a6d00; padding: 0.5rem 0.75rem; }
        figure { margin: 0.5rem 0; }
        svg.chart { width: 100%; height: auto; max-width: 760px; display: block; }
        svg .grid { stroke: #d0d4d9; stroke-width: 1; }
        svg .tick { fill: #333; font-size: 12px; }
        svg .label, svg .value { fill: #1a1a1a; font-size: 13px; }
        svg .symbol { fill: #1a1a1a; font-size: 13px; font-weight: bold; }
        svg .error { stroke: #000; stroke-width: 1.5; fill: none; }
        .table-scroll { overflow-x: auto; max-width: 100%; position: relative; }
        .table-scroll:focus { outline: 3px solid #2b6cb0; outline-offset: 2px; }
        table { border-collapse: collapse; margin: 0.5rem 0; min-width: 50%; }
        caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
        th, td { border: 1px solid #b5bec9; padding: 0.25rem 0.6rem; text-align: left; vertical-align: top; }
        thead th { background: #e8edf3; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        td.num { white-space: nowrap; }
        .mark { text-align: center; }
        tr.total th, tr.total td { font-weight: bold; border-top: 2px solid #26374a; }
        .data { font-size: 0.9rem; overflow-wrap: anywhere; }
        .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
        pre { white-space: pre-wrap; word-break: break-all; background: #f3f5f7; border: 1px solid #b5bec9; padding: 0.5rem; }
        dl.provenance dt, dl.symbols dt { font-weight: bold; margin-top: 0.5rem; }
        dl.provenance dd, dl.symbols dd { margin-left: 1.5rem; word-break: break-all; }
        footer { border-top: 1px solid #8a9bb0; margin-top: 2rem; font-size: 0.9rem; }
        @media print {
          @page { margin: 16mm; }
          body { font-size: 10.5pt; color: #000; }
          .skip, .lang, nav, .data { display: none; }
          header, main, footer { max-width: none; padding: 0; }
          h2 { break-after: avoid; page-break-after: avoid; }
          h3 { break-after: avoid; page-break-after: avoid; }
          figure, table, pre { break-inside: avoid; page-break-inside: avoid; }
          .table-scroll { overflow: visible; }
          a { color: #000; text-decoration: none; }
          .notice { border-left-color: #000; background: none; }
        }

        """;
}
