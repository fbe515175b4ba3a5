namespace CityOps.Api.Endpoints;

/// <summary>A validated device of a bulk import; <see cref="Field"/> is where its problems are reported (<c>line 7.</c>, <c>features[3].</c>).</summary>
public sealed record ImportedDevice(string Id, DeviceRegistration Registration, string Field);
