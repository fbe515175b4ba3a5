namespace CityOps.Rules;

/// <summary>
/// The sun's altitude at a place and time, by the NOAA solar calculator's equations (Meeus, "Astronomical
/// Algorithms"): accurate to about a minute in sunrise/sunset for latitudes within ±72°, far better than a
/// streetlight rule needs.
/// </summary>
public static class SolarPosition
{
    /// <summary>The geometric altitude of the sun's centre at sunrise and sunset: refraction and the sun's radius.</summary>
    public const double HorizonDegrees = -0.833;

    /// <summary>Night: the sun is below the horizon as sunrise and sunset are defined (altitude below -0.833°).</summary>
    public static bool IsNight(double latitude, double longitude, DateTimeOffset at) => AltitudeDegrees(latitude, longitude, at) < HorizonDegrees;

    /// <summary>The sun's geometric altitude in degrees (no refraction), negative below the horizon.</summary>
    public static double AltitudeDegrees(double latitude, double longitude, DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        var julianDay = (utc.Ticks - new DateTime(2000, 1, 1, 12, 0, 0, DateTimeKind.Utc).Ticks) / (double)TimeSpan.TicksPerDay + 2451545.0;
        var t = (julianDay - 2451545.0) / 36525.0;

        var meanLongitude = Mod(280.46646 + (t * (36000.76983 + (t * 0.0003032))), 360);
        var meanAnomaly = 357.52911 + (t * (35999.05029 - (0.0001537 * t)));
        var eccentricity = 0.016708634 - (t * (0.000042037 + (0.0000001267 * t)));
        var m = Rad(meanAnomaly);
        var centre = (Math.Sin(m) * (1.914602 - (t * (0.004817 + (0.000014 * t)))))
            + (Math.Sin(2 * m) * (0.019993 - (0.000101 * t)))
            + (Math.Sin(3 * m) * 0.000289);
        var trueLongitude = meanLongitude + centre;
        var omega = Rad(125.04 - (1934.136 * t));
        var apparentLongitude = trueLongitude - 0.00569 - (0.00478 * Math.Sin(omega));
        var meanObliquity = 23 + ((26 + ((21.448 - (t * (46.815 + (t * (0.00059 - (t * 0.001813)))))) / 60)) / 60);
        var obliquity = Rad(meanObliquity + (0.00256 * Math.Cos(omega)));
        var declination = Math.Asin(Math.Sin(obliquity) * Math.Sin(Rad(apparentLongitude)));

        var y = Math.Pow(Math.Tan(obliquity / 2), 2);
        var l0 = Rad(meanLongitude);
        var equationOfTimeMinutes = 4 * Deg(
            (y * Math.Sin(2 * l0))
            - (2 * eccentricity * Math.Sin(m))
            + (4 * eccentricity * y * Math.Sin(m) * Math.Cos(2 * l0))
            - (0.5 * y * y * Math.Sin(4 * l0))
            - (1.25 * eccentricity * eccentricity * Math.Sin(2 * m)));

        var minutesOfDay = utc.TimeOfDay.TotalMinutes;
        var trueSolarTime = Mod(minutesOfDay + equationOfTimeMinutes + (4 * longitude), 1440);
        var hourAngle = Rad((trueSolarTime / 4) - 180);
        var phi = Rad(latitude);
        var cosZenith = (Math.Sin(phi) * Math.Sin(declination)) + (Math.Cos(phi) * Math.Cos(declination) * Math.Cos(hourAngle));
        return 90 - Deg(Math.Acos(Math.Clamp(cosZenith, -1, 1)));
    }

    private static double Rad(double degrees) => degrees * Math.PI / 180;

    private static double Deg(double radians) => radians * 180 / Math.PI;

    private static double Mod(double x, double m) => ((x % m) + m) % m;
}
