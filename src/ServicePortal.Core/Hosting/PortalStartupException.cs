namespace ServicePortal.Core.Hosting;

/// <summary>
/// A start-up failure with a message written for the operator: one line that names the setting or the
/// missing piece, and what to do. The host prints the message (never a stack trace) and exits non-zero.
/// </summary>
public sealed class PortalStartupException(string message, Exception? inner = null) : Exception(message, inner);
