using Custos.Core.Errors;

namespace Custos.Server.Api.Rest;

/// <summary>Turns core results into HTTP results.</summary>
public static class ResultExtensions
{
    /// <summary>200 with the mapped body, or the problem.</summary>
    public static IResult ToHttp<T, TResponse>(this Result<T> result, Func<T, TResponse> map) =>
        result.IsSuccess ? Results.Ok(map(result.Value)) : ProblemMapper.ToResult(result.Error);
}
