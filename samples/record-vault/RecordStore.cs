using System.Text;
using System.Text.Json;
using Custos.Client;
using Custos.Crypto;

namespace RecordVault;

/// <summary>
/// Stores customer records in a JSON-lines file with field-level envelope encryption through the Custos SDK:
/// each sensitive field is its own envelope under <c>alias/record-vault</c>, with the encryption context
/// { table, record, field }. Nothing in the file is sensitive without the key on the Custos server.
/// </summary>
public sealed class RecordStore(CustosEncryptor encryptor, string key, string file)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Encrypts the sensitive fields and appends the record.</summary>
    public async Task AddAsync(CustomerRecord record, CancellationToken ct)
    {
        var stored = new StoredRecord(record.Id, record.Name,
            Convert.ToBase64String(await encryptor.EncryptAsync(Encoding.UTF8.GetBytes(record.Email), key, Context(record.Id, "email"), ct)),
            Convert.ToBase64String(await encryptor.EncryptAsync(Encoding.UTF8.GetBytes(record.Iban), key, Context(record.Id, "iban"), ct)));
        await File.AppendAllTextAsync(file, JsonSerializer.Serialize(stored, Json) + "\n", ct);
    }

    /// <summary>Reads every record and decrypts its fields.</summary>
    public async IAsyncEnumerable<CustomerRecord> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var line in await File.ReadAllLinesAsync(file, ct))
        {
            if (line.Length == 0) continue;
            var stored = JsonSerializer.Deserialize<StoredRecord>(line, Json) ?? throw new InvalidDataException("empty record line");
            yield return new CustomerRecord(stored.Id, stored.Name,
                Encoding.UTF8.GetString(await encryptor.DecryptAsync(Convert.FromBase64String(stored.EmailEnvelope), Context(stored.Id, "email"), ct)),
                Encoding.UTF8.GetString(await encryptor.DecryptAsync(Convert.FromBase64String(stored.IbanEnvelope), Context(stored.Id, "iban"), ct)));
        }
    }

    /// <summary>The context a field is bound to: moving it to another record or field makes it fail to decrypt.</summary>
    public static EncryptionContext Context(string recordId, string field) =>
        EncryptionContext.From(new Dictionary<string, string> { ["table"] = "customers", ["record"] = recordId, ["field"] = field });
}
