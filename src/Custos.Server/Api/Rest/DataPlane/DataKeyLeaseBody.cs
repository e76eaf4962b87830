using Custos.Core.Access.Policy;
using Custos.Core.Service;

namespace Custos.Server.Api.Rest.DataPlane;

/// <summary>
/// The <c>dataKeyLease</c> member of the generate-data-key, encrypt and decrypt responses: how long and how much
/// the caller may reuse the data key (docs/access.md, "Data-key caching"). It is sent only to clients that ask
/// with the request header <c>Custos-Data-Key-Lease: 1</c>, so clients that refuse unknown members keep working.
/// </summary>
public sealed record DataKeyLeaseBody(bool Allowed, int MaxAgeSeconds, long MaxMessages, long MaxBytes)
{
    /// <summary>The request header a client sends to receive leases.</summary>
    public const string RequestHeader = "Custos-Data-Key-Lease";

    /// <summary>The lease to put in the response for key <paramref name="keyId"/>: null unless the request asked for one (then the policy is consulted).</summary>
    public static async ValueTask<DataKeyLeaseBody?> ForAsync(HttpContext http, KeyAccessService access, string keyId, CancellationToken cancellationToken) =>
        !http.Request.Headers.ContainsKey(RequestHeader) || await access.LeaseAsync(keyId, cancellationToken) is not { } lease ? null
            : new DataKeyLeaseBody(lease.Allowed, lease.MaxAgeSeconds, lease.MaxMessages, lease.MaxBytes);
}
