namespace Federation.Cli.Output;

/// <summary>How query results are printed.</summary>
internal enum OutputFormat
{
    Table,
    Csv,
    Json,

    /// <summary>SDMX-CSV (`fed query` only).</summary>
    SdmxCsv,
}
