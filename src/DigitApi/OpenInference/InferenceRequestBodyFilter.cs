using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace DigitApi.OpenInference;

/// <summary>Marks an endpoint that reads an $inference_request from the body itself, whatever its Content-Type.</summary>
public sealed record InferenceRequestBodyMetadata;

/// <summary>
/// Documents the $inference_request body as JSON. Accepts&lt;T&gt;() would also make routing refuse
/// other Content-Types with 415, while protocol clients do not all send application/json.
/// </summary>
public sealed class InferenceRequestBodyFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<InferenceRequestBodyMetadata>().Any())
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = "An $inference_request (JSON, whatever the Content-Type).",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(InferenceRequest), context.SchemaRepository) },
            },
        };
    }
}
