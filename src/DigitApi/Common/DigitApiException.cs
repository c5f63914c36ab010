using Microsoft.AspNetCore.Mvc;

namespace DigitApi.Common;

/// <summary>
/// An expected failure that the client can act on: one of <see cref="ProblemKinds"/>, and a message that says
/// what happened and what to do. Handlers return it as their ProblemDetails; thrown past them (middleware,
/// the exception handler), it becomes the same answer.
/// </summary>
/// <param name="problem">The kind of problem: status, type and title.</param>
/// <param name="message">The problem's detail.</param>
/// <param name="retryAfterSeconds">Seconds a client should wait before retrying (429/503), if any.</param>
public abstract class DigitApiException(ProblemKind problem, string message, int? retryAfterSeconds = null) : Exception(message)
{
    public ProblemKind Problem { get; } = problem;

    /// <summary>The HTTP status of its kind.</summary>
    public int StatusCode => Problem.Status;

    /// <summary>Sent as <c>Retry-After</c> when given.</summary>
    public int? RetryAfterSeconds { get; } = retryAfterSeconds;

    public ProblemDetails ToProblemDetails() => Problem.With(Message);
}
