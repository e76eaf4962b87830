namespace RecordVault;

/// <summary>A customer as the application sees it: the name is not sensitive, email and IBAN are.</summary>
public sealed record CustomerRecord(string Id, string Name, string Email, string Iban);

/// <summary>
/// A customer as it is stored: sensitive fields are envelopes (base64), each bound to the record id and the
/// field name, so a field cannot be moved to another record or another column without failing to decrypt.
/// </summary>
public sealed record StoredRecord(string Id, string Name, string EmailEnvelope, string IbanEnvelope);
