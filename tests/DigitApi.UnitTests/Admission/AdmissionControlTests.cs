using System.Diagnostics.Metrics;
using System.Text.Json;
using DigitApi.Admission;
using DigitApi.Hosting;
using DigitApi.Inference;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DigitApi.UnitTests.Admission;

/// <summary>
/// The door on its own, with requests the test holds inside: one at work, one waiting, the rest refused; a request
/// still reading its body holds no place at work.
/// </summary>
public sealed class AdmissionControlTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly AdmissionControl _admission;

    public AdmissionControlTests()
    {
        _services = new ServiceCollection().AddLogging().AddMetrics().AddProblemDetails().BuildServiceProvider();
        _admission = new AdmissionControl(
            Options.Create(new AdmissionOptions { MaxConcurrentRequests = 1, QueueLength = 1 }),
            new InferenceMetrics(_services.GetRequiredService<IMeterFactory>()));
    }

    [Fact]
    public async Task One_works_one_waits_the_next_is_refused_with_503_and_the_waiting_one_runs_when_a_place_frees()
    {
        var release = new TaskCompletionSource();
        var ran = new List<string>();
        RequestDelegate work = async context =>
        {
            await context.AdmitAsync(context.RequestAborted);
            lock (ran)
            {
                ran.Add(context.TraceIdentifier);
            }

            await release.Task;
        };

        var working = _admission.InvokeAsync(Post("/predict", "working"), work);
        var waiting = _admission.InvokeAsync(Post("/predict/number", "waiting"), work);
        Assert.Equal(1, _admission.Waiting);
        Assert.Equal(["working"], ran);

        Assert.False(_admission.HasRoom, "readiness turns 503 while every place inside is taken");
        var refused = Post("/v2/models/cnn/infer", "refused");
        await _admission.InvokeAsync(refused, work);
        Assert.Equal(503, refused.Response.StatusCode);
        Assert.Equal("1", refused.Response.Headers.RetryAfter.ToString());
        Assert.Equal("/problems/overloaded", Problem(refused).GetProperty("type").GetString());

        var read = new DefaultHttpContext { RequestServices = _services };
        read.Request.Method = HttpMethods.Get;
        read.Request.Path = "/models";
        var passed = false;
        await _admission.InvokeAsync(read, _ => { passed = true; return Task.CompletedTask; });
        Assert.True(passed, "reads are never held at the door");

        release.SetResult();
        await working.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(["working", "waiting"], ran);
        Assert.Equal(0, _admission.Waiting);
    }

    [Fact]
    public async Task A_client_that_leaves_while_waiting_frees_its_place()
    {
        var release = new TaskCompletionSource();
        var working = _admission.InvokeAsync(Post("/predict", "working"), async c =>
        {
            await c.AdmitAsync(c.RequestAborted);
            await release.Task;
        });
        using var leaving = new CancellationTokenSource();
        var waiter = Post("/predict", "leaving");
        waiter.RequestAborted = leaving.Token;
        var waiting = _admission.InvokeAsync(waiter, Admit);
        Assert.Equal(1, _admission.Waiting);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal(0, _admission.Waiting);

        var next = Post("/predict", "next");
        var nextRan = _admission.InvokeAsync(next, Admit);
        Assert.Equal(1, _admission.Waiting);
        release.SetResult();
        await working.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await nextRan.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(200, next.Response.StatusCode);
    }

    [Fact]
    public async Task A_request_still_reading_its_body_holds_no_place_at_work()
    {
        var bodyArrives = new TaskCompletionSource();
        var reading = _admission.InvokeAsync(Post("/predict", "reading"), async c =>
        {
            await bodyArrives.Task; // a slow upload: the body is not read yet
            await c.AdmitAsync(c.RequestAborted);
        });

        var ready = Post("/predict", "ready");
        var readyRan = _admission.InvokeAsync(ready, Admit);
        await readyRan.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(200, ready.Response.StatusCode);
        Assert.Equal(0, _admission.Waiting);

        bodyArrives.SetResult();
        await reading.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        _admission.Dispose();
        _services.Dispose();
    }

    private static Task Admit(HttpContext context) => context.AdmitAsync(context.RequestAborted).AsTask();

    private DefaultHttpContext Post(string path, string name)
    {
        var context = new DefaultHttpContext { RequestServices = _services, TraceIdentifier = name };
        context.Request.Method = HttpMethods.Post;
        context.Request.Path = path;
        context.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(InferenceEndpoint.Instance), path)); // as routing sets it
        context.Response.Body = new MemoryStream();
        return context;
    }

    private static JsonElement Problem(HttpContext context)
    {
        context.Response.Body.Position = 0;
        return JsonDocument.Parse(context.Response.Body).RootElement;
    }
}
