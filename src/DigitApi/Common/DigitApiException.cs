namespace DigitApi.Common;

/// <summary>
/// An expected failure that the client can act on. Each subclass carries its HTTP status and a stable
/// problem type; the exception handler turns it into RFC 7807 ProblemDetails.
/// </summary>
public abstract class DigitApiException(string message) : Exception(message)
{
    public abstract int StatusCode { get; }

    /// <summary>Short, stable problem kind, e.g. <c>no-digit-found</c>.</summary>
    public abstract string Kind { get; }

    public abstract string Title { get; }

    /// <summary>Seconds a client should wait before retrying (429/503), if any.</summary>
    public virtual int? RetryAfterSeconds => null;

    /// <summary>Whether the answer also closes the connection (the rest of the request body is not read).</summary>
    public virtual bool ClosesConnection => false;
}
