using Custos.Core.Access;
using Custos.Core.Errors;
using Microsoft.Data.Sqlite;
using static Custos.Storage.Sqlite.SqliteValues;

namespace Custos.Storage.Sqlite;

/// <summary>Reading and writing rows of <c>tokens</c>; shared by the token and seal repositories.</summary>
internal static class TokenRows
{
    public const string Columns = "id, secret_hash, name, scopes, created_at, expires_at, revoked_at, allowed_networks, groups, approval_key";

    /// <summary>Inserts <paramref name="token"/>; an id or secret hash that exists already is a bug (both are random).</summary>
    public static async Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, AccessToken token,
        CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO tokens ({Columns})
            VALUES (@id, @secret_hash, @name, @scopes, @created_at, @expires_at, @revoked_at, @allowed_networks, @groups, @approval_key)
            """;
        command.Parameters.AddWithValue("@id", token.Id);
        command.Parameters.Add("@secret_hash", SqliteType.Blob).Value = token.SecretHash;
        command.Parameters.AddWithValue("@name", token.Name);
        command.Parameters.AddWithValue("@scopes", Json(token.Roles.Order(StringComparer.Ordinal)));
        command.Parameters.AddWithValue("@groups", Json(token.Groups.Order(StringComparer.Ordinal)));
        command.Parameters.AddWithValue("@created_at", Time(token.CreatedAt));
        command.Parameters.AddWithValue("@expires_at", Time(token.ExpiresAt));
        command.Parameters.AddWithValue("@revoked_at", Time(token.RevokedAt));
        command.Parameters.AddWithValue("@allowed_networks", token.AllowedNetworks is { } n ? Json(n) : DBNull.Value);
        command.Parameters.Add("@approval_key", SqliteType.Blob).Value = (object?)token.ApprovalKey ?? DBNull.Value;
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == 19) // SQLITE_CONSTRAINT
        {
            throw Error.Invariant("a token with the same id or secret hash exists already");
        }
    }

    /// <summary>A token from a row read in <see cref="Columns"/> order.</summary>
    public static AccessToken Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetString(2),
        (byte[])r.GetValue(1),
        Roles.FromStored(ReadList(r, 3)),
        ReadTime(r, 4),
        ReadNullableTime(r, 5),
        ReadNullableTime(r, 6),
        r.IsDBNull(7) ? null : ReadList(r, 7))
    {
        Groups = new HashSet<string>(ReadList(r, 8), StringComparer.Ordinal),
        ApprovalKey = ReadNullableBlob(r, 9),
    };
}
