using System.Net;

namespace DigitApi.IntegrationTests.Protection;

/// <summary>Many /predict requests at once; each answer is either a 503 overload problem or a prediction.</summary>
public static class Burst
{
    public static async Task<(bool Accepted, bool Right)[]> SendAsync(HttpClient client, int count, Func<int, (byte[] Image, int Label)> upload, CancellationToken cancellationToken) =>
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var (image, label) = upload(i);
            using var response = await client.PostAsync("/predict", Http.Image(image), cancellationToken);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                var problem = await response.AssertProblemAsync(503);
                Assert.Equal("/problems/overloaded", problem.GetProperty("type").GetString());
                Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
                return (Accepted: false, Right: false);
            }

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (Accepted: true, Right: (await response.ReadJsonAsync()).GetProperty("digit").GetInt32() == label);
        }));
}
