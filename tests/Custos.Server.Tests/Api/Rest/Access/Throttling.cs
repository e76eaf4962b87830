using System.Net;

namespace Custos.Server.Tests.Api.Rest.Access;

/// <summary>
/// Drives a rate limit until it refuses. The token buckets refill from a real timer, so instead of counting on
/// timing this sends batches of concurrent requests (a busy machine cannot then refill the bucket between them)
/// until at least one is refused with 429.
/// </summary>
internal static class Throttling
{
    /// <summary>Sends batches of <paramref name="send"/> until one is refused; the 429 answers and how many were served (200).</summary>
    public static async Task<(int Served, List<HttpResponseMessage> Refused)> DrainAsync(Func<Task<HttpResponseMessage>> send, int batch = 8)
    {
        int served = 0;
        for (int round = 0; round < 20; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, batch).Select(_ => send()));
            var unexpected = answers.FirstOrDefault(r => r.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.TooManyRequests));
            if (unexpected is not null) Assert.Fail($"unexpected {(int)unexpected.StatusCode}: {await unexpected.Content.ReadAsStringAsync()}");
            served += answers.Count(r => r.StatusCode == HttpStatusCode.OK);
            var refused = answers.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
            if (refused.Count > 0) return (served, refused);
        }
        throw new Xunit.Sdk.XunitException($"never throttled ({served} served)");
    }
}
