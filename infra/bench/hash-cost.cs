// The cost of one password hash as the portal computes it (Passwords.cs: ASP.NET Core Identity v3 format,
// PBKDF2-HMAC-SHA512, 16-byte salt, 32-byte key), measured on its own, without HTTP or the database.
// Run by identity.sh: dotnet run infra/bench/hash-cost.cs -- [iterations] [samples]
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 210_000;
var samples = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
var salt = RandomNumberGenerator.GetBytes(16);

// Warm-up: the first call pays for JIT and loading OpenSSL, not for hashing.
Rfc2898DeriveBytes.Pbkdf2("Karibu-Portal-2026", salt, iterations, HashAlgorithmName.SHA512, 32);

var times = new double[samples];
for (var i = 0; i < samples; i++)
{
    var clock = Stopwatch.StartNew();
    Rfc2898DeriveBytes.Pbkdf2("Karibu-Portal-2026", salt, iterations, HashAlgorithmName.SHA512, 32);
    times[i] = clock.Elapsed.TotalMilliseconds;
}

Array.Sort(times);
// One line for the script: median, fastest, slowest (milliseconds per hash).
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"median_ms={times[samples / 2]:F1} min_ms={times[0]:F1} max_ms={times[^1]:F1} samples={samples} iterations={iterations}"));
