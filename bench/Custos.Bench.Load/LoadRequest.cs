namespace Custos.Bench.Load;

/// <summary>One request to repeat: a POST with a pre-serialized JSON body.</summary>
internal sealed record LoadRequest(string Target, Uri Uri, byte[] Body, string? Token);
