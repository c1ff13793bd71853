using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace BillingConsole.Web.Api;

/// <summary>Reads a JSON request body so every malformed input gets the same problem+json answer with a stable code,
/// instead of the framework's bare 400 or 415.</summary>
public static class JsonBody
{
    /// <summary>The largest API body. The server enforces it too while a body is read (ApiErrorResponses), so a
    /// chunked body is refused as soon as it passes the limit.</summary>
    public const long MaxBytes = 1024 * 1024;

    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "Send the body as application/json."));
        if (request.ContentLength > MaxBytes)
            return (null, Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body is larger than {MaxBytes:N0} bytes."));
        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, options, ct);
            return value is null ? (null, Problems.Invalid("The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } path ? $" at {path}" : "";
            return (null, Problems.Invalid($"The body is not valid JSON for this request{where}."));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, Problems.Create(StatusCodes.Status413PayloadTooLarge, "payload_too_large", $"The body is larger than {MaxBytes:N0} bytes."));
        }
    }
}
