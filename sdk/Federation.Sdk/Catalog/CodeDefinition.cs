namespace Federation.Sdk.Catalog;

/// <summary>One code of a dimension's code list.</summary>
public sealed record CodeDefinition(string Code, string Label);
