using System.Globalization;
using System.Text.Json;
using Custos.Core.Errors;
using Custos.Core.Keys;
using Microsoft.Data.Sqlite;

namespace Custos.Storage.Sqlite;

/// <summary>
/// How values are written to and read from SQLite columns. Times: ISO-8601 UTC text, exactly six
/// fractional digits and 'Z' (fixed width, so text order is time order; microsecond precision, the same
/// as PostgreSQL's timestamptz, so both adapters keep the same instants). Enums: their wire names.
/// Lists and maps: JSON text.
/// </summary>
internal static class SqliteValues
{
    internal const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public static string Time(DateTimeOffset value) =>
        value.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static object Time(DateTimeOffset? value) => value is { } v ? Time(v) : DBNull.Value;

    public static DateTimeOffset ReadTime(SqliteDataReader reader, int ordinal) =>
        new(DateTime.ParseExact(reader.GetString(ordinal), TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    public static DateTimeOffset? ReadNullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    public static T ReadEnum<T>(SqliteDataReader reader, int ordinal) where T : struct, Enum =>
        KeyNames.Parse<T>(reader.GetString(ordinal))
            ?? throw Error.Unavailable($"database holds an unknown {typeof(T).Name} value");

    public static T? ReadNullableEnum<T>(SqliteDataReader reader, int ordinal) where T : struct, Enum =>
        reader.IsDBNull(ordinal) ? null : ReadEnum<T>(reader, ordinal);

    public static object Nullable(object? value) => value ?? DBNull.Value;

    /// <summary>A command on <paramref name="connection"/> inside <paramref name="transaction"/>.</summary>
    public static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    public static int? ReadNullableInt(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static byte[]? ReadNullableBlob(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : (byte[])reader.GetValue(ordinal);

    public static string Json(IEnumerable<string> list) => JsonSerializer.Serialize(list.ToArray());

    /// <summary>Map as a JSON object with keys in ordinal order, so the same map always gives the same text.</summary>
    public static string Json(IReadOnlyDictionary<string, string> map) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(map.ToDictionary(), StringComparer.Ordinal));

    public static string[] ReadList(SqliteDataReader reader, int ordinal) =>
        JsonSerializer.Deserialize<string[]>(reader.GetString(ordinal))
            ?? throw Error.Unavailable("database holds a malformed list");

    public static Dictionary<string, string> ReadMap(SqliteDataReader reader, int ordinal) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(reader.GetString(ordinal))
            ?? throw Error.Unavailable("database holds a malformed map");
}
