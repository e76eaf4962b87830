namespace Custos.Storage.Sqlite;

/// <summary>One numbered schema change: <c>Migrations/NNNN_name.sql</c>.</summary>
internal sealed record SqliteMigration(int Version, string Name, string Sql);
