using DigitApi.Endpoints;
using DigitApi.Hosting;
using DigitApi.Imaging;
using DigitApi.Inference;
using DigitApi.Uploads;

var builder = WebApplication.CreateBuilder(args);

// Logging: Serilog, readable in Development, compact JSON in containers.
builder.AddDigitApiLogging();

// Errors: ProblemDetails for everything, no stack traces.
builder.Services.AddDigitApiProblemDetails();

// The request path: uploads -> imaging -> inference.
builder.Services.AddUploads(builder.WebHost);
builder.Services.AddImaging();
builder.Services.AddInference();
builder.Services.AddSingleton<PredictionServices>();

// API description and Swagger UI.
builder.Services.AddDigitApiOpenApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDigitApiRequestLogging();
app.UseDigitApiSwagger();
app.UseDefaultFiles(); // the draw-a-digit page: wwwroot/index.html at /
app.UseStaticFiles();

app.MapPredictionEndpoints();
app.MapModelEndpoints();
app.MapHealthEndpoints();

app.Run();

/// <summary>The entry point; public so that integration tests can host the app.</summary>
public partial class Program;
