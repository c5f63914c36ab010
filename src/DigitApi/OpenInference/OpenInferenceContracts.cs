using System.Text.Json;
using System.Text.Json.Serialization;

namespace DigitApi.OpenInference;

// The JSON objects of the Open Inference Protocol (KServe v2) REST API, named as the specification names them.

/// <summary>$metadata_server_response: what this server is.</summary>
/// <param name="Name">A descriptive name for the server.</param>
/// <param name="Version">The server version.</param>
/// <param name="Extensions">Protocol extensions the server supports.</param>
public sealed record ServerMetadataResponse(string Name, string Version, string[] Extensions);

/// <summary>$live_server_response.</summary>
public sealed record ServerLiveResponse(bool Live);

/// <summary>$ready_server_response: every model is ready for inferencing.</summary>
public sealed record ServerReadyResponse(bool Ready);

/// <summary>$ready_model_response.</summary>
public sealed record ModelReadyResponse(string Name, bool Ready);

/// <summary>$metadata_tensor: an input or output of a model; -1 marks a variable dimension.</summary>
public sealed record MetadataTensor(string Name, string Datatype, long[] Shape);

/// <summary>$metadata_model_response.</summary>
/// <param name="Name">The model's name.</param>
/// <param name="Versions">The versions that may be asked for explicitly.</param>
/// <param name="Platform">onnx_onnxv1 for a single model, ensemble for the soft-voting ensemble.</param>
/// <param name="Inputs">The inputs the model takes.</param>
/// <param name="Outputs">The outputs it produces.</param>
public sealed record ModelMetadataResponse(string Name, string[] Versions, string Platform, MetadataTensor[] Inputs, MetadataTensor[] Outputs);

/// <summary>$inference_request. Documents the request body; the service reads it itself, to give precise errors.</summary>
/// <param name="Id">Optional; echoed in the response.</param>
/// <param name="Parameters">Optional name/value pairs (string, number or boolean).</param>
/// <param name="Inputs">Exactly one tensor named 'input': FP32, shape [N,1,28,28], already normalised with the model card's mean and std.</param>
/// <param name="Outputs">Optional: 'logits' and/or 'probabilities'; default both.</param>
public sealed record InferenceRequest(string? Id, Dictionary<string, JsonElement>? Parameters, RequestInput[] Inputs, RequestOutput[]? Outputs);

/// <summary>$request_input.</summary>
/// <param name="Name">'input'.</param>
/// <param name="Shape">[N, 1, 28, 28].</param>
/// <param name="Datatype">FP32.</param>
/// <param name="Parameters">Optional name/value pairs.</param>
/// <param name="Data">The N x 784 values in row-major order, flat or nested as the shape.</param>
public sealed record RequestInput(string Name, long[] Shape, string Datatype, Dictionary<string, JsonElement>? Parameters, JsonElement Data);

/// <summary>$request_output.</summary>
public sealed record RequestOutput(string Name, Dictionary<string, JsonElement>? Parameters);

/// <summary>$inference_response.</summary>
/// <param name="ModelName">The model that answered.</param>
/// <param name="ModelVersion">Its version.</param>
/// <param name="Id">The request's id, when it had one.</param>
/// <param name="Outputs">The requested outputs.</param>
public sealed record InferenceResponse(
    [property: JsonPropertyName("model_name")] string ModelName,
    [property: JsonPropertyName("model_version")] string ModelVersion,
    string? Id,
    ResponseOutput[] Outputs);

/// <summary>$response_output: FP32 [N, 10], flat in row-major order.</summary>
public sealed record ResponseOutput(string Name, string Datatype, long[] Shape, float[] Data);

/// <summary>$inference_error_response and the protocol's other error objects.</summary>
public sealed record InferenceError(string Error);
