using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml;
using Federation.Sdk.Hosting;
using Federation.Sdk.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Federation.Node.TestPlugin;

/// <summary>
/// Adds a source of case records from an XML export (&lt;cases&gt;&lt;case id=".." identified=".." status=".." /&gt;...),
/// read with <see cref="XmlReader"/>: a malformed document ends the read with the reader's <see cref="XmlException"/>,
/// as an adapter for a format where one broken record ends the read would.
/// </summary>
public static class XmlCaseNodeBuilderExtensions
{
    [NodeAdapter("xmlcases", NodeSourceKind.CaseRecords)]
    public static INodeBuilder AddXmlCaseSource(this INodeBuilder node, string name, IConfiguration options)
    {
        node.Services.AddOptions<XmlCaseSourceOptions>(name).BindNodeOptions(options);
        return node.AddCaseSource(name, services =>
        {
            var settings = services.GetRequiredService<IOptionsMonitor<XmlCaseSourceOptions>>().Get(name);
            return new XmlCaseRecordSource(services.GetRequiredService<NodeFiles>().Resolve(settings.Path));
        });
    }
}

/// <summary>The xmlcases adapter's options.</summary>
public sealed class XmlCaseSourceOptions
{
    public string Path { get; set; } = string.Empty;
}

internal sealed class XmlCaseRecordSource(string path) : ICaseRecordSource
{
    public string Name => System.IO.Path.GetFileName(path);

    public async IAsyncEnumerable<SourceRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = XmlReader.Create(path, new XmlReaderSettings { Async = true });
        var number = 0;
        while (await reader.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.NodeType != XmlNodeType.Element || reader.Name != "case")
            {
                continue;
            }

            number++;
            yield return SourceRow.Read($"{Name} case {number}", new CaseRecord
            {
                CaseId = reader.GetAttribute("id") ?? string.Empty,
                IdentificationDate = reader.GetAttribute("identified") is { } identified ? DateOnly.ParseExact(identified, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
                TraffickingStatus = reader.GetAttribute("status"),
            });
        }
    }
}
