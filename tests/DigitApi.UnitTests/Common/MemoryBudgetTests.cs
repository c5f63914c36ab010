using System.Diagnostics;
using DigitApi.Common;
using DigitApi.Imaging;
using DigitApi.Uploads;

namespace DigitApi.UnitTests.Common;

/// <summary>
/// The memory budget that decodes (waiting on their thread) and request bodies (waiting without one) each have an
/// instance of. "Still waiting" is only asserted against waits of minutes, so a slow machine cannot end them first.
/// </summary>
public class MemoryBudgetTests
{
    private const long MiB = 1 << 20;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static MemoryBudget Budget(long bytes, double waitSeconds) =>
        new(bytes, TimeSpan.FromSeconds(waitSeconds), "doing other things", "Test:Bytes");

    [Fact]
    public void Shares_are_taken_and_given_back()
    {
        var budget = Budget(10 * MiB, 1);

        var first = budget.Take(3 * MiB, Cancel);
        var both = first.With(budget.Take(2 * MiB, Cancel));

        Assert.Equal(5 * MiB, both.Bytes);
        Assert.Equal(5 * MiB, budget.Available);
        both.Dispose();
        Assert.Equal(10 * MiB, budget.Available);
        new MemoryBudget.Share().Dispose(); // an empty share gives back nothing
        Assert.Equal(10 * MiB, budget.Available);
    }

    [Fact]
    public void More_than_the_whole_budget_is_the_callers_to_refuse()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Budget(MiB, 1).Take(MiB + 1, Cancel));
    }

    [Fact]
    public void A_decode_waits_for_its_share_and_gives_up_after_the_wait()
    {
        var budget = Budget(10 * MiB, 1);
        using var held = budget.Take(8 * MiB, Cancel);
        var started = Stopwatch.GetTimestamp();

        var error = Assert.Throws<MemoryBudgetBusyException>(() => budget.Take(4 * MiB, Cancel));

        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(60));
        Assert.Equal(503, error.StatusCode);
        Assert.Equal(1, error.RetryAfterSeconds);
        Assert.Contains("Test:Bytes", error.Message, StringComparison.Ordinal);
        Assert.Equal(2 * MiB, budget.Available);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_waiting_decode_on_its_thread_or_body_without_one_gets_its_share_when_the_holder_lets_go(bool body)
    {
        var budget = Budget(10 * MiB, 600);
        var held = budget.Take(8 * MiB, Cancel);

        var waiting = body ? budget.TakeAsync(4 * MiB, Cancel).AsTask() : Task.Run(() => budget.Take(4 * MiB, Cancel), Cancel);
        await Task.Delay(100, Cancel);
        Assert.False(waiting.IsCompleted);
        held.Dispose();
        (await waiting.WaitAsync(TimeSpan.FromSeconds(60), Cancel)).Dispose();
        Assert.Equal(10 * MiB, budget.Available);
    }

    [Fact]
    public async Task A_decode_whose_clock_runs_out_while_it_waits_is_refused_as_busy()
    {
        var budget = Budget(10 * MiB, 600);
        using var held = budget.Take(8 * MiB, Cancel);
        using var clock = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var waiting = Task.Run(() => budget.Take(4 * MiB, clock.Token), Cancel);

        await Assert.ThrowsAsync<MemoryBudgetBusyException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(60), Cancel));
    }

    [Fact]
    public async Task A_body_gives_up_after_the_wait_and_a_gone_client_stops_waiting()
    {
        var budget = Budget(10 * MiB, 1);
        using var held = await budget.TakeAsync(8 * MiB, Cancel);

        await Assert.ThrowsAsync<MemoryBudgetBusyException>(() => budget.TakeAsync(4 * MiB, Cancel).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Cancel));

        using var gone = new CancellationTokenSource();
        var patient = Budget(10 * MiB, 600);
        using var all = await patient.TakeAsync(10 * MiB, Cancel);
        var waiting = patient.TakeAsync(MiB, gone.Token).AsTask();
        gone.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(60), Cancel));
    }

    [Fact]
    public void Both_budgets_default_to_a_quarter_of_the_memory_at_most_1_GiB()
    {
        var quarter = MemoryBudget.QuarterOfAvailableMemory;

        Assert.InRange(quarter, 1, 1L << 30);
        Assert.Equal(quarter, new ImageOptions().EffectiveDecodeMemoryBytes);
        Assert.Equal(quarter, new UploadOptions().EffectiveBodyMemoryBytes);
        Assert.Equal(5 * MiB, new UploadOptions { BodyMemoryBytes = 5 * MiB }.EffectiveBodyMemoryBytes);
    }
}
