package dev.tfjava.course.serve.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * Why a front door could not listen, in one line naming the cause, for every door alike: the port
 * taken by another program, a port the user may not open, an address that is not this machine's
 * or does not resolve. (The socket's own exception says "null" for an unresolvable host, and
 * Netty rethrows a {@link BindException} without declaring it.)
 */
public final class ListenFailure {
  private ListenFailure() {}

  /**
   * The failure of binding {@code host:port} with {@code cause}, as an {@link UncheckedIOException}
   * whose message is the one line to show.
   */
  public static UncheckedIOException of(String host, int port, Throwable cause) {
    return failure("Could not listen on ", host, port, cause);
  }

  /** As {@link #of(String, int, Throwable)}, for a door named in the message ("gRPC"). */
  public static UncheckedIOException of(String door, String host, int port, Throwable cause) {
    return failure("Could not listen for " + door + " on ", host, port, cause);
  }

  private static UncheckedIOException failure(String prefix, String host, int port,
      Throwable cause) {
    // gRPC wraps the socket's exception in its own ("Failed to bind to address ...").
    Throwable socket = cause;
    for (Throwable c = cause; c != null && c.getCause() != c; c = c.getCause()) {
      if (c instanceof BindException || c instanceof UnresolvedAddressException) {
        socket = c;
        break;
      }
    }
    return new UncheckedIOException(prefix + host + ":" + port + ": " + why(host, port, socket),
        cause instanceof IOException io ? io : new IOException(cause));
  }

  private static String why(String host, int port, Throwable cause) {
    if (cause instanceof UnresolvedAddressException) {
      return host + " is not an IP address or a host name this machine can resolve";
    }
    String message = String.valueOf(cause.getMessage());
    String lower = message.toLowerCase(Locale.ROOT);
    if (cause instanceof BindException && lower.contains("in use")) {
      return "port " + port + " is in use by another program (stop it, or choose another port)";
    }
    if (cause instanceof BindException && lower.contains("permission")) {
      return "permission denied" + (port < 1024 ? " (ports below 1024 need administrator rights;"
          + " choose 1024 or above)" : "");
    }
    if (cause instanceof BindException && lower.contains("assign")) {
      return host + " is not an address of this machine";
    }
    return cause.getClass().getSimpleName() + ": " + message;
  }
}
