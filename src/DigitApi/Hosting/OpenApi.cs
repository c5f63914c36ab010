using System.Reflection;
using DigitApi.Security;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DigitApi.Hosting;

/// <summary>Marks an endpoint that reads images from the body itself, so Swagger UI can offer a file picker.</summary>
public sealed record ImageUploadMetadata(bool Multiple);

/// <summary>An example body for one response status of an endpoint, shown in Swagger UI.</summary>
public sealed record ResponseExample(int Status, string Json);

/// <summary>The description of an OpenAPI tag, declared on the route group that carries the tag.</summary>
public sealed record TagDescription(string Name, string Description);

public static class OpenApi
{
    /// <summary>Where the document and the UI are served (they are middleware, not endpoints).</summary>
    public static readonly PathString Prefix = "/swagger";

    /// <summary>The name of the X-Api-Key security scheme in the document.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>Tags the endpoints and describes the tag in the document.</summary>
    public static TBuilder WithTag<TBuilder>(this TBuilder builder, string name, string description)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithTags(name).WithMetadata(new TagDescription(name, description));

    public static IServiceCollection AddDigitApiOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "DigitApi",
                Version = "v1",
                Description = "Handwritten digit recognition: upload a photo, scan or drawing of a digit and get the digit, "
                    + "its confidence and all ten probabilities. Models: CNN, LeNet-5, MLP, logistic regression, and the ensemble of the CNN and LeNet-5.",
                License = new OpenApiLicense { Name = "MIT", Url = new Uri("https://opensource.org/license/mit") },
            });
            options.AddSecurityDefinition(ApiKeyScheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyOptions.HeaderName,
                Description = "Needed by the prediction and inference endpoints when the service has API keys configured (ApiKeys:Keys); "
                    + "without keys the service is open.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml");
            if (File.Exists(xml))
            {
                options.IncludeXmlComments(xml);
            }

            options.OperationFilter<ImageUploadOperationFilter>();
            options.OperationFilter<ResponseExampleOperationFilter>();
            options.OperationFilter<ProtectionOperationFilter>();
            options.DocumentFilter<TagDescriptionDocumentFilter>();
        });
        return services;
    }

    /// <summary>
    /// The document and the UI under /swagger, branched on the path: predictions do not pass through Swashbuckle's
    /// middleware (two more async layers and an embedded static-file lookup per request).
    /// </summary>
    public static WebApplication UseDigitApiSwagger(this WebApplication app)
    {
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Prefix), swagger =>
        {
            // The server is the one that served the document, as the client reached it (behind a proxy too).
            swagger.UseSwagger(options => options.PreSerializeFilters.Add((document, request) =>
                document.Servers = [new OpenApiServer { Url = $"{request.Scheme}://{request.Host.Value}{request.PathBase}", Description = "This service" }]));
            swagger.UseSwaggerUI(options =>
            {
                options.SwaggerEndpoint("/swagger/v1/swagger.json", "DigitApi v1");
                options.DocumentTitle = "DigitApi – Swagger UI";
            });
        });
        return app;
    }
}

/// <summary>Describes the upload body: multipart field <c>image</c> (one or many files) or a raw image body.</summary>
public sealed class ImageUploadOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var upload = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ImageUploadMetadata>().FirstOrDefault();
        if (upload is null)
        {
            return;
        }

        var file = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        IOpenApiSchema field = upload.Multiple ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = file } : file;
        var content = new Dictionary<string, IOpenApiMediaType>
        {
            ["multipart/form-data"] = new OpenApiMediaType
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = new HashSet<string> { "image" },
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["image"] = field,
                    },
                },
            },
        };
        if (!upload.Multiple)
        {
            content["image/*"] = new OpenApiMediaType { Schema = file };
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = upload.Multiple
                ? "Images as repeated multipart fields named 'image' (PNG, JPEG, GIF, BMP or WebP)."
                : "The image (PNG, JPEG, GIF, BMP or WebP): multipart field 'image', or the raw bytes with an image/* Content-Type.",
            Content = content,
        };
    }
}

/// <summary>Attaches <see cref="ResponseExample"/> metadata to the documented responses.</summary>
public sealed class ResponseExampleOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        foreach (var example in context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ResponseExample>())
        {
            if (operation.Responses?.TryGetValue(example.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true
                && response.Content is { } content)
            {
                foreach (var media in content.Values.OfType<OpenApiMediaType>())
                {
                    media.Example = System.Text.Json.Nodes.JsonNode.Parse(example.Json);
                }
            }
        }
    }
}

/// <summary>
/// What the protection policies add to an operation, read from the same endpoint metadata the middleware reads:
/// the X-Api-Key requirement (Swagger UI's Authorize button then sends the key). Operations without a key are
/// declared open (the document's empty requirement). An operation that documents no client error gets the
/// generic 4XX every request may meet (malformed HTTP, headers over Kestrel's limits).
/// </summary>
public sealed class ProtectionOperationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        operation.Security = metadata.OfType<ApiKeyEndpoint>().Any()
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApi.ApiKeyScheme, context.Document)] = [] }]
            : [new OpenApiSecurityRequirement()];
        operation.Responses ??= [];
        if (!operation.Responses.Keys.Any(status => status.StartsWith('4')))
        {
            operation.Responses["4XX"] = new OpenApiResponse { Description = "The request could not be read as sent (malformed HTTP, headers too large)." };
        }
    }
}

/// <summary>Describes each tag from the <see cref="TagDescription"/> its route group declares.</summary>
public sealed class TagDescriptionDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument swaggerDoc, DocumentFilterContext context)
    {
        var described = context.ApiDescriptions
            .SelectMany(d => d.ActionDescriptor.EndpointMetadata.OfType<TagDescription>())
            .DistinctBy(t => t.Name)
            .Select(t => new OpenApiTag { Name = t.Name, Description = t.Description });
        swaggerDoc.Tags = new HashSet<OpenApiTag>(described);
    }
}
