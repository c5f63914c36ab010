using DigitApi.Admission;
using DigitApi.Endpoints;
using DigitApi.Hosting;
using DigitApi.Imaging;
using DigitApi.Inference;
using DigitApi.Numbers;
using DigitApi.OpenInference;
using DigitApi.Security;
using DigitApi.Uploads;

// Container health check (`dotnet DigitApi.dll --health-probe`): the chiseled image has no shell or curl.
if (HealthProbe.IsRequested(args))
{
    Environment.ExitCode = await HealthProbe.RunAsync(args);
    return;
}

var builder = WebApplication.CreateBuilder(args);

// Logging: Serilog, readable in Development, compact JSON in containers.
builder.AddDigitApiLogging();

// Errors: ProblemDetails for everything, no stack traces.
builder.Services.AddDigitApiProblemDetails();

// The request path: uploads -> imaging -> inference.
builder.Services.AddUploads(builder.WebHost);
builder.Services.AddImaging();
builder.Services.AddInference();
builder.Services.AddModelWarmup(); // loads the models and proves them on known digits before the service is ready
builder.Services.AddNumbers();
builder.Services.AddOpenInference();
builder.Services.AddSingleton<PredictionServices>();
builder.Services.AddGracefulShutdown(builder.Configuration);
builder.Services.AddAdmissionControl();

// Protection: forwarded headers, rate limiting, API keys, CORS; metrics at /metrics.
builder.Services.AddDigitApiSecurity(builder.Configuration);
builder.Services.AddDigitApiMetrics();

// JSON answers leave out what is absent (e.g. "input" without include=input).
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);

// API description and Swagger UI.
builder.Services.AddDigitApiOpenApi();

var app = builder.Build();

// Routing first, so that every middleware below reads the policies an endpoint's route group declares
// (Hosting/EndpointConventions: inference, API key, infrastructure).
app.UseRouting();
// Request logging wraps the error handling so that it records the status code the client received.
app.UseDigitApiRequestLogging();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDigitApiSecurity();
app.UseGracefulShutdown();
app.UseAdmissionControl(); // load shedding before any upload is read
app.UseDigitApiSwagger();
app.UseDefaultFiles(); // the draw-a-digit page: wwwroot/index.html at /
app.UseStaticFiles();

app.MapPredictionEndpoints();
app.MapModelEndpoints();
app.MapHealthEndpoints();
app.MapOpenInferenceEndpoints();
app.MapDigitApiMetrics();

app.Run();

/// <summary>The entry point; public so that integration tests can host the app.</summary>
public partial class Program;
