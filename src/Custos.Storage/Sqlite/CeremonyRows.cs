using Custos.Core.Seal;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>Reading and writing rows of <c>ceremonies</c> and <c>ceremony_operators</c>; shared by the ceremony and seal repositories.</summary>
internal static class CeremonyRows
{
    /// <summary>Inserts <paramref name="ceremony"/> and its operators.</summary>
    public static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, Ceremony ceremony, CancellationToken cancellationToken)
    {
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO ceremonies (id, kind, transcript, transcript_sha256, threshold, status, created_at, completed_at, root_token_id, root_token_hash)
                VALUES (@id, @kind, @transcript, @transcript_sha256, @threshold, @status, @created_at, @completed_at, @root_token_id, @root_token_hash)
                """;
            command.Parameters.AddWithValue("@id", ceremony.Id);
            command.Parameters.AddWithValue("@kind", ceremony.Kind);
            command.Parameters.AddWithValue("@transcript", ceremony.Transcript);
            command.Parameters.Add("@transcript_sha256", SqliteType.Blob).Value = ceremony.TranscriptSha256;
            command.Parameters.AddWithValue("@threshold", ceremony.Threshold);
            command.Parameters.AddWithValue("@status", StatusName(ceremony.Status));
            command.Parameters.AddWithValue("@created_at", Time(ceremony.CreatedAt));
            command.Parameters.AddWithValue("@completed_at", Time(ceremony.CompletedAt));
            command.Parameters.AddWithValue("@root_token_id", Nullable(ceremony.RootTokenId));
            command.Parameters.Add("@root_token_hash", SqliteType.Blob).Value = Nullable(ceremony.RootTokenHash);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        for (int i = 0; i < ceremony.Operators.Count; i++)
        {
            var op = ceremony.Operators[i];
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO ceremony_operators (ceremony_id, position, name, public_key, share_sha256, signature, confirmed_at)
                VALUES (@ceremony_id, @position, @name, @public_key, @share_sha256, @signature, @confirmed_at)
                """;
            command.Parameters.AddWithValue("@ceremony_id", ceremony.Id);
            command.Parameters.AddWithValue("@position", i);
            command.Parameters.AddWithValue("@name", op.Name);
            command.Parameters.Add("@public_key", SqliteType.Blob).Value = op.PublicKey;
            command.Parameters.Add("@share_sha256", SqliteType.Blob).Value = op.ShareSha256;
            command.Parameters.Add("@signature", SqliteType.Blob).Value = Nullable(op.Signature);
            command.Parameters.AddWithValue("@confirmed_at", Time(op.ConfirmedAt));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>The ceremony with its operators, or null.</summary>
    public static async Task<Ceremony?> ReadAsync(SqliteConnection connection, SqliteTransaction transaction, string id, CancellationToken cancellationToken)
    {
        var operators = new List<CeremonyOperator>();
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT name, public_key, share_sha256, signature, confirmed_at FROM ceremony_operators
                WHERE ceremony_id = @id ORDER BY position
                """;
            command.Parameters.AddWithValue("@id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                operators.Add(new CeremonyOperator(reader.GetString(0), (byte[])reader.GetValue(1), (byte[])reader.GetValue(2),
                    ReadNullableBlob(reader, 3), ReadNullableTime(reader, 4)));
            }
        }
        using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                SELECT id, kind, transcript, transcript_sha256, threshold, status, created_at, completed_at, root_token_id, root_token_hash
                FROM ceremonies WHERE id = @id
                """;
            command.Parameters.AddWithValue("@id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken)) return null;
            return new Ceremony(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                (byte[])reader.GetValue(3),
                reader.GetInt32(4),
                ParseStatus(reader.GetString(5)),
                ReadTime(reader, 6),
                ReadNullableTime(reader, 7),
                operators,
                reader.IsDBNull(8) ? null : reader.GetString(8),
                ReadNullableBlob(reader, 9));
        }
    }

    public static string StatusName(CeremonyStatus status) => status == CeremonyStatus.Complete ? "complete" : "pending";

    private static CeremonyStatus ParseStatus(string name) => name switch
    {
        "pending" => CeremonyStatus.Pending,
        "complete" => CeremonyStatus.Complete,
        _ => throw Core.Errors.Error.Unavailable("database holds an unknown ceremony status"),
    };
}
